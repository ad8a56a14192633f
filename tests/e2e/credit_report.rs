//! 公共信用信息报告: the enterprise (or a bureau, or a bank under consent) issues a PDF with the Chinese text in an
//! embedded font; it is downloaded with the caller's token and read back; anyone verifies its code and learns
//! only whom it was issued to, when, and the digest of its bytes.

use serde_json::json;
use sha2::{Digest, Sha256};
use xyd_tests::fixtures::{GRANT, credit_csv, grant, id_number, tax_csv, uscc};
use xyd_tests::{TestApp, both_backends};

const ISSUE: &str = "mutation($s: ID) { issueCreditReport(subjectId: $s) { id verificationCode sha256 downloadUrl issuedAt subject { name } } }";
const VERIFY: &str =
    "query($c: String!) { verifyCreditReport(code: $c) { subjectName uscc idNumberMasked issuedAt sha256 } }";

/// The font and `pdftotext`, or a skip outside CI (scripts/test.sh installs both).
fn tools_ready(app: &TestApp) -> bool {
    let font = std::path::Path::new(&app.config.credit.report_font).exists();
    let pdftotext = std::process::Command::new("pdftotext").arg("-v").output().is_ok();
    if font && pdftotext {
        return true;
    }
    assert!(std::env::var("CI").as_deref() != Ok("true"), "CI needs the report font and pdftotext (scripts/test.sh)");
    eprintln!("warning: skipping: the report font or pdftotext is missing (run scripts/install-report-tools.sh)");
    false
}

async fn download(app: &TestApp, token: &str, url: &str) -> reqwest::Response {
    reqwest::Client::new().get(format!("{}{url}", app.base_url)).bearer_auth(token).send().await.unwrap()
}

