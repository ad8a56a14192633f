//! Data that says how fresh it is: tax rows by the tax bureau's snapshot, credit records by the import that last
//! touched them, the registry by the snapshot the subject was last seen in; `creditProfile.freshness` stale when
//! a part is older than `[freshness] max_age_days` (400) or the subject is missing from its county's latest
//! registry snapshot; matching notes a stale tax row.

use serde_json::{Value, json};
use xyd_tests::both_backends;
use xyd_tests::fixtures::{POST_DEMAND, RegistryCsv, credit_csv, demand_input, product_input, uscc};

const PROFILE: &str = "query($s: ID!) { creditProfile(subjectId: $s, purpose: LOAN_APPLICATION) {
    tax { year asOf } publicRecords { asOf } freshness { registryAsOf taxAsOf recordsAsOf stale } } }";

fn today() -> String {
    xyd_domain::demand::calendar::local_date(chrono::Utc::now()).to_string()
}

both_backends! {
    async fn a_profile_says_how_old_each_part_is_and_when_it_is_stale(app) {
        let (_, bureau) = app.bureau("雷州市发展和改革局", "440882").await;
        let code = uscc(81);
        let (owner, subject) = app.verified_enterprise(&bureau, &code, "雷州市时效测试有限公司", "张时").await;
        app.import(&bureau, "CREDIT", credit_csv(&[(&code, "ADMIN_PENALTY", "雷市监罚〔2025〕81号", "时效测试处罚")])).await.ok();
        // The tax bureau's data of mid-2024 (a future snapshot is refused).
        let file = format!("uscc,year,grade,tax_paid,snapshot_date\n{code},2023,A,100000.00,2024-06-30\n{code},2022,B,90000.00,2099-01-01\n");
        let taxed = app.import(&bureau, "TAX", file.into_bytes()).await;
        assert_eq!(taxed.at("/data/importRecords/errors/0/code"), &json!("DATE_IN_FUTURE"), "{:#}", taxed.body);

        let profile = |token: String| {
            let app = &app;
            let subject = subject.clone();
            async move {
                let r = app.gql(Some(&token), PROFILE, json!({ "s": subject })).await;
                r.at("/data/creditProfile").clone()
            }
        };
        let old = profile(owner.clone()).await;
        assert_eq!(old["tax"], json!([{ "year": 2023, "asOf": "2024-06-30" }]));
        assert_eq!(old["publicRecords"][0]["asOf"], json!(today()));
        assert_eq!(old["freshness"], json!({ "registryAsOf": "2026-10-31", "taxAsOf": "2024-06-30",
            "recordsAsOf": today(), "stale": true }), "the tax row is over 400 days old");

        // Matching notes it where a product reads the tax grade.
        let (_, bank) = app.bank("时效银行", "4408").await;
        let mut input = product_input("时效税易贷", "按纳税信用等级准入");
        input["minTaxGrade"] = json!("B");
        let product = app.published_product(&bank, input).await;
        let posted = app.gql(Some(&owner), POST_DEMAND, demand_input(&[])).await;
        let matched = app.gql(Some(&owner), "query($d: ID!) { matchProducts(demandId: $d, includeIneligible: true, first: 50) {
            product { id } reasons { code message } } }", json!({ "d": posted.str_at("/data/postDemand/id") })).await;
        matched.ok();
        let judged = matched.at("/data/matchProducts").as_array().unwrap().iter().find(|m| m["product"]["id"] == product.as_str()).unwrap().clone();
        let note = judged["reasons"].as_array().unwrap().iter().find(|r| r["code"] == "TAX_DATA_STALE").cloned();
        assert_eq!(note.map(|n| n["message"].clone()), Some(json!("纳税信用数据截至2024-06-30，已超过数据时效，等级以税务部门最新评价为准")));

        // A fresh snapshot of the tax data: nothing is stale; a bank without consent sees no tax date at all.
        let fresh = format!("uscc,year,grade,tax_paid,snapshot_date\n{code},2025,A,120000.00,{}\n", today());
        app.import(&bureau, "TAX", fresh.into_bytes()).await.ok();
        let now = profile(owner.clone()).await;
        assert_eq!((now["freshness"]["taxAsOf"].clone(), now["freshness"]["stale"].clone()), (json!(today()), json!(false)));
        let seen: Value = profile(bank.clone()).await;
        assert_eq!((seen["freshness"]["taxAsOf"].clone(), seen["freshness"]["recordsAsOf"].clone()), (Value::Null, json!(today())));

        // The county's newer snapshot leaves the subject out: stale again.
        let newer = RegistryCsv::new().row(&uscc(82), "雷州市新名录有限公司", "李新").bytes();
        let newer = String::from_utf8(newer).unwrap().replace("2026-10-31", "2026-11-30");
        app.import(&bureau, "REGISTRY", newer.into_bytes()).await.ok();
        let missing = profile(owner.clone()).await;
        assert_eq!((missing["freshness"]["registryAsOf"].clone(), missing["freshness"]["stale"].clone()), (json!("2026-10-31"), json!(true)));
    }
}
