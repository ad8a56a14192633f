//! A natural person's erasure (PIPL Art. 47): asked with a reason, decided by a bureau of their county; approved,
//! their name, number and login are gone and their income tax erased, what the law keeps is listed, and the
//! audit chains still verify.

use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use xyd_tests::fixtures::{GRANT, grant, id_number, uscc};
use xyd_tests::{TestApp, both_backends};

use crate::income_tax::{authorize, income_csv, verified_person};

const REQUEST: &str = "mutation($r: String!) { requestErasure(reason: $r) { id status reason retained } }";
const DECIDE: &str = "mutation($id: ID!, $a: Boolean!, $n: String) { decideErasure(id: $id, approve: $a, note: $n) {
    id status decidedAt note retained } }";
const LIST: &str = "query($s: ErasureStatus) { erasureRequests(status: $s) { id status } }";
const SUBJECT: &str = "query($s: ID!) { subject(id: $s) { name legalRepName idNumberMasked } }";

async fn count(app: &TestApp, sql: &str) -> i64 {
    let db = app.db().conn();
    let row =
        db.query_one_raw(Statement::from_string(db.get_database_backend(), sql.to_string())).await.unwrap().unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

both_backends! {
    async fn an_approved_erasure_removes_the_person_keeps_what_the_law_requires_and_the_chains_verify(app) {
        let (_, bureau) = app.bureau("雷州市发展和改革局", "440882").await;
        let (person, subject) = verified_person(&app, &bureau, "冯晓川", 81).await;
        let number = id_number(81);
        let code = authorize(&app, &person).await["grantCode"].as_str().unwrap().to_string();
        app.import(&bureau, "INCOME_TAX", income_csv(&[(&code, &number, "冯晓川", 2025, "BUSINESS")])).await;
        let (bank_id, bank) = app.bank("雷州农商银行", "4408").await;
        app.gql(Some(&person), GRANT, grant(&bank_id, &["INCOME_TAX"], "LOAN_APPLICATION", 86_400)).await.ok();
        let read = "query($s: ID!) { creditProfile(subjectId: $s, purpose: LOAN_APPLICATION) { incomeTax { year } } }";
        app.gql(Some(&bank), read, json!({ "s": subject })).await.ok();

        app.gql(Some(&person), REQUEST, json!({ "r": "删" })).await.expect_error("BAD_USER_INPUT");
        let asked = app.gql(Some(&person), REQUEST, json!({ "r": "不再使用平台，请删除本人信息" })).await;
        asked.ok();
        assert_eq!(asked.at("/data/requestErasure/status"), &json!("REQUESTED"));
        let id = asked.str_at("/data/requestErasure/id").to_string();
        let again = app.gql(Some(&person), REQUEST, json!({ "r": "再次申请删除本人信息" })).await;
        assert_eq!(again.str_at("/errors/0/extensions/reason"), "ERASURE_PENDING", "{:#}", again.body);
        let (firm, _) = app.enterprise(&uscc(91), "雷州市删除测试有限公司", "王五").await;
        let not_a_person = app.gql(Some(&firm), REQUEST, json!({ "r": "企业申请删除" })).await;
        assert_eq!(not_a_person.str_at("/errors/0/extensions/reason"), "NOT_A_PERSON", "{:#}", not_a_person.body);

        // Who decides: the county's bureau (or the admin); not another county's, not a bank.
        let (_, outside) = app.bureau("遂溪县发展和改革局", "440823").await;
        app.gql(Some(&outside), DECIDE, json!({ "id": id, "a": true })).await.expect_error("FORBIDDEN");
        app.gql(Some(&bank), DECIDE, json!({ "id": id, "a": true })).await.expect_error("FORBIDDEN");
        let waiting = app.gql(Some(&bureau), LIST, json!({ "s": "REQUESTED" })).await;
        assert_eq!(waiting.at("/data/erasureRequests/0/id"), &json!(id), "{:#}", waiting.body);
        assert_eq!(app.gql(Some(&outside), LIST, json!({})).await.at("/data/erasureRequests"), &json!([]));

        let decided = app.gql(Some(&bureau), DECIDE, json!({ "id": id, "a": true, "n": "已核实本人申请" })).await;
        decided.ok();
        let decided = decided.at("/data/decideErasure").clone();
        assert_eq!(decided["status"], "PARTIALLY_ERASED");
        let retained: Vec<&str> = decided["retained"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
        assert!(retained.iter().any(|r| r.starts_with("授权记录")), "{retained:?}");
        assert!(retained.iter().any(|r| r.starts_with("信息查询记录") && r.contains("第五十五条")), "{retained:?}");
        let twice = app.gql(Some(&bureau), DECIDE, json!({ "id": id, "a": true })).await;
        assert_eq!(twice.str_at("/errors/0/extensions/reason"), "ERASURE_DECIDED", "{:#}", twice.body);

        // Gone: the name, the number (hash and mask), the login, the income tax; findable nowhere in subjects.
        let seen = app.gql(Some(&bureau), SUBJECT, json!({ "s": subject })).await;
        seen.ok();
        assert_eq!(seen.at("/data/subject/name"), &json!("（已删除）"));
        assert_eq!(seen.at("/data/subject/idNumberMasked"), &Value::Null);
        let stored = crate::income_tax::every_row(&app).await;
        assert!(!stored.contains("冯晓川") && !stored.contains(&number[..]) && !stored.contains(&number[6..14]), "{stored}");
        // (The only person of this platform.)
        let stored = "SELECT COUNT(*) AS n FROM subjects WHERE name = '冯晓川' OR legal_rep_name = '冯晓川' \
                      OR id_hash IS NOT NULL OR id_masked IS NOT NULL";
        assert_eq!(count(&app, stored).await, 0);
        assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM income_tax_records").await, 0);
        let login = app.login("p81@income.test", "Person12345").await;
        assert!(login.body.get("errors").is_some(), "the login is gone: {:#}", login.body);
        // An access token issued before lives out its minutes, on what is left, and can act no more.
        let left = app.gql(Some(&person), "{ me { email subject { name idNumberMasked } } }", json!({})).await;
        assert!(left.str_at("/data/me/email").ends_with("@erased.invalid"), "{:#}", left.body);
        assert_eq!(left.at("/data/me/subject/name"), &json!("（已删除）"));
        let acting = app.gql(Some(&person), xyd_tests::fixtures::POST_DEMAND, xyd_tests::fixtures::demand_input(&[])).await;
        assert_eq!(acting.str_at("/errors/0/extensions/reason"), "SUBJECT_ERASED", "{:#}", acting.body);
        // Kept: the consent and the bank's read; the chains still verify.
        assert!(count(&app, "SELECT COUNT(*) AS n FROM access_log").await > 0);
        assert!(count(&app, "SELECT COUNT(*) AS n FROM consents").await > 0);
        let reports = xinyidai::audit::verify::<xinyidai::credit::Chains>(app.db().conn(), &[]).await.unwrap();
        assert!(reports.iter().all(|r| r.broken.is_none()), "{reports:?}");
        // The number is free again: the person may register anew.
        let fresh = json!({ "i": { "name": "冯晓川", "idNumber": number, "regionCode": "440882100",
            "email": "again@erasure.test", "password": "Person12345" } });
        app.gql(None, "mutation($i: RegisterPersonInput!) { registerPerson(input: $i) { accessToken } }", fresh).await.ok();
    }

    async fn a_refused_erasure_says_why_and_erases_nothing(app) {
        let (_, bureau) = app.bureau("雷州市发展和改革局", "440882").await;
        let (person, subject) = verified_person(&app, &bureau, "蒋晓南", 82).await;
        let asked = app.gql(Some(&person), REQUEST, json!({ "r": "请删除本人全部信息" })).await;
        let id = asked.str_at("/data/requestErasure/id").to_string();
        let admin = app.admin_token().await;
        let refused = app.gql(Some(&admin), DECIDE, json!({ "id": id, "a": false, "n": "有未结清贷款，依法暂不删除" })).await;
        refused.ok();
        assert_eq!(refused.at("/data/decideErasure/status"), &json!("REFUSED"));
        assert_eq!(refused.at("/data/decideErasure/retained"), &json!([]));
        let seen = app.gql(Some(&bureau), SUBJECT, json!({ "s": subject })).await;
        assert_eq!(seen.at("/data/subject/name"), &json!("蒋晓南"));
        let mine = app.gql(Some(&person), LIST, json!({})).await;
        assert_eq!(mine.at("/data/erasureRequests/0/status"), &json!("REFUSED"), "{:#}", mine.body);
    }
}