fn text_of(pdf: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("xyd-report-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("report.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = std::process::Command::new("pdftotext").arg("-enc").arg("UTF-8").arg(&file).arg("-").output().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

both_backends! {
    async fn an_issued_report_reads_back_and_a_stranger_verifies_its_code(app) {
        if !tools_ready(&app) {
            return;
        }
        let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
        let code = uscc(1);
        let (owner, subject) = app.verified_enterprise(&bureau, &code, "雷州市报告测试有限公司", "张三").await;
        app.import(&bureau, "CREDIT", credit_csv(&[(&code, "ADMIN_PENALTY", "雷市监罚〔2025〕1号", "未按规定公示年报")])).await.ok();
        app.import(&bureau, "TAX", tax_csv(&[(&code, 2023, "B", "80000.00"), (&code, 2024, "A", "98765.43"), (&code, 2025, "A", "125000.50")])).await.ok();

        let issued = app.gql(Some(&owner), ISSUE, json!({})).await;
        issued.ok();
        let report = issued.at("/data/issueCreditReport").clone();
        let url = report["downloadUrl"].as_str().unwrap();
        let response = download(&app, &owner, url).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "application/pdf");
        let pdf = response.bytes().await.unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        assert_eq!(hex::encode(Sha256::digest(&pdf)), report["sha256"].as_str().unwrap());
        let text = text_of(&pdf);
        for expected in ["公共信用信息报告", "雷州市报告测试有限公司", "未按规定公示年报", "纳税信用等级", report["verificationCode"].as_str().unwrap()] {
            assert!(text.contains(expected), "{expected} not in the PDF text:\n{text}");
        }

        // Anyone checks a printout by its code, and learns nothing of its content.
        let checked = app.gql(None, VERIFY, json!({ "c": report["verificationCode"] })).await;
        checked.ok();
        assert_eq!(checked.at("/data/verifyCreditReport/subjectName"), "雷州市报告测试有限公司");
        assert_eq!(checked.at("/data/verifyCreditReport/uscc"), &json!(code));
        assert_eq!(checked.at("/data/verifyCreditReport/sha256"), &report["sha256"]);
        assert!(app.gql(None, VERIFY, json!({ "c": "ABCDEFGHJKLMNPQR" })).await.at("/data/verifyCreditReport").is_null());

        // Only its own users or the issuer download it.
        let (other, _) = app.verified_enterprise(&bureau, &uscc(2), "雷州市旁人有限公司", "李四").await;
        assert_eq!(download(&app, &other, url).await.status(), 404);
        assert_eq!(reqwest::get(format!("{}{url}", app.base_url)).await.unwrap().status(), 401);

        // A bank: only under a consent covering TAX, and the issue is logged as a read.
        let (bank_id, bank) = app.bank("报告银行", "4408").await;
        app.gql(Some(&bank), ISSUE, json!({ "s": subject })).await.expect_error("CONSENT_REQUIRED");
        app.gql(Some(&owner), GRANT, grant(&bank_id, &["TAX"], "LOAN_APPLICATION", 86_400)).await.ok();
        let by_bank = app.gql(Some(&bank), ISSUE, json!({ "s": subject })).await;
        by_bank.ok();
        let log = app.gql(Some(&owner), ACCESS_LOG, json!({})).await;
        // As for its credit profile: the public part, and the tax data under the consent relied on.
        assert_eq!(log.at("/data/dataAccessLog/totalCount"), &json!(2));
        assert!(logged_tax(&log), "{:#}", log.body);
        assert_eq!(download(&app, &bank, by_bank.str_at("/data/issueCreditReport/downloadUrl")).await.status(), 200);
        assert_eq!(download(&app, &bank, url).await.status(), 404, "not the enterprise's own copy");

        // A bureau within its jurisdiction only, and like a bank only under the subject's consent to it (its
        // creditProfile shows no tax data without one, so neither does a report); the platform admin issues none.
        let (_, outside) = app.bureau("遂溪县发改局", "440823").await;
        app.gql(Some(&outside), ISSUE, json!({ "s": subject })).await.expect_error("FORBIDDEN");
        let (bureau_id, bureau) = app.bureau("雷州市税务局", "440882").await;
        app.gql(Some(&bureau), ISSUE, json!({ "s": subject })).await.expect_error("CONSENT_REQUIRED");
        let unchanged = app.gql(Some(&owner), ACCESS_LOG, json!({})).await;
        assert_eq!(unchanged.at("/data/dataAccessLog/totalCount"), &json!(2), "a refused issue reads nothing");
        app.gql(Some(&owner), GRANT, grant(&bureau_id, &["TAX"], "LOAN_APPLICATION", 86_400)).await.ok();
        app.gql(Some(&bureau), ISSUE, json!({ "s": subject })).await.ok();
        let log = app.gql(Some(&owner), ACCESS_LOG, json!({})).await;
        assert_eq!(log.at("/data/dataAccessLog/totalCount"), &json!(4), "the bureau's issue is a logged read");
        app.gql(Some(&app.admin_token().await), ISSUE, json!({ "s": subject })).await.expect_error("FORBIDDEN");

        // Rendering is weighed: aliases cannot issue a second report in one request.
        let twice = "mutation { a: issueCreditReport { id } b: issueCreditReport { id } }";
        app.gql(Some(&owner), twice, json!({})).await.expect_error("QUERY_TOO_EXPENSIVE");
    }
}

const ACCESS_LOG: &str = "{ dataAccessLog { totalCount nodes { institution { name } categories } } }";

fn logged_tax(log: &xyd_tests::GqlResponse) -> bool {
    log.at("/data/dataAccessLog/nodes")
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["categories"].as_array().unwrap().contains(&json!("TAX")))
}

both_backends! {
    async fn a_report_prints_only_what_its_issuer_may_see(app) {
        if !tools_ready(&app) {
            return;
        }
        let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
        let code = uscc(1);
        let (owner, subject) = app.verified_enterprise(&bureau, &code, "雷州市报告测试有限公司", "张三").await;
        app.import(&bureau, "TAX", tax_csv(&[(&code, 2025, "A", "385123.45")])).await.ok();
        let (bank_id, bank) = app.bank("报告银行", "4408").await;
        app.gql(Some(&owner), GRANT, grant(&bank_id, &["TAX"], "LOAN_APPLICATION", 86_400)).await.ok();
        let by_bank = app.gql(Some(&bank), ISSUE, json!({ "s": subject })).await;
        let pdf = download(&app, &bank, by_bank.str_at("/data/issueCreditReport/downloadUrl")).await.bytes().await.unwrap();
        assert!(text_of(&pdf).contains("385123.45"), "under consent the tax section is printed");
        // Revoked: the next issue is refused, as the next profile read would be.
        let consents = app.gql(Some(&owner), "{ myConsents { id } }", json!({})).await;
        let consent = consents.str_at("/data/myConsents/0/id").to_string();
        app.gql(Some(&owner), "mutation($id: ID!) { revokeConsent(id: $id) { active } }", json!({ "id": consent })).await.ok();
        app.gql(Some(&bank), ISSUE, json!({ "s": subject })).await.expect_error("CONSENT_REQUIRED");
    }
}

