//! The pre-aggregated day rows (`indicator_days`) against the events, on both databases: a report by region
//! (and the plain totals) reads the day rows, a report by industry section reads the events, and both partition
//! the same subjects — so their totals must agree figure for figure, for a past month, a period ending today at
//! midnight (answers after the end), and the current period read mid-day (deadlines of the as-of day), after a
//! generated history and after changes the triggers must follow: demands closing and reopening, a product
//! changing type and tax basis, a disbursement corrected, a credit deadline moved, a response deleted.

use chrono::{Duration, Months, Utc};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use xyd_domain::demand::local_date;
use xyd_tests::{TestApp, both_backends};

const TOTALS: &str = "query($i: IndicatorQuery!) { indicators(input: $i) { totals {
    demandsPosted demandAmount respondedDemands respondedWithinSla medianResponseHours
    creditGrantedCount creditGrantedAmount disbursedCount disbursedAmount loanObtainingSubjects creditLoanShare
    firstLoanSubjects taxBasedLoanCount taxBasedLoanAmount averageAnnualRate overdueResponses
    registeredSubjects openObjections renewalRequests } } }";

/// The totals of one period grouped by `group_by` (none, REGION or INDUSTRY), as the platform admin.
async fn totals(app: &TestApp, admin: &str, from: &str, to: &str, group_by: Option<&str>) -> Value {
    let r = app.gql(Some(admin), TOTALS, json!({ "i": { "from": from, "to": to, "groupBy": group_by } })).await;
    r.ok();
    r.at("/data/indicators/totals").clone()
}

/// Every period of the check agrees between the day rows and the events; returns the figures of the last.
async fn agree(app: &TestApp, admin: &str, when: &str) -> Value {
    let today = local_date(Utc::now());
    let month = today.checked_sub_months(Months::new(2)).unwrap();
    let periods = [
        (month.to_string(), (month + Duration::days(30)).to_string()),
        ((today - Duration::days(90)).to_string(), today.to_string()),
        ((today - Duration::days(200)).to_string(), (today + Duration::days(1)).to_string()),
    ];
    let mut last = Value::Null;
    for (from, to) in periods {
        let events = totals(app, admin, &from, &to, Some("INDUSTRY")).await;
        for group_by in [Some("REGION"), None] {
            let days = totals(app, admin, &from, &to, group_by).await;
            assert_eq!(days, events, "{when}: {from}..{to} by {group_by:?} (day rows) vs by INDUSTRY (events)");
        }
        last = events;
    }
    last
}

both_backends! {
    async fn the_day_rows_agree_with_the_events_through_every_change(app) {
        let county = xyd_datagen::region::County::from_divisions("440882").unwrap();
        let products = xyd_datagen::products::ProductOptions { count: 24, seed: 7, banks: 4, county: county.clone() };
        xyd_cli::gen_data::products::seed(&app.state, &products).await.unwrap();
        let options = xyd_datagen::demands::DemandOptions {
            registry: xyd_datagen::registry::RegistryOptions { rows: 3_000, county, ..Default::default() },
            demands: 600,
            banks: 4,
            start: Utc::now() - Duration::days(200),
            months: 7,
        };
        xyd_cli::gen_data::demands::seed(&app.state, &options).await.unwrap();
        let admin = app.admin_token().await;
        let figures = agree(&app, &admin, "generated history").await;
        for figure in ["demandsPosted", "respondedDemands", "disbursedCount", "taxBasedLoanCount", "overdueResponses"] {
            assert!(figures[figure].as_i64().unwrap() > 0, "the history exercises {figure}: {figures:#}");
        }

        let conn = app.db().conn();
        for sql in [
            // Demands close (withdrawn as soon as posted) and closed ones reopen: missed deadlines move with them.
            "UPDATE demands SET closed_at = posted_at WHERE closed_at IS NULL".to_string(),
            "UPDATE demands SET closed_at = NULL WHERE id IN (SELECT demand_id FROM bank_responses
               WHERE credit_due_at IS NOT NULL AND credit_granted_at IS NULL)".to_string(),
            // Products change type and tax basis: their disbursements move between the credit and tax figures.
            "UPDATE products SET product_type = CASE WHEN product_type = 'CREDIT' THEN 'GUARANTEE' ELSE 'CREDIT' END,
               tax_based = NOT tax_based".to_string(),
            // A disbursement is corrected, a credit deadline moved, a response withdrawn entirely.
            "UPDATE bank_responses SET disbursed_amount = disbursed_amount + 100 WHERE disbursed_at IS NOT NULL".to_string(),
            "UPDATE bank_responses SET credit_due_at = accepted_at WHERE credit_due_at IS NOT NULL
               AND credit_granted_at IS NULL AND rejected_at IS NULL".to_string(),
            "DELETE FROM bank_responses WHERE id IN (SELECT id FROM bank_responses WHERE disbursed_at IS NULL
               AND credit_granted_at IS NOT NULL ORDER BY id LIMIT 5)".to_string(),
        ] {
            conn.execute_unprepared(&sql).await.unwrap();
            agree(&app, &admin, &sql).await;
        }
    }
}
