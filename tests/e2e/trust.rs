//! Trust, tried as an attacker would: only the real, verified enterprise speaks for its code, each bureau
//! writes only its own jurisdiction's data, and a consent ends when its reason ends. Each test is one attack
//! that once succeeded, now refused through GraphQL on both databases.

use std::sync::Arc;

use serde_json::{Value, json};
use xyd_tests::fixtures::{
    GRANT, LEGAL_REP_ID, POST_DEMAND, PROFILE, REGISTER, RegistryCsv, credit_csv, demand_input, grant, registration,
    tax_csv, uscc, uscc_in,
};
use xyd_tests::{TestApp, both_backends};

const ACCEPT: &str = "mutation($d: ID!) { acceptDemand(demandId: $d) { id status } }";
const GRANT_CREDIT: &str = "mutation($r: ID!) { grantCredit(responseId: $r, input: {amount: \"400000.00\", annualRate: \"4.35\", termMonths: 12}) { status } }";
const DISBURSE: &str = "mutation($r: ID!, $at: DateTime!) { recordDisbursement(responseId: $r, input: {amount: \"400000.00\", disbursedAt: $at, firstLoan: true}) { status } }";
const WITHDRAW: &str = "mutation($id: ID!) { withdrawDemand(id: $id) { status } }";
const RECORDS: &str = "query($id: ID!) { creditRecords(subjectId: $id) { id title status category } }";
const FILE: &str =
    "mutation($r: ID!) { fileObjection(recordId: $r, reason: \"该记录有误，附说明材料\") { id record { status } } }";
const RESOLVE: &str = "mutation($id: ID!) { resolveObjection(id: $id, outcome: CORRECTED, note: \"已核实\") { outcome record { status } } }";
const SUBJECT: &str = "query($id: ID!) { subject(id: $id) { verificationStatus verificationNote restricted } }";

/// A registration of `code` by a stranger who typed what the public file shows; returns (token, subject id,
/// verification status).
async fn squat(app: &TestApp, code: &str, name: &str, legal_rep: &str) -> (String, String, String) {
    let mut vars = registration(code, name, legal_rep, &format!("{}@squat.test", uuid::Uuid::now_v7().simple()));
    vars["i"]["legalRepIdNumber"] = json!("110105194912310038");
    let r = app.gql(None, REGISTER, vars).await;
    r.ok();
    (
        r.str_at("/data/registerSubject/accessToken").to_string(),
        r.str_at("/data/registerSubject/user/subject/id").to_string(),
        r.str_at("/data/registerSubject/user/subject/verificationStatus").to_string(),
    )
}

fn disburse_vars(response: &str) -> Value {
    json!({ "r": response, "at": chrono::Utc::now().to_rfc3339() })
}

