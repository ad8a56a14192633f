//! 银税互动 for natural persons: a verified person authorizes the tax bureau to send their income tax (a grant
//! code per authorization), the bureau's INCOME_TAX import stores only rows under a valid code that names the
//! grantor, and a bank sees `incomeTax` only under the person's consent — every read logged, a revoked
//! authorization hiding what it brought at once.

use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use xyd_tests::fixtures::{GRANT, POST_DEMAND, demand_input, grant, id_number, product_input, uscc};
use xyd_tests::{GqlResponse, TestApp, both_backends};

const REGISTER_PERSON: &str =
    "mutation($i: RegisterPersonInput!) { registerPerson(input: $i) { accessToken user { subject { id } } } }";
const VERIFY: &str = "mutation($s: ID!) { verifySubject(subjectId: $s) { id } }";
const AUTHORIZE: &str =
    "mutation($v: String!, $u: DateTime!) { authorizeTaxCollection(textVersion: $v, validUntil: $u) {
    id grantCode validFrom validUntil revokedAt textVersion textSha256 } }";
const REVOKE: &str = "mutation($id: ID!) { revokeTaxCollection(id: $id) { id revokedAt } }";
const MINE: &str = "{ taxCollectionAuthorizations { id grantCode revokedAt } }";
const TEXT: &str = "query($v: String) { consentText(version: $v) { version sha256 current } }";
const INCOME: &str = "query($s: ID!) { creditProfile(subjectId: $s, purpose: LOAN_APPLICATION) {
    subject { kind uscc } incomeTax { year kind taxableIncome taxPaid monthsDeclared asOf } } }";
const ACCESS_LOG: &str = "{ dataAccessLog(first: 5) { nodes { institution { name } categories purpose } } }";
const PRE_CREDIT: &str =
    "{ preCredit { product { id name preCreditRule } eligible limit basis { code message } unmet { code } } }";
const ACCEPT: &str = "mutation($d: ID!) { acceptDemand(demandId: $d) { id } }";
const GRANT_CREDIT: &str = "mutation($r: ID!) { grantCredit(responseId: $r,
    input: {amount: \"120000.00\", annualRate: \"4.35\", termMonths: 12}) { id status } }";
const CHOOSE: &str = "mutation($r: ID!) { acceptOffer(responseId: $r) { status } }";
const DISBURSE: &str = "mutation($r: ID!, $at: DateTime!) { recordDisbursement(responseId: $r,
    input: {amount: \"120000.00\", disbursedAt: $at, firstLoan: true}) { status } }";
/// The collection text's version.
const COLLECTION_TEXT: &str = "2026-12-TC";

fn in_days(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days)).to_rfc3339()
}

/// A person of 雷州 registered and verified at the window; returns (token, subject id).
pub(crate) async fn verified_person(app: &TestApp, bureau: &str, name: &str, n: u32) -> (String, String) {
    let input = json!({ "i": { "name": name, "idNumber": id_number(n), "regionCode": "440882100",
        "email": format!("p{n}@income.test"), "password": "Person12345" } });
    let r = app.gql(None, REGISTER_PERSON, input).await;
    r.ok();
    let subject = r.str_at("/data/registerPerson/user/subject/id").to_string();
    app.gql(Some(bureau), VERIFY, json!({ "s": subject })).await.ok();
    (r.str_at("/data/registerPerson/accessToken").to_string(), subject)
}

pub(crate) async fn authorize(app: &TestApp, person: &str) -> Value {
    let r = app.gql(Some(person), AUTHORIZE, json!({ "v": COLLECTION_TEXT, "u": in_days(300) })).await;
    r.ok();
    r.at("/data/authorizeTaxCollection").clone()
}

pub(crate) fn income_csv(rows: &[(&str, &str, &str, i32, &str)]) -> Vec<u8> {
    let mut text = String::from(
        "grant_code,id_number,name,year,kind,taxable_income,tax_paid,months_declared,uscc,snapshot_date\n",
    );
    for (code, number, name, year, kind) in rows {
        text.push_str(&format!("{code},{number},{name},{year},{kind},120000.00,6500.00,12,,2026-03-31\n"));
    }
    text.into_bytes()
}

