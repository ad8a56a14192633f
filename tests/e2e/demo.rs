//! `seed-demo` on a fresh platform (a smaller data set than the CLI's): every demo login works, and what a first
//! look needs shows figures — the product search (after the relay indexed the products), the county's
//! indicators over the last 12 whole months (demands every month, disbursements, towns by name, the 重错码率 of
//! the bureau's registry import), the bank league, the banks' opportunities, and for the enterprise login its
//! loan, the offers on its open demand, matching and 预授信; for the person login, income tax under authorization,
//! 预授信 on it and a loan. A second run adds nothing.

use chrono::{Datelike, Months, Utc};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use xyd_cli::demo::{
    BANK_LOGINS, CITY_BUREAU, COUNTY_BUREAU, DEMO_PASSWORD, DemoSize, ENTERPRISE_LOGIN, PERSON_LOGIN,
    SECOND_PERSON_LOGIN, seed_with,
};
use xyd_domain::demand::local_date;
use xyd_tests::{TestApp, both_backends};

const TABLES: [&str; 13] = [
    "institutions",
    "users",
    "registry_entries",
    "import_jobs",
    "credit_records",
    "tax_records",
    "products",
    "subjects",
    "demands",
    "bank_responses",
    "consents",
    "tax_collection_authorizations",
    "income_tax_records",
];

async fn counts(app: &TestApp) -> Vec<(&'static str, i64)> {
    let db = app.db().conn();
    let mut counts = Vec::new();
    for table in TABLES {
        let sql = format!("SELECT COUNT(*) AS n FROM {table}");
        let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
        counts.push((table, row.try_get::<i64>("", "n").unwrap()));
    }
    counts
}

async fn token(app: &TestApp, email: &str) -> String {
    let r = app.login(email, DEMO_PASSWORD).await;
    r.ok();
    r.str_at("/data/login/accessToken").to_string()
}

const INDICATORS: &str = "query($i: IndicatorQuery!) { indicators(input: $i) {
    totals { existingSubjects registeredSubjects verifiedSubjects demandsPosted disbursedCount loanObtainingSubjects
             erroneousCodeRate }
    rows { key label demandsPosted disbursedCount } } }";

const ENTERPRISE: &str = "{ me { subject { verified uscc } }
    myDemands(first: 20) { nodes { id status offers { bank { name } amount annualRate totalInterest } } } }";