both_backends! {
    async fn a_squatter_reads_no_tax_and_cannot_speak_for_the_code(app) {
        let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
        let code = uscc(11);
        app.import(&bureau, "TAX", tax_csv(&[(&code, 2025, "A", "765432.10")])).await.ok();
        app.import(&bureau, "CREDIT", credit_csv(&[(&code, "SERIOUS_DISHONESTY", "失信〔2025〕11号", "列入严重失信主体名单")])).await.ok();
        let (squatter, subject, status) = squat(&app, &code, "雷州市未登记有限公司", "王五").await;
        assert_eq!(status, "PENDING");

        // Attack 1: the imported tax data of the code, read as its "owner".
        let r = app.gql(Some(&squatter), PROFILE, json!({ "s": subject, "p": "LOAN_APPLICATION" })).await;
        let err = r.error_at_path("creditProfile.tax").unwrap_or_else(|| panic!("{:#}", r.body));
        assert_eq!(err["extensions"]["code"], "INVALID_STATE");
        assert_eq!(err["extensions"]["reason"], "UNVERIFIED");
        assert!(!r.body.to_string().contains("765432.10"), "tax leaked: {:#}", r.body);
        assert_eq!(r.at("/data/creditProfile/publicRecords/0/category"), "SERIOUS_DISHONESTY", "the public file stays visible");

        // Attack 2: an objection against the code's 失信 record.
        let record = app.gql(Some(&squatter), RECORDS, json!({ "id": subject })).await.str_at("/data/creditRecords/0/id").to_string();
        let filed = app.gql(Some(&squatter), FILE, json!({ "r": record })).await;
        filed.expect_error("INVALID_STATE");
        assert_eq!(filed.str_at("/errors/0/extensions/reason"), "UNVERIFIED");
        let seen = app.gql(Some(&bureau), SUBJECT, json!({ "id": subject })).await;
        assert_eq!(seen.at("/data/subject/restricted"), &json!(true), "the record keeps its punitive effect");
        let records = app.gql(Some(&bureau), RECORDS, json!({ "id": subject })).await;
        assert_eq!(records.str_at("/data/creditRecords/0/status"), "ACTIVE");

        // Nor consents or demands.
        let (bank, _) = app.bank("某银行", "4408").await;
        app.gql(Some(&squatter), GRANT, grant(&bank, &["TAX"], "LOAN_APPLICATION", 3600)).await.expect_error("INVALID_STATE");
        app.gql(Some(&squatter), POST_DEMAND, demand_input(&["TAX"])).await.expect_error("INVALID_STATE");
    }

    async fn a_region_outside_the_code_is_refused_and_every_objection_is_decidable(app) {
        let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
        let admin = app.admin_token().await;
        let code = uscc(12);
        app.import(&bureau, "REGISTRY", RegistryCsv::new().row(&code, "雷州市异议测试有限公司", "张三").bytes()).await.ok();
        // Attack 3: a region far from the code's county, which no bureau would decide for.
        let mut far = registration(&code, "雷州市异议测试有限公司", "张三", "far@ent.test");
        far["i"]["regionCode"] = json!("650102002");
        let r = app.gql(None, REGISTER, far).await;
        r.expect_error("BAD_USER_INPUT");
        assert_eq!(r.str_at("/errors/0/extensions/field"), "input.regionCode");
        // A code without a registry entry: the area of its registering authority.
        let mut unlisted = registration(&uscc(13), "雷州市未入库有限公司", "李四", "unlisted@ent.test");
        unlisted["i"]["regionCode"] = json!("440823101");
        app.gql(None, REGISTER, unlisted).await.expect_error("BAD_USER_INPUT");

        // The owner's objection: the importing bureau sees it; the admin may decide it too.
        let (owner, subject) = app.enterprise(&code, "雷州市异议测试有限公司", "张三").await;
        app.import(&bureau, "CREDIT", credit_csv(&[
            (&code, "ADMIN_PENALTY", "雷市监罚〔2025〕12号", "未按规定公示年报"),
            (&code, "ADMIN_PENALTY", "雷市监罚〔2025〕13号", "未按规定申报"),
        ])).await.ok();
        let records = app.gql(Some(&owner), RECORDS, json!({ "id": subject })).await;
        let ids: Vec<String> = records.at("/data/creditRecords").as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_string()).collect();
        let mut objections = Vec::new();
        for id in &ids {
            let filed = app.gql(Some(&owner), FILE, json!({ "r": id })).await;
            filed.ok();
            objections.push(filed.str_at("/data/fileObjection/id").to_string());
        }
        let listed = app.gql(Some(&bureau), "{ objections(openOnly: true) { id } }", json!({})).await;
        assert_eq!(listed.at("/data/objections").as_array().map(Vec::len), Some(2), "{:#}", listed.body);
        let (_, outsider) = app.bureau("遂溪县发改局", "440823").await;
        app.gql(Some(&outsider), RESOLVE, json!({ "id": objections[0] })).await.expect_error("FORBIDDEN");
        let outside_list = app.gql(Some(&outsider), "{ objections(openOnly: true) { id } }", json!({})).await;
        assert_eq!(outside_list.at("/data/objections").as_array().map(Vec::len), Some(0));
        app.gql(Some(&bureau), RESOLVE, json!({ "id": objections[0] })).await.ok();
        let by_admin = app.gql(Some(&admin), RESOLVE, json!({ "id": objections[1] })).await;
        by_admin.ok();
        assert_eq!(by_admin.str_at("/data/resolveObjection/record/status"), "REVOKED");
    }

    async fn a_bureau_cannot_take_over_another_jurisdictions_record(app) {
        let (_, leizhou) = app.bureau("雷州市发改局", "440882").await;
        let (_, suixi) = app.bureau("遂溪县发改局", "440823").await;
        let (victim, rival) = (uscc(14), uscc_in("440823", '1', 15));
        let (owner, subject) = {
            app.import(&leizhou, "REGISTRY", RegistryCsv::new().row(&victim, "雷州市被夺记录有限公司", "张三").bytes()).await.ok();
            app.enterprise(&victim, "雷州市被夺记录有限公司", "张三").await
        };
        let doc = "雷市监〔2025〕14号";
        app.import(&leizhou, "CREDIT", credit_csv(&[(&victim, "SERIOUS_DISHONESTY", doc, "列入严重失信主体名单")])).await.ok();
        assert_eq!(app.gql(Some(&owner), SUBJECT, json!({ "id": subject })).await.at("/data/subject/restricted"), &json!(true));

        // Attack 4: the same (source, doc_number) re-imported by another jurisdiction for one of its codes.
        let taken = app.import(&suixi, "CREDIT", credit_csv(&[(&rival, "SERIOUS_DISHONESTY", doc, "列入严重失信主体名单")])).await;
        taken.ok();
        assert_eq!(taken.at("/data/importRecords/rejectedRows"), &json!(1), "{:#}", taken.body);
        assert_eq!(taken.str_at("/data/importRecords/errors/0/code"), "OUT_OF_JURISDICTION");
        let (_, bank) = app.bank("某银行", "4408").await;
        let seen = app.gql(Some(&bank), RECORDS, json!({ "id": subject })).await;
        assert_eq!(seen.at("/data/creditRecords").as_array().map(Vec::len), Some(1), "the record stays with its subject");
        assert_eq!(app.gql(Some(&owner), SUBJECT, json!({ "id": subject })).await.at("/data/subject/restricted"), &json!(true));

        // A correction inside the jurisdiction moves the record, and both subjects' flags follow.
        let other = uscc(16);
        app.import(&leizhou, "REGISTRY", RegistryCsv::new().row(&other, "雷州市真失信有限公司", "李四").bytes()).await.ok();
        let (other_owner, other_subject) = app.enterprise(&other, "雷州市真失信有限公司", "李四").await;
        app.import(&leizhou, "CREDIT", credit_csv(&[(&other, "SERIOUS_DISHONESTY", doc, "列入严重失信主体名单")])).await.ok();
        assert_eq!(app.gql(Some(&owner), SUBJECT, json!({ "id": subject })).await.at("/data/subject/restricted"), &json!(false));
        assert_eq!(app.gql(Some(&other_owner), SUBJECT, json!({ "id": other_subject })).await.at("/data/subject/restricted"), &json!(true));
    }

    async fn registry_snapshots_cannot_come_from_the_future_or_two_jurisdictions(app) {
        let (_, leizhou) = app.bureau("雷州市发改局", "440882").await;
        let (_, suixi) = app.bureau("遂溪县发改局", "440823").await;
        let code = uscc(17);
        // Attack 5: a snapshot dated 2099-12-31 would stand as the newest one.
        let future = format!(
            "uscc,name,kind,region_code,legal_rep_name,legal_rep_id_number,status,snapshot_date\n\
             {code},雷州市未来有限公司,企业,440882100,张三,{LEGAL_REP_ID},存续,2099-12-31\n"
        );
        let r = app.import(&leizhou, "REGISTRY", future.into_bytes()).await;
        assert_eq!(r.at("/data/importRecords/rejectedRows"), &json!(1), "{:#}", r.body);
        assert_eq!(r.str_at("/data/importRecords/errors/0/code"), "INVALID_DATE");

        // A code standing in 雷州's latest snapshot, listed again by 遂溪: a cross-region 重错码.
        app.import(&leizhou, "REGISTRY", RegistryCsv::new().row(&code, "雷州市跨区有限公司", "张三").bytes()).await.ok();
        let crossed = RegistryCsv::new().row_with(&code, "雷州市跨区有限公司", "张三", "440823101", "存续");
        let r = app.import(&suixi, "REGISTRY", crossed.bytes()).await;
        r.ok();
        assert_eq!(r.at("/data/importRecords/rejectedRows"), &json!(1), "{:#}", r.body);
        assert_eq!(r.str_at("/data/importRecords/errors/0/code"), "CROSS_REGION_USCC");
        assert_eq!(r.at("/data/importRecords/duplicateCodeRows"), &json!(1));
    }

    async fn a_closed_demand_stays_closed_and_its_consent_ends(app) {
        let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
        let code = uscc(18);
        app.import(&bureau, "REGISTRY", RegistryCsv::new().row(&code, "雷州市撤回测试有限公司", "张三").bytes()).await.ok();
        app.import(&bureau, "TAX", tax_csv(&[(&code, 2025, "A", "88000.00")])).await.ok();
        let (owner, subject) = app.enterprise(&code, "雷州市撤回测试有限公司", "张三").await;
        let (_, granting) = app.lending_bank("授信银行", "4408").await;
        let (_, accepting) = app.lending_bank("受理银行", "4408").await;
        let posted = app.gql(Some(&owner), POST_DEMAND, demand_input(&["TAX"])).await;
        posted.ok();
        let demand = posted.str_at("/data/postDemand/id").to_string();
        let granted = app.gql(Some(&granting), ACCEPT, json!({ "d": demand })).await.str_at("/data/acceptDemand/id").to_string();
        app.gql(Some(&granting), GRANT_CREDIT, json!({ "r": granted })).await.ok();
        let accepted = app.gql(Some(&accepting), ACCEPT, json!({ "d": demand })).await.str_at("/data/acceptDemand/id").to_string();
        let tax = app.gql(Some(&accepting), PROFILE, json!({ "s": subject, "p": "LOAN_APPLICATION" })).await;
        assert_eq!(tax.str_at("/data/creditProfile/tax/0/grade"), "A", "shared while the demand stands");

        // Attack 6: after the withdrawal, shared data, credit and disbursement on the withdrawn demand.
        app.gql(Some(&owner), WITHDRAW, json!({ "id": demand })).await.ok();
        for bank in [&granting, &accepting] {
            let r = app.gql(Some(bank), PROFILE, json!({ "s": subject, "p": "LOAN_APPLICATION" })).await;
            assert_eq!(r.error_at_path("creditProfile.tax").unwrap()["extensions"]["code"], "CONSENT_REQUIRED");
        }
        app.gql(Some(&accepting), GRANT_CREDIT, json!({ "r": accepted })).await.expect_error("INVALID_STATE");
        app.gql(Some(&granting), DISBURSE, disburse_vars(&granted)).await.expect_error("INVALID_STATE");
        let shown = app.gql(Some(&owner), "query($id: ID!) { demand(id: $id) { status responses { status } } }", json!({ "id": demand })).await;
        assert_eq!(shown.str_at("/data/demand/status"), "WITHDRAWN");
        assert!(shown.at("/data/demand/responses").as_array().unwrap().iter().all(|r| r["status"] == "SUPERSEDED"), "{:#}", shown.body);

        // Funded: the lender keeps its access, every other bank loses it.
        let posted = app.gql(Some(&owner), POST_DEMAND, demand_input(&["TAX"])).await;
        let demand = posted.str_at("/data/postDemand/id").to_string();
        let lent = app.gql(Some(&granting), ACCEPT, json!({ "d": demand })).await.str_at("/data/acceptDemand/id").to_string();
        app.gql(Some(&accepting), ACCEPT, json!({ "d": demand })).await.ok();
        app.gql(Some(&granting), GRANT_CREDIT, json!({ "r": lent })).await.ok();
        app.gql(Some(&granting), DISBURSE, disburse_vars(&lent)).await.ok();
        let lender = app.gql(Some(&granting), PROFILE, json!({ "s": subject, "p": "LOAN_APPLICATION" })).await;
        assert_eq!(lender.str_at("/data/creditProfile/tax/0/grade"), "A", "{:#}", lender.body);
        let other = app.gql(Some(&accepting), PROFILE, json!({ "s": subject, "p": "LOAN_APPLICATION" })).await;
        assert!(other.error_at_path("creditProfile.tax").is_some(), "{:#}", other.body);
    }

    async fn a_demand_addressed_to_one_bank_is_taken_up_by_no_other(app) {
        let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
        let code = uscc(19);
        app.import(&bureau, "REGISTRY", RegistryCsv::new().row(&code, "雷州市申请测试有限公司", "张三").bytes()).await.ok();
        app.import(&bureau, "TAX", tax_csv(&[(&code, 2025, "A", "88000.00")])).await.ok();
        let (owner, subject) = app.enterprise(&code, "雷州市申请测试有限公司", "张三").await;
        let (_, chosen) = app.bank("被选银行", "4408").await;
        let product = app.published_product(&chosen, xyd_tests::fixtures::product_input("被选产品", "纯信用经营贷")).await;
        let (_, other) = app.lending_bank("其他银行", "4408").await;
        let (_, idle) = app.bank("无产品银行", "4408").await;
        let mut input = demand_input(&["TAX"]);
        input["i"]["targetProductIds"] = json!([product]);
        let demand = app.gql(Some(&owner), POST_DEMAND, input).await.str_at("/data/postDemand/id").to_string();

        // Attack 7: another bank accepts the application and gains the shared consent.
        app.gql(Some(&other), ACCEPT, json!({ "d": demand })).await.expect_error("FORBIDDEN");
        let r = app.gql(Some(&other), PROFILE, json!({ "s": subject, "p": "LOAN_APPLICATION" })).await;
        assert!(r.error_at_path("creditProfile.tax").is_some(), "{:#}", r.body);
        app.gql(Some(&chosen), ACCEPT, json!({ "d": demand })).await.ok();

        // An open demand: only a bank with an eligible published product.
        let open = app.gql(Some(&owner), POST_DEMAND, demand_input(&[])).await.str_at("/data/postDemand/id").to_string();
        app.gql(Some(&idle), ACCEPT, json!({ "d": open })).await.expect_error("FORBIDDEN");
        app.gql(Some(&other), ACCEPT, json!({ "d": open })).await.ok();
    }

    async fn the_real_company_wins_over_a_squatter_who_came_first(app) {
        let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
        let code = uscc(20);
        let (squatter, squatted, status) = squat(&app, &code, "雷州市真实有限公司", "张三").await;
        assert_eq!(status, "PENDING");
        app.import(&bureau, "REGISTRY", RegistryCsv::new().row(&code, "雷州市真实有限公司", "张三").bytes()).await.ok();
        // The public facts alone (name and representative) never verify: the squatter's ID number is wrong.
        let (_, second, status) = squat(&app, &code, "雷州市真实有限公司", "张三").await;
        assert_eq!(status, "PENDING");
        let queue = app.gql(Some(&bureau), "{ verificationQueue { nodes { id verificationNote } } }", json!({})).await;
        let notes: Vec<&str> = queue.at("/data/verificationQueue/nodes").as_array().unwrap().iter().map(|n| n["verificationNote"].as_str().unwrap()).collect();
        assert_eq!(notes.len(), 2);
        assert!(notes.iter().all(|n| n.contains("另有注册")), "the conflict is explained on both: {notes:?}");

        let (owner, subject) = app.enterprise(&code, "雷州市真实有限公司", "张三").await;
        let real = app.gql(Some(&owner), SUBJECT, json!({ "id": subject })).await;
        assert_eq!(real.str_at("/data/subject/verificationStatus"), "VERIFIED");
        for (token, id) in [(&squatter, &squatted), (&squatter, &second)] {
            let _ = token;
            let closed = app.gql(Some(&bureau), SUBJECT, json!({ "id": id })).await;
            assert_eq!(closed.str_at("/data/subject/verificationStatus"), "CLOSED");
        }
        let (bank, _) = app.bank("某银行", "4408").await;
        let r = app.gql(Some(&squatter), GRANT, grant(&bank, &["TAX"], "LOAN_APPLICATION", 3600)).await;
        r.expect_error("INVALID_STATE");
        assert_eq!(r.str_at("/errors/0/extensions/reason"), "REGISTRATION_CLOSED");
        // A second verified owner is impossible.
        let again = app.gql(None, REGISTER, registration(&code, "雷州市真实有限公司", "张三", "again@ent.test")).await;
        again.expect_error("CONFLICT");
    }

    async fn ten_concurrent_verifications_leave_one_owner(app) {
        let admin = app.admin_token().await;
        let code = uscc(21);
        let mut pending = Vec::new();
        for n in 0..10 {
            let (_, id, status) = squat(&app, &code, &format!("雷州市并发{n}有限公司"), "张三").await;
            assert_eq!(status, "PENDING");
            pending.push(id);
        }
        let app = Arc::new(app);
        let verifications: Vec<_> = pending
            .iter()
            .map(|id| {
                let (app, admin, id) = (app.clone(), admin.clone(), id.clone());
                tokio::spawn(async move {
                    app.gql(Some(&admin), "mutation($id: ID!) { verifySubject(subjectId: $id) { verificationStatus } }", json!({ "id": id })).await
                })
            })
            .collect();
        let mut verified = 0;
        for v in verifications {
            let r = v.await.unwrap();
            match r.error_code() {
                None => verified += 1,
                Some(code) => assert!(["CONFLICT", "INVALID_STATE"].contains(&code), "{:#}", r.body),
            }
        }
        assert_eq!(verified, 1);
        let mut statuses = Vec::new();
        for id in &pending {
            statuses.push(app.gql(Some(&admin), SUBJECT, json!({ "id": id })).await.str_at("/data/subject/verificationStatus").to_string());
        }
        assert_eq!(statuses.iter().filter(|s| *s == "VERIFIED").count(), 1, "{statuses:?}");
        assert_eq!(statuses.iter().filter(|s| *s == "CLOSED").count(), 9, "{statuses:?}");
    }

    async fn a_rejected_enterprise_corrects_its_data_and_is_verified(app) {
        let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
        let code = uscc(22);
        app.import(&bureau, "REGISTRY", RegistryCsv::new().row(&code, "雷州市更正测试有限公司", "张三").bytes()).await.ok();
        let (owner, subject) = app.enterprise(&code, "雷州市更正测式有限公司", "张三").await;
        app.gql(Some(&bureau), "mutation($id: ID!) { rejectSubjectVerification(subjectId: $id, reason: \"名称与名录不一致\") { verificationStatus } }", json!({ "id": subject })).await.ok();
        let resubmit = "mutation($i: ResubmitVerificationInput!) { resubmitVerification(input: $i) { verificationStatus verified } }";
        let input = |name: &str| json!({ "i": { "name": name, "regionCode": "440882100", "legalRepName": "张三", "legalRepIdNumber": LEGAL_REP_ID } });
        let (_, other) = app.bank("某银行", "4408").await;
        app.gql(Some(&other), resubmit, input("雷州市更正测试有限公司")).await.expect_error("FORBIDDEN");
        let r = app.gql(Some(&owner), resubmit, input("雷州市更正测试有限公司")).await;
        r.ok();
        assert_eq!(r.str_at("/data/resubmitVerification/verificationStatus"), "VERIFIED");
        app.gql(Some(&owner), resubmit, input("雷州市更正测试有限公司")).await.expect_error("INVALID_STATE");
    }
}
