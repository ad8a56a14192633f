//! Consent is law: authorized data reaches a bank only under an active consent covering category, purpose
//! and that bank; every authorized read is logged exactly once; revocation works on the next read.

use serde_json::{Value, json};
use xyd_tests::fixtures::{GRANT, PROFILE, credit_csv, grant, tax_csv, uscc};
use xyd_tests::{TestApp, both_backends};

struct World {
    owner: String,
    subject: String,
    bureau: String,
}

/// A registered enterprise of 雷州 with tax records, a public penalty and a social-insurance record.
async fn world(app: &TestApp) -> World {
    let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
    let code = uscc(1);
    let (owner, subject) = app.verified_enterprise(&bureau, &code, "雷州市授权测试有限公司", "张三").await;
    app.import(&bureau, "TAX", tax_csv(&[(&code, 2024, "B", "98765.43"), (&code, 2025, "B", "125000.50")])).await.ok();
    let credit = credit_csv(&[
        (&code, "ADMIN_PENALTY", "雷市监罚〔2025〕1号", "未按规定公示年报"),
        (&code, "SOCIAL_INSURANCE", "社保〔2025〕1号", "社保缴纳正常"),
    ]);
    let r = app.import(&bureau, "CREDIT", credit).await;
    assert_eq!(r.at("/data/importRecords/acceptedRows"), &json!(2), "{:#}", r.body);
    World { owner, subject, bureau }
}

async fn profile(app: &TestApp, token: &str, subject: &str, purpose: &str) -> xyd_tests::GqlResponse {
    app.gql(Some(token), PROFILE, json!({ "s": subject, "p": purpose })).await
}

fn assert_denied(r: &xyd_tests::GqlResponse, what: &str) {
    let err = r
        .error_at_path("creditProfile.tax")
        .unwrap_or_else(|| panic!("{what}: no error at creditProfile.tax: {:#}", r.body));
    assert_eq!(err["extensions"]["code"], "CONSENT_REQUIRED", "{what}");
    assert!(r.at("/data/creditProfile/tax").is_null(), "{what}: tax leaked");
    let text = r.body.to_string();
    assert!(!text.contains("125000.50") && !text.contains("98765.43"), "{what}: a tax amount leaked");
    assert_eq!(
        r.at("/data/creditProfile/publicRecords").as_array().map(Vec::len),
        Some(1),
        "{what}: public records still shown"
    );
}

async fn grant_to(app: &TestApp, owner: &str, bank: &str, categories: &[&str], purpose: &str, seconds: i64) -> String {
    let r = app.gql(Some(owner), GRANT, grant(bank, categories, purpose, seconds)).await;
    r.ok();
    r.str_at("/data/grantConsent/id").to_string()
}

async fn log_entries(app: &TestApp, owner: &str) -> Vec<Value> {
    let r = app.gql(Some(owner), "{ dataAccessLog(first: 100) { totalCount nodes { at institution { name } categories purpose consent { id } } } }", json!({})).await;
    r.ok();
    r.at("/data/dataAccessLog/nodes").as_array().unwrap().clone()
}

async fn tax_log_rows(app: &TestApp) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let db = app.db().conn();
    let sql = "SELECT COUNT(*) AS n FROM access_log WHERE categories LIKE '%,TAX,%'";
    let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
    row.try_get("", "n").unwrap()
}

fn with_tax(entries: &[Value]) -> usize {
    entries.iter().filter(|e| e["categories"].as_array().unwrap().iter().any(|c| c == "TAX")).count()
}

