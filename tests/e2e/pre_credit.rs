//! 预授信: a verified enterprise sees, from its own last tax year only, what each product with a rule could lend
//! it — eligible first, highest limit first, every figure explained, and no bank told or logged as a reader.

use serde_json::{Value, json};
use xyd_tests::both_backends;
use xyd_tests::fixtures::{CREATE_PRODUCT, product_input, tax_csv, uscc};

const PRE_CREDIT: &str = "{ preCredit { product { name preCreditRule } eligible limit rateMin rateMax
    basis { code message } unmet { code message } } }";

fn with_rule(name: &str, factors: Value) -> Value {
    let mut input = product_input(name, "凭纳税信用在线申请");
    input["preCredit"] = json!({ "basis": "TAX_PAID", "multiple": 4, "gradeFactors": factors });
    input
}

both_backends! {
    async fn an_enterprise_sees_its_estimated_limits_and_why(app) {
        let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
        let code = uscc(1);
        let (owner, _) = app.verified_enterprise(&bureau, &code, "雷州市预授信有限公司", "张三").await;
        app.import(&bureau, "TAX", tax_csv(&[(&code, 2024, "A", "90000.00"), (&code, 2025, "B", "125000.50")])).await.ok();
        let (_, bank) = app.bank("预授信银行", "4408").await;
        app.published_product(&bank, with_rule("税易贷", json!([{ "grade": "A", "factor": 1 }, { "grade": "B", "factor": 0.5 }]))).await;
        app.published_product(&bank, with_rule("优企贷", json!([{ "grade": "A", "factor": 1 }]))).await;
        app.published_product(&bank, product_input("普通贷", "无预授信规则")).await;

        let r = app.gql(Some(&owner), PRE_CREDIT, json!({})).await;
        r.ok();
        let estimates = r.at("/data/preCredit").as_array().unwrap();
        assert_eq!(estimates.len(), 2, "only products with a rule: {estimates:#?}");
        let first = &estimates[0];
        assert_eq!(first["product"]["name"], "税易贷");
        assert_eq!(first["eligible"], true);
        // 2025 (the latest year): 125,000.50 × 4 × 0.5 = 250,001 yuan → floored to 250,000.
        assert_eq!(first["limit"], "250000.00");
        assert_eq!((first["rateMin"].clone(), first["rateMax"].clone()), (json!("3.45"), json!("6.00")));
        let basis: Vec<&str> = first["basis"].as_array().unwrap().iter().map(|b| b["code"].as_str().unwrap()).collect();
        assert_eq!(basis, ["PRE_CREDIT_BASIS", "PRE_CREDIT_RULE", "ESTIMATE_ONLY"]);
        assert!(first["basis"][2]["message"].as_str().unwrap().contains("不构成银行授信承诺"));
        assert!(first["product"]["preCreditRule"].as_str().unwrap().contains("纳税总额的4倍"));

        let second = &estimates[1];
        assert_eq!((second["eligible"].clone(), second["limit"].clone()), (json!(false), Value::Null));
        assert_eq!(second["unmet"][0]["code"], "PRE_CREDIT_GRADE");

        // Nothing reached a bank: no access-log entry, no notification.
        let log = app.gql(Some(&owner), "{ dataAccessLog { totalCount } }", json!({})).await;
        assert_eq!(log.at("/data/dataAccessLog/totalCount"), &json!(0));
        let inbox = app.gql(Some(&bank), "{ notifications { totalCount } }", json!({})).await;
        assert_eq!(inbox.at("/data/notifications/totalCount"), &json!(0));
    }

    async fn only_a_verified_enterprise_asks_and_rules_are_validated(app) {
        let (claimant, _) = app.enterprise(&uscc(2), "雷州市未认证有限公司", "李四").await;
        app.gql(Some(&claimant), PRE_CREDIT, json!({})).await.expect_error("INVALID_STATE");
        let (_, bank) = app.bank("预授信银行", "4408").await;
        app.gql(Some(&bank), PRE_CREDIT, json!({})).await.expect_error("FORBIDDEN");
        app.gql(None, PRE_CREDIT, json!({})).await.expect_error("UNAUTHENTICATED");

        for (factors, multiple, field) in [
            (json!([{ "grade": "A", "factor": 1 }]), json!(60), "input.preCredit.multiple"),
            (json!([{ "grade": "A", "factor": 1.5 }]), json!(3), "input.preCredit.gradeFactors"),
            (json!([]), json!(3), "input.preCredit.gradeFactors"),
        ] {
            let mut input = with_rule("坏规则贷", factors);
            input["preCredit"]["multiple"] = multiple;
            let r = app.gql(Some(&bank), CREATE_PRODUCT, json!({ "i": input })).await;
            r.expect_error("BAD_USER_INPUT");
            assert_eq!(r.str_at("/errors/0/extensions/field"), field);
        }
    }
}