/// Every row of every table as text, on either database: where a plaintext number would show if it were kept.
pub(crate) async fn every_row(app: &TestApp) -> String {
    let db = app.db().conn();
    let backend = db.get_database_backend();
    let query = |sql: String| db.query_all_raw(sea_orm::Statement::from_string(backend, sql));
    let postgres = backend == sea_orm::DatabaseBackend::Postgres;
    let tables = if postgres {
        "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'"
    } else {
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    };
    let mut all = String::new();
    for table in query(tables.into()).await.unwrap() {
        let table: String = table.try_get("", "name").unwrap();
        let sql = if postgres {
            format!("SELECT CAST(t AS text) AS row FROM \"{table}\" t")
        } else {
            let columns: Vec<String> = query(format!("SELECT name FROM pragma_table_info('{table}')"))
                .await
                .unwrap()
                .iter()
                .map(|c| c.try_get::<String>("", "name").unwrap())
                .map(|c| format!("COALESCE(CASE typeof(\"{c}\") WHEN 'blob' THEN hex(\"{c}\") ELSE CAST(\"{c}\" AS TEXT) END, '')"))
                .collect();
            format!("SELECT {} AS row FROM \"{table}\"", columns.join(" || '|' || "))
        };
        for row in query(sql).await.unwrap() {
            all.push_str(&row.try_get::<String>("", "row").unwrap_or_default());
            all.push('\n');
        }
    }
    all
}

/// Make the registered enterprise `subject` an individual business (the registry fixture lists enterprises).
async fn individual_business(app: &TestApp, subject: &str) {
    use sea_orm::{ActiveModelTrait, Set};
    xinyidai::subjects::entity::ActiveModel {
        id: Set(xyd_domain::SubjectId::parse(subject).unwrap()),
        kind: Set(xyd_domain::SubjectKind::IndividualBusiness),
        ..Default::default()
    }
    .update(app.db().conn())
    .await
    .unwrap();
}

/// The reason codes of an import's rejected rows, by line.
fn rejected(r: &GqlResponse) -> Vec<(u64, String)> {
    let errors = r.at("/data/importRecords/errors").as_array().unwrap();
    errors.iter().map(|e| (e["line"].as_u64().unwrap(), e["code"].as_str().unwrap().to_string())).collect()
}

