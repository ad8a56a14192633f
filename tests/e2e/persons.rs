//! Natural persons (自然人): registered with a 居民身份证号码 kept only as a keyed hash and a mask, PENDING until
//! verified in person — by a bureau of their county (MANUAL) or by a bank that identified them (BANK_ATTESTED).

use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use xyd_tests::fixtures::{id_number, registration, uscc};
use xyd_tests::{TestApp, both_backends};

const REGISTER_PERSON: &str = "mutation($i: RegisterPersonInput!) { registerPerson(input: $i) {
    accessToken user { role subject { id kind uscc name idNumberMasked verified verificationStatus verificationMethod } } } }";
const ME: &str = "{ me { subject { id kind uscc idNumberMasked verificationStatus verificationMethod } } }";
const VERIFY: &str = "mutation($s: ID!) { verifySubject(subjectId: $s) { id verificationStatus verificationMethod } }";
const ATTEST: &str = "mutation($s: ID!) { attestIdentity(subjectId: $s) { id kind verificationStatus verificationMethod idNumberMasked } }";
const RESUBMIT: &str = "mutation($i: ResubmitVerificationInput!) { resubmitVerification(input: $i) { id } }";

fn person(name: &str, number: &str, email: &str) -> Value {
    json!({ "i": { "name": name, "idNumber": number, "regionCode": "440882100", "email": email, "password": "Person12345" } })
}

/// The mask the platform shows: the issuing county, eight stars, the last four.
fn masked(number: &str) -> String {
    format!("{}********{}", &number[..6], &number[14..])
}

/// Registers a person; returns (token, subject id).
async fn register(app: &TestApp, name: &str, number: &str, email: &str) -> (String, String) {
    let r = app.gql(None, REGISTER_PERSON, person(name, number, email)).await;
    r.ok();
    (
        r.str_at("/data/registerPerson/accessToken").to_string(),
        r.str_at("/data/registerPerson/user/subject/id").to_string(),
    )
}

/// Every text value stored in `subjects`, for looking for a number that must not be there.
async fn stored_subject_text(app: &TestApp) -> String {
    let conn = app.db().conn();
    let sql = "SELECT id, name, region_code, legal_rep_name, legal_rep_id_cipher, id_hash, id_masked, verification_note \
               FROM subjects";
    let rows = conn.query_all_raw(Statement::from_string(conn.get_database_backend(), sql)).await.unwrap();
    let columns =
        ["name", "region_code", "legal_rep_name", "legal_rep_id_cipher", "id_hash", "id_masked", "verification_note"];
    let mut all = String::new();
    for row in rows {
        for column in columns {
            all.push_str(&row.try_get::<Option<String>>("", column).unwrap().unwrap_or_default());
            all.push('|');
        }
    }
    all
}