both_backends! {
    async fn the_consent_matrix(app) {
        let w = world(&app).await;
        let (granted_id, granted) = app.bank("授权银行", "4408").await;
        let (_, other) = app.bank("未授权银行", "4408").await;
        let (si_only_id, si_only) = app.bank("仅社保银行", "4408").await;
        let (expiring_id, expiring) = app.bank("过期银行", "4408").await;

        grant_to(&app, &w.owner, &granted_id, &["TAX", "SOCIAL_INSURANCE"], "LOAN_APPLICATION", 86_400).await;
        grant_to(&app, &w.owner, &si_only_id, &["SOCIAL_INSURANCE"], "LOAN_APPLICATION", 86_400).await;
        grant_to(&app, &w.owner, &expiring_id, &["TAX"], "LOAN_APPLICATION", 2).await;

        // The granted bank sees tax and the covered authorized records.
        let r = profile(&app, &granted, &w.subject, "LOAN_APPLICATION").await;
        r.ok();
        assert_eq!(r.at("/data/creditProfile/tax").as_array().unwrap().len(), 2);
        assert_eq!(r.str_at("/data/creditProfile/tax/0/taxPaid"), "125000.50");
        assert_eq!(r.at("/data/creditProfile/authorizedRecords/0/category"), "SOCIAL_INSURANCE");

        assert_denied(&profile(&app, &other, &w.subject, "LOAN_APPLICATION").await, "another bank");
        assert_denied(&profile(&app, &granted, &w.subject, "POST_LOAN").await, "a different purpose");
        let si = profile(&app, &si_only, &w.subject, "LOAN_APPLICATION").await;
        assert_denied(&si, "an uncovered category");
        assert_eq!(si.at("/data/creditProfile/authorizedRecords/0/category"), "SOCIAL_INSURANCE", "the covered part is shown");
        tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
        assert_denied(&profile(&app, &expiring, &w.subject, "LOAN_APPLICATION").await, "an expired consent");

        // Revocation works on the next read.
        let consents = app.gql(Some(&w.owner), "{ myConsents { id active grantee { id } } }", json!({})).await;
        let revoke_id = consents.at("/data/myConsents").as_array().unwrap().iter()
            .find(|c| c["grantee"]["id"] == granted_id.as_str()).unwrap()["id"].as_str().unwrap().to_string();
        let r = app.gql(Some(&w.owner), "mutation($id: ID!) { revokeConsent(id: $id) { active revokedAt } }", json!({ "id": revoke_id })).await;
        r.ok();
        assert_eq!(r.at("/data/revokeConsent/active"), &json!(false));
        assert_denied(&profile(&app, &granted, &w.subject, "LOAN_APPLICATION").await, "a revoked consent");

        // Exactly one TAX entry: the one successful tax read. Every read is logged, none leaks in others.
        let entries = log_entries(&app, &w.owner).await;
        assert_eq!(with_tax(&entries), 1, "{entries:#?}");
        let authorized_reads = entries.iter().filter(|e| !e["consent"].is_null()).count();
        assert_eq!(authorized_reads, 2, "the tax read and the social-insurance-only read");
        assert_eq!(entries.iter().filter(|e| e["consent"].is_null()).count(), 6, "every read logs its public part");

        // Bureau elsewhere and other enterprises are refused; the owner sees all without logging.
        let (_, far) = app.bureau("徐闻县发改局", "440825").await;
        profile(&app, &far, &w.subject, "LOAN_APPLICATION").await.expect_error("FORBIDDEN");
        let (stranger, _) = app.enterprise(&uscc(2), "雷州市另一家有限公司", "李四").await;
        profile(&app, &stranger, &w.subject, "LOAN_APPLICATION").await.expect_error("FORBIDDEN");
        let mine = profile(&app, &w.owner, &w.subject, "LOAN_APPLICATION").await;
        mine.ok();
        assert_eq!(mine.at("/data/creditProfile/tax").as_array().unwrap().len(), 2);
        assert_eq!(log_entries(&app, &w.owner).await.len(), entries.len(), "the owner's own reads are not logged");
        let _ = w.bureau;
    }

    async fn grants_are_validated_and_idempotent(app) {
        let w = world(&app).await;
        let (bank_id, _) = app.bank("授权银行", "4408").await;
        let same = grant(&bank_id, &["TAX"], "LOAN_APPLICATION", 86_400);
        let first = app.gql(Some(&w.owner), GRANT, same.clone()).await;
        let repeat = app.gql(Some(&w.owner), GRANT, same).await;
        repeat.ok();
        assert_eq!(repeat.str_at("/data/grantConsent/id"), first.str_at("/data/grantConsent/id"), "the same grant twice is one consent");
        let mine = app.gql(Some(&w.owner), "{ myConsents { id textHash } }", json!({})).await;
        assert_eq!(mine.at("/data/myConsents").as_array().unwrap().len(), 1);
        assert_eq!(mine.str_at("/data/myConsents/0/textHash").len(), 64);

        let cases = [
            (grant(&bank_id, &["ADMIN_PENALTY"], "LOAN_APPLICATION", 86_400), "input.categories"),
            (grant(&bank_id, &["TAX"], "LOAN_APPLICATION", 400 * 86_400), "input.validUntil"),
            (grant(&bank_id, &["TAX"], "LOAN_APPLICATION", -10), "input.validUntil"),
        ];
        for (vars, field) in cases {
            let r = app.gql(Some(&w.owner), GRANT, vars).await;
            r.expect_error("BAD_USER_INPUT");
            assert_eq!(r.str_at("/errors/0/extensions/field"), field);
        }
        let mut unknown_text = grant(&bank_id, &["TAX"], "LOAN_APPLICATION", 86_400);
        unknown_text["i"]["textVersion"] = json!("1999-01");
        app.gql(Some(&w.owner), GRANT, unknown_text).await.expect_error("BAD_USER_INPUT");
        let (_, bank_token) = app.bank("银行自己", "4408").await;
        app.gql(Some(&bank_token), GRANT, grant(&bank_id, &["TAX"], "LOAN_APPLICATION", 86_400)).await.expect_error("FORBIDDEN");
    }

    async fn the_access_log_grants_a_read_under_the_consents_in_force_when_it_is_logged(app) {
        // A read returns what the access log granted it, decided when the read is logged (for its whole batch,
        // under a share lock on the consents): before the revocation the tax data, after it nothing, and only
        // what was granted is in the log.
        use xinyidai::credit::Read;
        use xyd_domain::{AccessPurpose, DataCategory};
        let w = world(&app).await;
        let (bank_id, bank) = app.bank("窗口银行", "4408").await;
        let consent = grant_to(&app, &w.owner, &bank_id, &["TAX"], "LOAN_APPLICATION", 86_400).await;
        let principal = app.state.tokens.verify(&bank).unwrap();
        let read = || Read {
            user: principal.user_id,
            institution: principal.institution_id.unwrap(),
            subject: w.subject.parse().unwrap(),
            purpose: AccessPurpose::LoanApplication,
            wanted: vec![DataCategory::Tax, DataCategory::SocialInsurance],
        };
        assert_eq!(app.state.access_log.log(read()).await.unwrap(), vec![DataCategory::Tax], "only what a consent covers");
        assert_eq!(tax_log_rows(&app).await, 1);
        let r = app.gql(Some(&w.owner), "mutation($id: ID!) { revokeConsent(id: $id) { active } }", json!({ "id": consent })).await;
        assert_eq!(r.at("/data/revokeConsent/active"), &json!(false), "{:#}", r.body);
        assert!(app.state.access_log.log(read()).await.unwrap().is_empty(), "nothing once the consent is revoked");
        assert_eq!(tax_log_rows(&app).await, 1, "a read granted nothing logs no tax");
        profile(&app, &bank, &w.subject, "LOAN_APPLICATION").await.expect_error("CONSENT_REQUIRED");
    }

    async fn no_authorized_read_is_served_after_its_revocation_committed(app) {
        let w = world(&app).await;
        let (bank_id, bank) = app.bank("授权银行", "4408").await;
        let consent = grant_to(&app, &w.owner, &bank_id, &["TAX"], "LOAN_APPLICATION", 86_400).await;
        let app = std::sync::Arc::new(app);
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let mut readers = Vec::new();
        for _ in 0..4 {
            let (app, bank, subject, stop) = (app.clone(), bank.clone(), w.subject.clone(), stop.clone());
            readers.push(tokio::spawn(async move {
                let mut reads = Vec::new();
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let started = std::time::Instant::now();
                    let r = profile(&app, &bank, &subject, "LOAN_APPLICATION").await;
                    let got_tax = r.at("/data/creditProfile/tax").is_array();
                    reads.push((started, got_tax));
                }
                reads
            }));
        }
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        let r = app.gql(Some(&w.owner), "mutation($id: ID!) { revokeConsent(id: $id) { active } }", json!({ "id": consent })).await;
        r.ok();
        let revoked = std::time::Instant::now();
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let mut all = Vec::new();
        for reader in readers {
            all.extend(reader.await.unwrap());
        }
        let served_before = all.iter().filter(|(_, tax)| *tax).count();
        let after: Vec<_> = all.iter().filter(|(started, _)| *started > revoked).collect();
        assert!(served_before > 0, "some reads were served before the revocation");
        assert!(!after.is_empty(), "some reads started after the revocation");
        assert!(after.iter().all(|(_, tax)| !tax), "a read that started after the revocation got tax data");
        assert_eq!(tax_log_rows(&app).await, served_before as i64, "each served read is logged once");
    }
}