both_backends! {
    async fn income_tax_enters_only_under_the_persons_grant_code_and_banks_see_it_only_under_consent(app) {
        let (_, bureau) = app.bureau("国家税务总局雷州市税务局", "440882").await;
        let (person, subject) = verified_person(&app, &bureau, "陈小明", 31).await;

        // Signing: only the current collection text, at most a year, only by a verified person.
        let text = app.gql(None, TEXT, json!({ "v": COLLECTION_TEXT })).await;
        assert_eq!(text.at("/data/consentText/current"), &json!(true), "{:#}", text.body);
        let sharing = app.gql(Some(&person), AUTHORIZE, json!({ "v": xyd_tests::fixtures::current_text_version(), "u": in_days(30) })).await;
        sharing.expect_error("BAD_USER_INPUT");
        let too_long = app.gql(Some(&person), AUTHORIZE, json!({ "v": COLLECTION_TEXT, "u": in_days(400) })).await;
        assert_eq!(too_long.str_at("/errors/0/extensions/reason"), "INVALID_VALIDITY", "{:#}", too_long.body);
        let (enterprise, _) = app.enterprise(&uscc(51), "雷州市授权测试有限公司", "王五").await;
        let not_a_person = app.gql(Some(&enterprise), AUTHORIZE, json!({ "v": COLLECTION_TEXT, "u": in_days(30) })).await;
        assert_eq!(not_a_person.str_at("/errors/0/extensions/reason"), "NOT_A_PERSON", "{:#}", not_a_person.body);
        let pending = app.gql(None, REGISTER_PERSON, json!({ "i": { "name": "吴未审", "idNumber": id_number(39),
            "regionCode": "440882100", "email": "pending@income.test", "password": "Person12345" } })).await;
        let pending = pending.str_at("/data/registerPerson/accessToken").to_string();
        let unverified = app.gql(Some(&pending), AUTHORIZE, json!({ "v": COLLECTION_TEXT, "u": in_days(30) })).await;
        assert_eq!(unverified.str_at("/errors/0/extensions/reason"), "UNVERIFIED", "{:#}", unverified.body);

        let good = authorize(&app, &person).await;
        assert_eq!(good["textSha256"], text.at("/data/consentText/sha256").clone());
        let code = good["grantCode"].as_str().unwrap().to_string();
        assert!(code.len() == 16 && code.bytes().all(|b| b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ".contains(&b)), "{code}");
        let revoked = authorize(&app, &person).await;
        app.gql(Some(&person), REVOKE, json!({ "id": revoked["id"] })).await.ok();
        let expired = authorize(&app, &person).await;
        let conn = app.db().conn();
        conn.execute_unprepared(&format!(
            "UPDATE tax_collection_authorizations SET valid_until = valid_from WHERE grant_code = '{}'",
            expired["grantCode"].as_str().unwrap()
        ))
        .await
        .unwrap();
        let mine = app.gql(Some(&person), MINE, json!({})).await;
        assert_eq!(mine.at("/data/taxCollectionAuthorizations").as_array().unwrap().len(), 3);

        // The bureau's file: two good rows; each bad one refused with its own reason, storing nothing.
        let me = id_number(31);
        let other = id_number(32);
        let file = income_csv(&[
            (&code, &me, "陈小明", 2025, "BUSINESS"),
            (&code, &me, "陈小明", 2024, "综合所得"),
            ("ABCDEFGHJKLMNPQR", &me, "陈小明", 2023, "BUSINESS"),
            (revoked["grantCode"].as_str().unwrap(), &me, "陈小明", 2023, "BUSINESS"),
            (expired["grantCode"].as_str().unwrap(), &me, "陈小明", 2023, "BUSINESS"),
            (&code, &other, "陈小明", 2023, "BUSINESS"),
            (&code, &me, "陈大明", 2023, "BUSINESS"),
        ]);
        let imported = app.import(&bureau, "INCOME_TAX", file).await;
        assert_eq!(imported.at("/data/importRecords/acceptedRows"), &json!(2), "{:#}", imported.body);
        let expected: Vec<(u64, String)> = [
            (4, "GRANT_CODE_UNKNOWN"),
            (5, "GRANT_CODE_REVOKED"),
            (6, "GRANT_CODE_EXPIRED"),
            (7, "GRANT_CODE_MISMATCH"),
            (8, "GRANT_CODE_MISMATCH"),
        ]
        .into_iter()
        .map(|(l, c)| (l, c.to_string()))
        .collect();
        assert_eq!(rejected(&imported), expected, "{:#}", imported.body);
        let (_, outside) = app.bureau("国家税务总局遂溪县税务局", "440823").await;
        let elsewhere = app.import(&outside, "INCOME_TAX", income_csv(&[(&code, &me, "陈小明", 2023, "BUSINESS")])).await;
        assert_eq!(rejected(&elsewhere), [(2, "OUT_OF_JURISDICTION".to_string())], "{:#}", elsewhere.body);

        // The person sees their rows; a bank without consent gets CONSENT_REQUIRED, with one it sees them.
        let own = app.gql(Some(&person), INCOME, json!({ "s": subject })).await;
        own.ok();
        assert_eq!(own.at("/data/creditProfile/subject/uscc"), &Value::Null);
        let years = own.at("/data/creditProfile/incomeTax").as_array().unwrap().clone();
        assert_eq!(years.len(), 2, "{:#}", own.body);
        assert_eq!((years[0]["year"].clone(), years[0]["kind"].clone()), (json!(2025), json!("BUSINESS")));
        assert_eq!((years[0]["taxPaid"].clone(), years[0]["monthsDeclared"].clone()), (json!("6500.00"), json!(12)));

        let (bank_id, bank) = app.bank("雷州农商银行", "4408").await;
        let refused = app.gql(Some(&bank), INCOME, json!({ "s": subject })).await;
        refused.expect_error("CONSENT_REQUIRED");
        assert_eq!(refused.at("/data/creditProfile/incomeTax"), &Value::Null);
        assert_eq!(refused.at("/errors/0/path"), &json!(["creditProfile", "incomeTax"]));
        app.gql(Some(&person), GRANT, grant(&bank_id, &["INCOME_TAX"], "LOAN_APPLICATION", 86_400)).await.ok();
        let seen = app.gql(Some(&bank), INCOME, json!({ "s": subject })).await;
        seen.ok();
        assert_eq!(seen.at("/data/creditProfile/incomeTax").as_array().unwrap().len(), 2, "{:#}", seen.body);
        let log = app.gql(Some(&person), ACCESS_LOG, json!({})).await;
        let reads = log.at("/data/dataAccessLog/nodes").as_array().unwrap().clone();
        assert!(reads.iter().any(|r| r["categories"] == json!(["INCOME_TAX"])), "the read is logged: {:#}", log.body);

        // Revoking the authorization hides what it brought from every bank at once; the person still sees it,
        // and the bureau's next row under it is refused.
        app.gql(Some(&person), REVOKE, json!({ "id": good["id"] })).await.ok();
        let hidden = app.gql(Some(&bank), INCOME, json!({ "s": subject })).await;
        hidden.ok();
        assert_eq!(hidden.at("/data/creditProfile/incomeTax"), &json!([]), "{:#}", hidden.body);
        let own = app.gql(Some(&person), INCOME, json!({ "s": subject })).await;
        assert_eq!(own.at("/data/creditProfile/incomeTax").as_array().unwrap().len(), 2);
        let after = app.import(&bureau, "INCOME_TAX", income_csv(&[(&code, &me, "陈小明", 2023, "BUSINESS")])).await;
        assert_eq!(rejected(&after), [(2, "GRANT_CODE_REVOKED".to_string())], "{:#}", after.body);

        // No plaintext number anywhere in the database, nor its middle (what the mask hides), for either person.
        let stored = every_row(&app).await;
        assert!(stored.contains(&format!("{}********{}", &me[..6], &me[14..])), "the scan reads the subjects");
        for number in [&me, &other, &id_number(39)] {
            assert!(!stored.contains(number.as_str()) && !stored.contains(&number[6..14]), "{number} is stored");
        }

        // A market subject has no income tax (null, no consent asked).
        let (_, firm) = app.verified_enterprise(&bureau, &uscc(52), "雷州市无个税有限公司", "赵六").await;
        let firm_profile = app.gql(Some(&bank), INCOME, json!({ "s": firm })).await;
        firm_profile.ok();
        assert_eq!(firm_profile.at("/data/creditProfile/incomeTax"), &Value::Null);
    }
}

both_backends! {
    async fn a_person_gets_a_pre_credit_on_income_tax_and_a_loan_through_a_demand(app) {
        let (_, bureau) = app.bureau("国家税务总局雷州市税务局", "440882").await;
        let (person, subject) = verified_person(&app, &bureau, "黄晓燕", 41).await;
        let code = authorize(&app, &person).await["grantCode"].as_str().unwrap().to_string();
        let me = id_number(41);
        let file = income_csv(&[(&code, &me, "黄晓燕", 2025, "BUSINESS"), (&code, &me, "黄晓燕", 2025, "COMPREHENSIVE")]);
        assert_eq!(app.import(&bureau, "INCOME_TAX", file).await.at("/data/importRecords/acceptedRows"), &json!(2));

        // A product for persons: 20 × last year's income tax paid, no grade factors (they would be refused).
        let (_, bank) = app.bank("雷州农商银行", "4408").await;
        let mut input = product_input("个税贷", "面向个人经营者，凭个人所得税纳税记录");
        input["subjectKinds"] = json!(["NATURAL_PERSON"]);
        input["preCredit"] = json!({ "basis": "INCOME_TAX_PAID", "multiple": 20, "gradeFactors": [{ "grade": "A", "factor": 1 }] });
        let refused = app.gql(Some(&bank), xyd_tests::fixtures::CREATE_PRODUCT, json!({ "i": input.clone() })).await;
        refused.expect_error("BAD_USER_INPUT");
        assert_eq!(refused.str_at("/errors/0/extensions/field"), "input.preCredit.gradeFactors", "{:#}", refused.body);
        input["preCredit"]["gradeFactors"] = json!([]);
        let product = app.published_product(&bank, input).await;

        // 2025: 6,500 + 6,500 yuan paid over both kinds × 20 = 260,000 yuan.
        let estimates = app.gql(Some(&person), PRE_CREDIT, json!({})).await;
        estimates.ok();
        let mine = estimates.at("/data/preCredit").as_array().unwrap().iter().find(|e| e["product"]["id"] == product.as_str())
            .unwrap_or_else(|| panic!("{:#}", estimates.body)).clone();
        assert_eq!((mine["eligible"].clone(), mine["limit"].clone()), (json!(true), json!("260000.00")), "{mine:#}");
        assert!(mine["basis"][0]["message"].as_str().unwrap().contains("2025年度个人所得税已缴税额13000.00元"), "{mine:#}");
        assert!(mine["product"]["preCreditRule"].as_str().unwrap().contains("不按纳税信用等级"));

        // A demand to a disbursed loan, like an enterprise's; the bank reads the income tax the demand shares.
        let posted = app.gql(Some(&person), POST_DEMAND, demand_input(&["INCOME_TAX"])).await;
        posted.ok();
        let demand = posted.str_at("/data/postDemand/id").to_string();
        let response = app.gql(Some(&bank), ACCEPT, json!({ "d": demand })).await.str_at("/data/acceptDemand/id").to_string();
        let profile = app.gql(Some(&bank), "query($s: ID!, $d: ID!) { creditProfile(subjectId: $s, purpose: LOAN_APPLICATION, demandId: $d) { incomeTax { year kind } } }",
            json!({ "s": subject, "d": demand })).await;
        profile.ok();
        assert_eq!(profile.at("/data/creditProfile/incomeTax").as_array().unwrap().len(), 2, "{:#}", profile.body);
        app.gql(Some(&bank), GRANT_CREDIT, json!({ "r": response })).await.ok();
        app.gql(Some(&person), CHOOSE, json!({ "r": response })).await.ok();
        let disbursed = app.gql(Some(&bank), DISBURSE, json!({ "r": response, "at": chrono::Utc::now().to_rfc3339() })).await;
        disbursed.ok();
        assert_eq!(disbursed.at("/data/recordDisbursement/status"), &json!("DISBURSED"), "{:#}", disbursed.body);
    }
}

both_backends! {
    async fn an_owners_business_income_counts_for_the_business_and_products_may_ask_for_declared_years(app) {
        let (_, bureau) = app.bureau("国家税务总局雷州市税务局", "440882").await;
        let (owner, _) = verified_person(&app, &bureau, "陈记", 61).await;
        let code = authorize(&app, &owner).await["grantCode"].as_str().unwrap().to_string();
        let shop_code = uscc(62);
        let (shop, shop_id) = app.verified_enterprise(&bureau, &shop_code, "雷州市陈记小吃店", "陈记").await;
        individual_business(&app, &shop_id).await;
        // The owner's 经营所得 of the shop for 2025 and 2024 (naming its code), and wages (综合所得) of 2025.
        let me = id_number(61);
        let mut file = String::from_utf8(income_csv(&[])).unwrap();
        for (year, kind, named) in [(2025, "BUSINESS", &shop_code[..]), (2024, "BUSINESS", &shop_code[..]), (2025, "COMPREHENSIVE", "")] {
            file.push_str(&format!("{code},{me},陈记,{year},{kind},90000.00,3000.00,12,{named},2026-03-31\n"));
        }
        let imported = app.import(&bureau, "INCOME_TAX", file.into_bytes()).await;
        assert_eq!(imported.at("/data/importRecords/acceptedRows"), &json!(3), "{:#}", imported.body);

        // The shop sees its two years of 经营所得, not the owner's wages; the owner sees all three.
        let own = app.gql(Some(&shop), INCOME, json!({ "s": shop_id })).await;
        own.ok();
        let years: Vec<(i64, String)> = own.at("/data/creditProfile/incomeTax").as_array().unwrap().iter()
            .map(|y| (y["year"].as_i64().unwrap(), y["kind"].as_str().unwrap().to_string())).collect();
        assert_eq!(years, [(2025, "BUSINESS".to_string()), (2024, "BUSINESS".to_string())], "{:#}", own.body);

        // A bank: under the shop's INCOME_TAX consent, like a person's; the owner's revocation hides them.
        let (bank_id, bank) = app.bank("雷州农商银行", "4408").await;
        app.gql(Some(&bank), INCOME, json!({ "s": shop_id })).await.expect_error("CONSENT_REQUIRED");
        app.gql(Some(&shop), GRANT, grant(&bank_id, &["INCOME_TAX"], "LOAN_APPLICATION", 86_400)).await.ok();
        let seen = app.gql(Some(&bank), INCOME, json!({ "s": shop_id })).await;
        seen.ok();
        assert_eq!(seen.at("/data/creditProfile/incomeTax").as_array().unwrap().len(), 2, "{:#}", seen.body);

        // Matching: a product for individual businesses asking for two consecutive declared years; the shop has
        // 2025 and 2024, a shop without income tax has none.
        let mut input = product_input("个体经营贷", "面向个体工商户，凭连续两年经营所得申报");
        input["subjectKinds"] = json!(["INDIVIDUAL_BUSINESS"]);
        input["minDeclaredYears"] = json!(9);
        let refused = app.gql(Some(&bank), xyd_tests::fixtures::CREATE_PRODUCT, json!({ "i": input.clone() })).await;
        assert_eq!(refused.str_at("/errors/0/extensions/field"), "input.minDeclaredYears", "{:#}", refused.body);
        input["minDeclaredYears"] = json!(2);
        let product = app.published_product(&bank, input).await;
        let judge = |token: String| {
            let app = &app;
            let product = product.clone();
            async move {
                let posted = app.gql(Some(&token), POST_DEMAND, demand_input(&[])).await;
                posted.ok();
                let demand = posted.str_at("/data/postDemand/id").to_string();
                let matched = app.gql(Some(&token), "query($d: ID!) { matchProducts(demandId: $d, includeIneligible: true) {
                    product { id minDeclaredYears } eligible reasons { code } unmet { code message } } }", json!({ "d": demand })).await;
                matched.ok();
                matched.at("/data/matchProducts").as_array().unwrap().iter()
                    .find(|m| m["product"]["id"] == product.as_str()).unwrap_or_else(|| panic!("{:#}", matched.body)).clone()
            }
        };
        let fits = judge(shop.clone()).await;
        assert_eq!(fits["product"]["minDeclaredYears"], json!(2));
        assert!(fits["reasons"].as_array().unwrap().iter().any(|r| r["code"] == "DECLARED_YEARS_MET"), "{fits:#}");
        let (other, other_id) = app.verified_enterprise(&bureau, &uscc(63), "雷州市无申报小店", "吴某").await;
        individual_business(&app, &other_id).await;
        let misses = judge(other).await;
        assert_eq!(misses["unmet"][0]["code"], json!("DECLARED_YEARS"), "{misses:#}");
        assert_eq!(misses["unmet"][0]["message"], json!("需连续2年申报个人所得税（最近连续申报0年）"));

        let grants = app.gql(Some(&owner), MINE, json!({})).await;
        app.gql(Some(&owner), REVOKE, json!({ "id": grants.at("/data/taxCollectionAuthorizations/0/id") })).await.ok();
        let hidden = app.gql(Some(&bank), INCOME, json!({ "s": shop_id })).await;
        assert_eq!(hidden.at("/data/creditProfile/incomeTax"), &json!([]), "{:#}", hidden.body);
    }
}