both_backends! {
    async fn a_person_registers_with_only_a_mask_of_the_number_and_no_uscc(app) {
        let number = id_number(11);
        let r = app.gql(None, REGISTER_PERSON, person("陈小明", &number, "person@persons.test")).await;
        r.ok();
        let subject = r.at("/data/registerPerson/user/subject");
        assert_eq!(r.str_at("/data/registerPerson/user/role"), "ENTERPRISE", "a person acts for their own subject");
        assert_eq!(subject["kind"], "NATURAL_PERSON");
        assert_eq!(subject["uscc"], Value::Null, "null exactly for natural persons");
        assert_eq!(subject["idNumberMasked"], json!(masked(&number)));
        assert_eq!((subject["verified"].clone(), subject["verificationStatus"].clone()), (json!(false), json!("PENDING")));
        assert_eq!(subject["verificationMethod"], Value::Null);
        assert!(!r.body.to_string().contains(&number), "the number is never returned whole");
        let stored = stored_subject_text(&app).await;
        assert!(!stored.contains(&number) && !stored.contains(&number[6..14]), "only the hash and the mask are kept");
        assert!(stored.contains(&masked(&number)));

        let again = app.gql(None, REGISTER_PERSON, person("陈小明", &number, "again@persons.test")).await;
        again.expect_error("CONFLICT");
        assert_eq!(again.str_at("/errors/0/extensions/reason"), "PERSON_REGISTERED", "{:#}", again.body);

        let mut wrong = number.clone().into_bytes();
        wrong[17] = if wrong[17] == b'1' { b'2' } else { b'1' };
        let bad = app.gql(None, REGISTER_PERSON, person("陈小明", std::str::from_utf8(&wrong).unwrap(), "bad@persons.test")).await;
        bad.expect_error("BAD_USER_INPUT");
        assert_eq!(bad.str_at("/errors/0/extensions/field"), "input.idNumber", "{:#}", bad.body);

        // A USCC never names a natural person.
        let mut as_subject = registration(&uscc(41), "陈小明", "陈小明", "subject@persons.test");
        as_subject["i"]["kind"] = json!("NATURAL_PERSON");
        let refused = app.gql(None, xyd_tests::fixtures::REGISTER, as_subject).await;
        refused.expect_error("BAD_USER_INPUT");
        assert_eq!(refused.str_at("/errors/0/extensions/reason"), "KIND_MISMATCH", "{:#}", refused.body);
    }

    async fn a_person_is_verified_in_person_by_the_county_bureau_or_by_a_bank(app) {
        let (owner, subject) = register(&app, "林晓华", &id_number(12), "window@persons.test").await;
        let resubmit = json!({ "i": { "name": "林晓华", "legalRepName": "林晓华", "legalRepIdNumber": id_number(12), "regionCode": "440882100" } });
        let refused = app.gql(Some(&owner), RESUBMIT, resubmit).await;
        refused.expect_error("INVALID_STATE");
        assert_eq!(refused.str_at("/errors/0/extensions/reason"), "NOT_A_MARKET_SUBJECT", "{:#}", refused.body);

        let (_, outside) = app.bureau("遂溪县发改局", "440823").await;
        app.gql(Some(&outside), VERIFY, json!({ "s": subject })).await.expect_error("FORBIDDEN");
        let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
        let verified = app.gql(Some(&bureau), VERIFY, json!({ "s": subject })).await;
        verified.ok();
        assert_eq!(verified.at("/data/verifySubject/verificationMethod"), &json!("MANUAL"), "{:#}", verified.body);
        let me = app.gql(Some(&owner), ME, json!({})).await;
        assert_eq!(me.at("/data/me/subject/verificationStatus"), &json!("VERIFIED"), "{:#}", me.body);

        let (_, other) = register(&app, "周晓光", &id_number(13), "bank@persons.test").await;
        let (_, bank) = app.bank("雷州农商银行", "4408").await;
        app.gql(Some(&owner), ATTEST, json!({ "s": other })).await.expect_error("FORBIDDEN");
        let attested = app.gql(Some(&bank), ATTEST, json!({ "s": other })).await;
        attested.ok();
        assert_eq!(attested.at("/data/attestIdentity/verificationStatus"), &json!("VERIFIED"));
        assert_eq!(attested.at("/data/attestIdentity/verificationMethod"), &json!("BANK_ATTESTED"));
        assert_eq!(attested.at("/data/attestIdentity/idNumberMasked"), &json!(masked(&id_number(13))));
        let twice = app.gql(Some(&bank), ATTEST, json!({ "s": other })).await;
        twice.expect_error("INVALID_STATE");
        assert_eq!(twice.str_at("/errors/0/extensions/reason"), "ALREADY_VERIFIED");

        let (_, enterprise) = app.enterprise(&uscc(42), "雷州市核验测试有限公司", "王五").await;
        let not_a_person = app.gql(Some(&bank), ATTEST, json!({ "s": enterprise })).await;
        not_a_person.expect_error("INVALID_STATE");
        assert_eq!(not_a_person.str_at("/errors/0/extensions/reason"), "NOT_A_PERSON");
    }
}