both_backends! {
    async fn the_demo_shows_figures_everywhere_and_loads_once(app) {
        seed_with(&app.state, DemoSize::SMALL).await.unwrap();
        let seeded = counts(&app).await;
        let count = |table: &str| seeded.iter().find(|(t, _)| *t == table).unwrap().1;
        assert!(count("registry_entries") > 1_900, "{seeded:?}");
        assert!((100..=200).contains(&count("subjects")), "{seeded:?}");
        assert!(count("tax_records") > 0 && count("credit_records") > 0, "{seeded:?}");

        // The product search, once the relay has indexed the shelf.
        app.wait_indexed().await;
        let r = app.gql(None, "{ products(first: 1) { totalCount } }", json!({})).await;
        r.ok();
        assert!(r.at("/data/products/totalCount").as_i64().unwrap() >= 40, "{:#}", r.body);

        // The county bureau's last 12 whole months (Asia/Shanghai).
        let bureau = token(&app, COUNTY_BUREAU.2).await;
        let to = local_date(Utc::now()).with_day(1).unwrap();
        let from = to.checked_sub_months(Months::new(12)).unwrap();
        let (from, to) = (from.to_string(), to.to_string());
        let period = |group_by: Option<&str>| {
            json!({ "i": { "from": from, "to": to, "regionCode": "440882", "groupBy": group_by } })
        };
        let by_town = app.gql(Some(&bureau), INDICATORS, period(Some("REGION"))).await;
        by_town.ok();
        let totals = by_town.at("/data/indicators/totals");
        let figures = ["existingSubjects", "registeredSubjects", "verifiedSubjects", "demandsPosted", "disbursedCount"];
        for figure in figures {
            assert!(totals[figure].as_i64().unwrap() > 0, "{figure}: {totals:#}");
        }
        let erroneous = totals["erroneousCodeRate"].as_f64().expect("the bureau's registry import has a 重错码率");
        assert!(erroneous > 0.0 && erroneous < 0.05, "{erroneous}");
        let towns = by_town.at("/data/indicators/rows").as_array().unwrap();
        assert!(towns.len() > 10, "{towns:#?}");
        for town in towns {
            let label = town["label"].as_str().unwrap();
            assert!(label.ends_with('镇') || label.ends_with("街道"), "a town's name, not its code: {town:#}");
        }
        let by_month = app.gql(Some(&bureau), INDICATORS, period(Some("MONTH"))).await;
        by_month.ok();
        let months = by_month.at("/data/indicators/rows").as_array().unwrap();
        assert_eq!(months.len(), 12, "{months:#?}");
        assert!(months.iter().all(|m| m["demandsPosted"].as_i64().unwrap() > 0), "demands every month: {months:#?}");

        let league = app
            .gql(
                Some(&bureau),
                "query($i: IndicatorQuery!) {
                    bankLeague(input: $i) { bank { name } respondedDemands disbursedCount } }",
                period(None),
            )
            .await;
        league.ok();
        let league = league.at("/data/bankLeague").as_array().unwrap();
        assert_eq!(league.len(), 5, "{league:#?}");
        assert!(
            league.iter().any(|l| l["bank"]["name"] == "雷州农村商业银行" && l["disbursedCount"].as_i64().unwrap() > 0)
        );

        // The city bureau logs in; the banks see open demands they can serve.
        token(&app, CITY_BUREAU.2).await;
        let mut opportunities = 0;
        for email in BANK_LOGINS {
            let bank = token(&app, email).await;
            let r = app.gql(Some(&bank), "{ opportunities(first: 5) { nodes { id } } }", json!({})).await;
            r.ok();
            opportunities += r.at("/data/opportunities/nodes").as_array().unwrap().len();
        }
        assert!(opportunities > 0, "open demands now");

        // The enterprise: verified, a loan in its history, two offers on its open demand, matches and 预授信.
        let owner = token(&app, ENTERPRISE_LOGIN).await;
        let r = app.gql(Some(&owner), ENTERPRISE, json!({})).await;
        r.ok();
        assert_eq!(r.at("/data/me/subject/verified"), &json!(true));
        let demands = r.at("/data/myDemands/nodes").as_array().unwrap();
        assert!(demands.iter().any(|d| d["status"] == "FUNDED"), "{demands:#?}");
        let open = demands.iter().find(|d| d["offers"].as_array().unwrap().len() == 2).expect("two offers to compare");
        assert_eq!(open["status"], "CREDIT_GRANTED", "{open:#}");
        let matched = app
            .gql(
                Some(&owner),
                "query($d: ID!) { matchProducts(demandId: $d, first: 10) { eligible product { name } } }",
                json!({ "d": open["id"] }),
            )
            .await;
        matched.ok();
        let matched: &Vec<Value> = matched.at("/data/matchProducts").as_array().unwrap();
        assert!(matched.iter().any(|m| m["eligible"] == true), "{matched:#?}");
        let estimates =
            app.gql(Some(&owner), "{ preCredit(first: 10) { eligible limit product { name } } }", json!({})).await;
        estimates.ok();
        let estimates = estimates.at("/data/preCredit").as_array().unwrap();
        assert!(estimates.iter().any(|e| e["eligible"] == true && e["limit"].is_string()), "{estimates:#?}");

        // The person: verified, no USCC, income tax under an authorization, 预授信 on it, a loan.
        let person = token(&app, PERSON_LOGIN).await;
        let r = app
            .gql(
                Some(&person),
                "{ me { subject { id kind uscc idNumberMasked verificationStatus } }
                   taxCollectionAuthorizations { grantCode revokedAt }
                   myDemands(first: 5) { nodes { status } }
                   preCredit(first: 50) { eligible limit product { name } } }",
                json!({}),
            )
            .await;
        r.ok();
        assert_eq!(r.at("/data/me/subject/kind"), &json!("NATURAL_PERSON"), "{:#}", r.body);
        assert_eq!(r.at("/data/me/subject/uscc"), &Value::Null);
        assert_eq!(r.at("/data/me/subject/verificationStatus"), &json!("VERIFIED"));
        assert_eq!(r.at("/data/taxCollectionAuthorizations/0/revokedAt"), &Value::Null);
        assert!(r.at("/data/myDemands/nodes").as_array().unwrap().iter().any(|d| d["status"] == "FUNDED"), "{:#}", r.body);
        let on_income = r.at("/data/preCredit").as_array().unwrap().iter().find(|e| e["product"]["name"] == "个税贷（个人经营者）");
        assert_eq!(on_income.map(|e| (e["eligible"].clone(), e["limit"].clone())), Some((json!(true), json!("190000.00"))), "{:#}", r.body);
        let subject = r.str_at("/data/me/subject/id").to_string();
        let income = app
            .gql(
                Some(&person),
                "query($s: ID!) { creditProfile(subjectId: $s, purpose: LOAN_APPLICATION) { incomeTax { year kind } } }",
                json!({ "s": subject }),
            )
            .await;
        assert_eq!(income.at("/data/creditProfile/incomeTax").as_array().unwrap().len(), 3, "{:#}", income.body);

        // The ledger: banks with codes, guaranteed loans with their fee, 首贷 mismatches (five from the loan history);
        // and some subjects' tax data stood two years back.
        let ledger = app
            .gql(
                Some(&bureau),
                "{ all: loans(first: 100) { totalCount nodes { lender { uscc } fees { kind } comprehensiveCost annualRate } }
                   mismatched: loans(filter: {firstLoanMismatch: true}) { totalCount } }",
                json!({}),
            )
            .await;
        ledger.ok();
        let loans = ledger.at("/data/all/nodes").as_array().unwrap();
        assert!(loans.iter().all(|l| l["lender"]["uscc"].is_string()), "every demo bank has a code");
        assert!(loans.iter().any(|l| l["fees"] == json!([{ "kind": "GUARANTEE" }]) && l["comprehensiveCost"] != l["annualRate"]));
        let mismatched = ledger.at("/data/mismatched/totalCount").as_i64().unwrap();
        let total = ledger.at("/data/all/totalCount").as_i64().unwrap();
        assert!((5..total).contains(&mismatched), "the history's five and the banks' own slips: {mismatched} of {total}");
        let db = app.db().conn();
        let stale = db
            .query_one_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                "SELECT COUNT(*) AS n FROM tax_records WHERE snapshot_date < '2025-01-01'".to_string(),
            ))
            .await
            .unwrap()
            .unwrap();
        assert!(stale.try_get::<i64>("", "n").unwrap() > 0, "stale tax data for some profiles");

        // The bureau's desk shows the same figures (a screenshot per backend in target/test-artifacts).
        if let Some(browser) = crate::dashboard::browser().await {
            let page = browser.new_page().await;
            page.goto(&app.url("/dashboard")).await;
            page.wait_for("document.body.dataset.state === 'login'", std::time::Duration::from_secs(20)).await.unwrap();
            let desk = crate::dashboard::Desk {
                bureau: &bureau,
                email: COUNTY_BUREAU.2,
                password: DEMO_PASSWORD,
                region: "440882",
                town: "440882001",
            };
            let shot = format!("dashboard-demo-{:?}.png", app.backend).to_lowercase();
            assert_eq!(desk.shows_what_graphql_returns(&app, &page, &shot).await, BANK_LOGINS.len());
            browser.close().await;
        }

        // A second run adds nothing.
        seed_with(&app.state, DemoSize::SMALL).await.unwrap();
        assert_eq!(counts(&app).await, seeded);

        // The second person, one declared year: 个税贷 asks for two and says so.
        let second = token(&app, SECOND_PERSON_LOGIN).await;
        let mut input = xyd_tests::fixtures::demand_input(&["INCOME_TAX"]);
        input["i"]["amount"] = json!("100000.00");
        let posted = app.gql(Some(&second), xyd_tests::fixtures::POST_DEMAND, input).await;
        posted.ok();
        let matched = app
            .gql(
                Some(&second),
                "query($d: ID!) { matchProducts(demandId: $d, includeIneligible: true, first: 50) { product { name } unmet { code } } }",
                json!({ "d": posted.str_at("/data/postDemand/id") }),
            )
            .await;
        matched.ok();
        let miss = matched.at("/data/matchProducts").as_array().unwrap().iter().find(|m| m["product"]["name"] == "个税贷（个人经营者）").cloned();
        assert_eq!(miss.map(|m| m["unmet"].clone()), Some(json!([{ "code": "DECLARED_YEARS" }])), "{:#}", matched.body);
    }
}