both_backends! {
    async fn a_persons_report_prints_their_income_tax_under_the_same_consent_rule(app) {
        if !tools_ready(&app) {
            return;
        }
        let (_, bureau) = app.bureau("国家税务总局雷州市税务局", "440882").await;
        let (person, subject) = crate::income_tax::verified_person(&app, &bureau, "韩晓梅", 71).await;
        let number = id_number(71);
        let code = crate::income_tax::authorize(&app, &person).await["grantCode"].as_str().unwrap().to_string();
        let rows = [(&code[..], &number[..], "韩晓梅", 2025, "BUSINESS"), (&code[..], &number[..], "韩晓梅", 2023, "COMPREHENSIVE")];
        app.import(&bureau, "INCOME_TAX", crate::income_tax::income_csv(&rows)).await.ok();

        // The person's own report: identity by the masked number only, income tax of the last two years.
        let issued = app.gql(Some(&person), ISSUE, json!({})).await;
        issued.ok();
        let report = issued.at("/data/issueCreditReport").clone();
        let text = text_of(&download(&app, &person, report["downloadUrl"].as_str().unwrap()).await.bytes().await.unwrap());
        let masked = format!("{}********{}", &number[..6], &number[14..]);
        for expected in ["身份信息", "韩晓梅", &masked[..], "个人所得税（近两年）", "2025年度经营所得", "已缴税额6500.00元", "数据截止日期 2026-03-31"] {
            assert!(text.contains(expected), "{expected} not in the PDF text:\n{text}");
        }
        assert!(!text.contains("2023年度"), "older than two years: {text}");
        assert!(!text.contains(&number[..]) && !text.contains(&number[6..14]), "{text}");
        let checked = app.gql(None, VERIFY, json!({ "c": report["verificationCode"] })).await;
        checked.ok();
        assert_eq!(checked.at("/data/verifyCreditReport/uscc"), &json!(""), "a person has no USCC");
        assert_eq!(checked.at("/data/verifyCreditReport/idNumberMasked"), &json!(masked));

        // A bank: only under the person's INCOME_TAX consent (TAX alone covers nothing of a person's).
        let (bank_id, bank) = app.bank("报告银行", "4408").await;
        app.gql(Some(&bank), ISSUE, json!({ "s": subject })).await.expect_error("CONSENT_REQUIRED");
        app.gql(Some(&person), GRANT, grant(&bank_id, &["TAX"], "LOAN_APPLICATION", 86_400)).await.ok();
        app.gql(Some(&bank), ISSUE, json!({ "s": subject })).await.expect_error("CONSENT_REQUIRED");
        app.gql(Some(&person), GRANT, grant(&bank_id, &["INCOME_TAX"], "LOAN_APPLICATION", 86_400)).await.ok();
        let by_bank = app.gql(Some(&bank), ISSUE, json!({ "s": subject })).await;
        by_bank.ok();
        let text = text_of(&download(&app, &bank, by_bank.str_at("/data/issueCreditReport/downloadUrl")).await.bytes().await.unwrap());
        assert!(text.contains("2025年度经营所得"), "{text}");
        let log = app.gql(Some(&person), ACCESS_LOG, json!({})).await;
        let categories: Vec<&serde_json::Value> =
            log.at("/data/dataAccessLog/nodes").as_array().unwrap().iter().map(|n| &n["categories"]).collect();
        assert!(categories.contains(&&json!(["INCOME_TAX"])), "the bank's issue is a logged read: {:#}", log.body);

        // An erasure deletes the reports (they print the name), and a token issued before it issues no more.
        let asked = app.gql(Some(&person), "mutation { requestErasure(reason: \"不再使用平台，请删除本人信息\") { id } }", json!({})).await;
        let id = asked.str_at("/data/requestErasure/id").to_string();
        app.gql(Some(&bureau), "mutation($id: ID!) { decideErasure(id: $id, approve: true) { status } }", json!({ "id": id })).await.ok();
        assert!(app.gql(None, VERIFY, json!({ "c": report["verificationCode"] })).await.at("/data/verifyCreditReport").is_null());
        let after = app.gql(Some(&person), ISSUE, json!({})).await;
        assert_eq!(after.str_at("/errors/0/extensions/reason"), "SUBJECT_ERASED", "{:#}", after.body);
        let bank_after = app.gql(Some(&bank), ISSUE, json!({ "s": subject })).await;
        assert_eq!(bank_after.str_at("/errors/0/extensions/reason"), "SUBJECT_ERASED", "{:#}", bank_after.body);
    }
}
