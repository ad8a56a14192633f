//! Credit data: imports of credit and tax files, 失信惩戒 / 守信激励 flags, the objection cycle, credit
//! repair, and overdue objections visible to the bureau.

use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;
use xyd_tests::fixtures::{PROFILE, credit_csv, tax_csv, uscc, uscc_in};
use xyd_tests::{TestApp, both_backends};

async fn flags(app: &TestApp, owner: &str, subject: &str) -> (bool, bool) {
    let r = app
        .gql(Some(owner), "query($id: ID!) { subject(id: $id) { restricted trusted } }", json!({ "id": subject }))
        .await;
    r.ok();
    (r.at("/data/subject/restricted").as_bool().unwrap(), r.at("/data/subject/trusted").as_bool().unwrap())
}

async fn record_id(app: &TestApp, owner: &str, subject: &str, doc_title: &str) -> String {
    let r = app
        .gql(
            Some(owner),
            "query($id: ID!) { creditRecords(subjectId: $id) { id title status } }",
            json!({ "id": subject }),
        )
        .await;
    r.ok();
    r.at("/data/creditRecords").as_array().unwrap().iter().find(|x| x["title"] == doc_title).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

const FILE: &str = "mutation($r: ID!) { fileObjection(recordId: $r, reason: \"该处罚已撤销，附撤销决定书\") { id dueAt overdue record { status } } }";
const RESOLVE: &str = "mutation($id: ID!, $o: ObjectionOutcome!) { resolveObjection(id: $id, outcome: $o, note: \"已核实\") { outcome resolvedAt record { status } } }";

both_backends! {
    async fn the_objection_cycle_moves_restricted_as_described(app) {
        let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
        let code = uscc(1);
        let (owner, subject) = app.verified_enterprise(&bureau, &code, "雷州市失信测试有限公司", "张三").await;
        assert_eq!(flags(&app, &owner, &subject).await, (false, false));
        app.import(&bureau, "CREDIT", credit_csv(&[(&code, "SERIOUS_DISHONESTY", "失信〔2025〕1号", "列入严重失信主体名单")])).await.ok();
        assert!(flags(&app, &owner, &subject).await.0, "an active serious-dishonesty record restricts");
        let record = record_id(&app, &owner, &subject, "列入严重失信主体名单").await;

        // Filing suspends the punitive effect while the objection is checked.
        let filed = app.gql(Some(&owner), FILE, json!({ "r": record })).await;
        filed.ok();
        assert_eq!(filed.str_at("/data/fileObjection/record/status"), "DISPUTED");
        assert!(!flags(&app, &owner, &subject).await.0);
        app.gql(Some(&owner), FILE, json!({ "r": record })).await.expect_error("INVALID_STATE");
        let objection = filed.str_at("/data/fileObjection/id").to_string();

        // A bureau elsewhere cannot decide it; the local bureau upholds it: restricted again.
        let (_, far) = app.bureau("徐闻县发改局", "440825").await;
        app.gql(Some(&far), RESOLVE, json!({ "id": objection, "o": "UPHELD" })).await.expect_error("FORBIDDEN");
        let upheld = app.gql(Some(&bureau), RESOLVE, json!({ "id": objection, "o": "UPHELD" })).await;
        upheld.ok();
        assert_eq!(upheld.str_at("/data/resolveObjection/record/status"), "ACTIVE");
        assert!(flags(&app, &owner, &subject).await.0);
        app.gql(Some(&bureau), RESOLVE, json!({ "id": objection, "o": "CORRECTED" })).await.expect_error("INVALID_STATE");

        // A second objection, corrected: the record is revoked and the restriction lifts for good.
        let second = app.gql(Some(&owner), FILE, json!({ "r": record })).await;
        let second = second.str_at("/data/fileObjection/id").to_string();
        let corrected = app.gql(Some(&bureau), RESOLVE, json!({ "id": second, "o": "CORRECTED" })).await;
        assert_eq!(corrected.str_at("/data/resolveObjection/record/status"), "REVOKED");
        assert!(!flags(&app, &owner, &subject).await.0);

        // Every change is audited.
        let db = app.db().conn();
        let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), "SELECT COUNT(*) AS n FROM record_events")).await.unwrap().unwrap();
        assert_eq!(row.try_get::<i64>("", "n").unwrap(), 4);
    }

    async fn repair_lifts_the_restriction_and_hides_the_record_from_banks(app) {
        let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
        let code = uscc(3);
        let (owner, subject) = app.verified_enterprise(&bureau, &code, "雷州市修复测试有限公司", "王五").await;
        app.import(&bureau, "CREDIT", credit_csv(&[(&code, "SERIOUS_DISHONESTY", "失信〔2025〕3号", "列入严重失信主体名单")])).await.ok();
        let record = record_id(&app, &owner, &subject, "列入严重失信主体名单").await;
        let (_, bank) = app.bank("某银行", "4408").await;
        let before = app.gql(Some(&bank), PROFILE, json!({ "s": subject, "p": "LOAN_APPLICATION" })).await;
        assert_eq!(before.at("/data/creditProfile/subject/restricted"), &json!(true), "banks see the warning");
        let repaired = app.gql(Some(&bureau), "mutation($r: ID!) { repairRecord(recordId: $r, note: \"已履行义务，完成信用修复\") { status } }", json!({ "r": record })).await;
        repaired.ok();
        assert_eq!(repaired.str_at("/data/repairRecord/status"), "REPAIRED");
        assert!(!flags(&app, &owner, &subject).await.0);
        let after = app.gql(Some(&bank), PROFILE, json!({ "s": subject, "p": "LOAN_APPLICATION" })).await;
        assert_eq!(after.at("/data/creditProfile/publicRecords"), &json!([]), "repaired records are hidden from banks");
        let official = app.gql(Some(&bureau), PROFILE, json!({ "s": subject, "p": "LOAN_APPLICATION" })).await;
        assert_eq!(official.at("/data/creditProfile/publicRecords/0/status"), "REPAIRED", "bureaus keep the history");
    }

    async fn an_overdue_objection_is_visible_to_the_bureau(app) {
        let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
        let code = uscc(4);
        let (owner, subject) = app.verified_enterprise(&bureau, &code, "雷州市逾期测试有限公司", "赵六").await;
        app.import(&bureau, "CREDIT", credit_csv(&[(&code, "ADMIN_PENALTY", "罚〔2025〕4号", "行政处罚")])).await.ok();
        let record = record_id(&app, &owner, &subject, "行政处罚").await;
        let filed = app.gql(Some(&owner), FILE, json!({ "r": record })).await;
        filed.ok();
        assert_eq!(filed.at("/data/fileObjection/overdue"), &json!(false));
        let overdue = "{ objections(overdueOnly: true) { id overdue dueAt } }";
        assert_eq!(app.gql(Some(&bureau), overdue, json!({})).await.at("/data/objections"), &json!([]));
        // Twenty-one days pass without a decision.
        let db = app.db().conn();
        let past = (chrono::Utc::now() - chrono::Duration::days(1)).to_rfc3339();
        db.execute_raw(Statement::from_sql_and_values(db.get_database_backend(),
            if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres { "UPDATE objections SET due_at = $1::timestamptz" } else { "UPDATE objections SET due_at = ?1" },
            [chrono::DateTime::parse_from_rfc3339(&past).unwrap().with_timezone(&chrono::Utc).into()])).await.unwrap();
        let r = app.gql(Some(&bureau), overdue, json!({})).await;
        r.ok();
        assert_eq!(r.at("/data/objections/0/overdue"), &json!(true));
        let (_, far) = app.bureau("徐闻县发改局", "440825").await;
        assert_eq!(app.gql(Some(&far), overdue, json!({})).await.at("/data/objections"), &json!([]), "outside its jurisdiction");
    }

    async fn tax_grade_a_makes_a_subject_trusted_and_bad_rows_are_reported(app) {
        let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
        let code = uscc(5);
        let (owner, subject) = app.verified_enterprise(&bureau, &code, "雷州市守信测试有限公司", "钱七").await;
        let far = uscc_in("440825", '1', 6);
        let file = tax_csv(&[(&code, 2024, "B", "1000.00"), (&code, 2025, "A", "2000.00"), (&code, 2099, "A", "1.00"), (&far, 2025, "A", "1.00"), (&code, 2023, "E", "1.00")]);
        let r = app.import(&bureau, "TAX", file).await;
        r.ok();
        assert_eq!(r.at("/data/importRecords/acceptedRows"), &json!(2));
        let codes: Vec<&str> = r.at("/data/importRecords/errors").as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
        assert_eq!(codes, ["INVALID_YEAR", "OUT_OF_JURISDICTION", "INVALID_ENUM"]);
        assert!(flags(&app, &owner, &subject).await.1, "latest grade A");
        let credit = credit_csv(&[(&code, "TAX", "税〔2025〕1号", "纳税信用")]);
        let r = app.import(&bureau, "CREDIT", credit).await;
        assert_eq!(r.str_at("/data/importRecords/errors/0/code"), "TAX_IN_CREDIT_FILE");
    }
}
