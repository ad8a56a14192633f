//! Onboarding banks and bureaus: admin only, each with a first staff account of the right role.

use serde_json::json;
use xyd_tests::both_backends;

const CREATE: &str =
    "mutation($i: CreateInstitutionInput!) { createInstitution(input: $i) { id kind name regionCode } }";

fn input(kind: &str, email: &str) -> serde_json::Value {
    json!({ "i": { "kind": kind, "name": format!("{kind} 雷州"), "regionCode": "440882",
                   "adminEmail": email, "adminPassword": "Staff12345" } })
}

both_backends! {
    async fn admin_creates_a_bank_and_a_bureau_whose_staff_log_in_with_their_role(app) {
        let admin = app.admin_token().await;
        for (kind, email, role) in [("BANK", "loans@bank.test", "BANK"), ("BUREAU", "staff@fgj.test", "BUREAU")] {
            let r = app.gql(Some(&admin), CREATE, input(kind, email)).await;
            r.ok();
            assert_eq!(r.str_at("/data/createInstitution/kind"), kind);
            assert_eq!(r.str_at("/data/createInstitution/regionCode"), "440882");
            let token = app.tokens(email, "Staff12345").await.access;
            let me = app.gql(Some(&token), "{ me { role institution { id kind } } }", json!({})).await;
            me.ok();
            assert_eq!(me.str_at("/data/me/role"), role);
            assert_eq!(me.str_at("/data/me/institution/id"), r.str_at("/data/createInstitution/id"));
        }
    }

    async fn only_the_admin_may_create_institutions(app) {
        app.gql(None, CREATE, input("BANK", "a@bank.test")).await.expect_error("UNAUTHENTICATED");
        let (_, bank) = app.bank("某银行", "4408").await;
        app.gql(Some(&bank), CREATE, input("BANK", "b@bank.test")).await.expect_error("FORBIDDEN");
        let admin = app.admin_token().await;
        let me = app.gql(Some(&admin), "{ me { email } }", json!({})).await;
        me.ok();
    }

    async fn invalid_institution_input_names_the_field_and_leaves_nothing(app) {
        let admin = app.admin_token().await;
        let mut bad = input("BANK", "c@bank.test");
        bad["i"]["regionCode"] = json!("44A8");
        let r = app.gql(Some(&admin), CREATE, bad).await;
        r.expect_error("BAD_USER_INPUT");
        assert_eq!(r.str_at("/errors/0/extensions/field"), "input.regionCode");
        app.login("c@bank.test", "Staff12345").await.expect_error("UNAUTHENTICATED");

        let mut weak = input("BANK", "d@bank.test");
        weak["i"]["adminPassword"] = json!("short");
        let r = app.gql(Some(&admin), CREATE, weak).await;
        assert_eq!(r.str_at("/errors/0/extensions/field"), "input.adminPassword");

        // A taken staff email rolls back the institution too: the same name can be created afterwards.
        app.gql(Some(&admin), CREATE, input("BANK", "e@bank.test")).await.ok();
        let mut dup = input("BUREAU", "e@bank.test");
        dup["i"]["name"] = json!("新机构");
        let taken = app.gql(Some(&admin), CREATE, dup.clone()).await;
        taken.expect_error("CONFLICT");
        assert_eq!(taken.str_at("/errors/0/extensions/reason"), "EMAIL_TAKEN");
        assert_eq!(taken.str_at("/errors/0/extensions/field"), "input.adminEmail");
        dup["i"]["adminEmail"] = json!("f@bank.test");
        app.gql(Some(&admin), CREATE, dup).await.ok();
    }
}

both_backends! {
    async fn a_lender_carries_its_own_code_which_the_admin_completes(app) {
        let admin = app.admin_token().await;
        let code = xyd_tests::fixtures::uscc_in("440800", '1', 901);
        let mut bad = input("BANK", "coded@bank.test");
        bad["i"]["uscc"] = json!("91440800MA00000000");
        let refused = app.gql(Some(&admin), CREATE, bad).await;
        refused.expect_error("BAD_USER_INPUT");
        assert_eq!(refused.str_at("/errors/0/extensions/field"), "input.uscc", "{:#}", refused.body);
        let mut coded = input("BANK", "coded@bank.test");
        coded["i"]["uscc"] = json!(code);
        let created = app.gql(Some(&admin), "mutation($i: CreateInstitutionInput!) { createInstitution(input: $i) { id uscc } }", coded).await;
        created.ok();
        assert_eq!(created.str_at("/data/createInstitution/uscc"), code);

        // A bank created without one has none until the admin completes it; a code in use is a conflict.
        let mut plain = input("BANK", "plain@bank.test");
        plain["i"]["name"] = json!("湛江无码银行");
        let plain = app.gql(Some(&admin), CREATE, plain).await;
        let id = plain.str_at("/data/createInstitution/id").to_string();
        let update = "mutation($id: ID!, $u: InstitutionUpdate!) { updateInstitution(id: $id, input: $u) { id name uscc } }";
        let taken = app.gql(Some(&admin), update, json!({ "id": id, "u": { "uscc": code } })).await;
        taken.expect_error("CONFLICT");
        let other = xyd_tests::fixtures::uscc_in("440800", '1', 902);
        let done = app.gql(Some(&admin), update, json!({ "id": id, "u": { "uscc": other, "name": "  湛江补码银行 " } })).await;
        done.ok();
        assert_eq!(done.at("/data/updateInstitution"), &json!({ "id": id, "name": "湛江补码银行", "uscc": other }));
        let bank = app.tokens("plain@bank.test", "Staff12345").await.access;
        let me = app.gql(Some(&bank), "{ me { institution { name uscc } } }", json!({})).await;
        assert_eq!(me.at("/data/me/institution"), &json!({ "name": "湛江补码银行", "uscc": other }), "the change is seen at once");
        app.gql(Some(&bank), update, json!({ "id": id, "u": { "name": "自改" } })).await.expect_error("FORBIDDEN");
        let unknown = app.gql(Some(&admin), update, json!({ "id": uuid::Uuid::now_v7().to_string(), "u": { "name": "无" } })).await;
        unknown.expect_error("NOT_FOUND");
    }
}
