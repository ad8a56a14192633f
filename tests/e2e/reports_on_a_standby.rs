//! Reports on a read replica (`database.replica_url`, docs/deploy.md): the indicator report, the bank league and
//! the export read where `Db::reports` points, who may ask is read on the primary, and every answer says how
//! current it is (`asOf`). Here the "standby" is a second database, migrated and empty, so a figure that reaches a
//! report through it came from it; `scripts/replicas-drill.sh` runs the binary on a real streaming standby.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use xinyidai::config::Secret;
use xyd_tests::fixtures::{POST_DEMAND, demand_input, uscc};
use xyd_tests::{Backend, TestApp};

const REPORT: &str = "query($i: IndicatorQuery!) { indicators(input: $i) { asOf totals { registeredSubjects } } }";
const LEAGUE: &str = "query($i: IndicatorQuery!) { bankLeague(input: $i) { asOf bank { name } respondedDemands } }";
const ACCEPT: &str = "mutation($d: ID!) { acceptDemand(demandId: $d) { id } }";

/// The last thirty days and today (Asia/Shanghai).
fn recent() -> Value {
    let today = (Utc::now() + Duration::hours(8)).date_naive();
    json!({ "from": (today - Duration::days(30)).to_string(), "to": (today + Duration::days(1)).to_string() })
}

/// Registered subjects of the report over [`recent`], and its `asOf`.
async fn registered(app: &TestApp, bureau: &str) -> (i64, DateTime<Utc>) {
    let r = app.gql(Some(bureau), REPORT, json!({ "i": recent() })).await;
    r.ok();
    let as_of = r.str_at("/data/indicators/asOf").parse().expect("asOf is an RFC 3339 time");
    (r.at("/data/indicators/totals/registeredSubjects").as_i64().unwrap(), as_of)
}

/// The bank league over [`recent`].
async fn league(app: &TestApp, bureau: &str) -> Vec<Value> {
    let r = app.gql(Some(bureau), LEAGUE, json!({ "i": recent() })).await;
    r.ok();
    r.at("/data/bankLeague").as_array().unwrap().clone()
}

/// The CSV export over [`recent`]: its `X-Data-As-Of` and the 合计 row's registered subjects.
async fn exported(app: &TestApp, bureau: &str) -> (DateTime<Utc>, String) {
    let period = recent();
    let url = app.url(&format!(
        "/exports/indicators?from={}&to={}&format=csv",
        period["from"].as_str().unwrap(),
        period["to"].as_str().unwrap()
    ));
    let response = app.http.get(url).bearer_auth(bureau).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let as_of = response.headers()["x-data-as-of"].to_str().unwrap().parse().expect("an RFC 3339 time");
    let bytes = response.bytes().await.unwrap();
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let column = reader.headers().unwrap().iter().position(|h| h == "注册主体数").unwrap();
    let total = reader.records().last().unwrap().unwrap()[column].to_string();
    (as_of, total)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_read_the_standby_while_who_may_ask_is_read_on_the_primary() {
    let Some(primary) = TestApp::spawn(Backend::Postgres).await else { return };
    let standby = xyd_tests::postgres::create_database().await.unwrap();
    let url = xyd_tests::postgres::database_url(&standby);
    let routed = primary.replica_with(|c| c.database.replica_url = Secret::new(url)).await;
    // Everything below is written on the primary only: the bureau, a subject, a demand a bank took up.
    let (_, bureau) = primary.bureau("雷州市发改局", "440882").await;
    let (owner, _) = primary.verified_enterprise(&bureau, &uscc(1), "雷州市副本报表有限公司", "张三").await;
    let (_, bank) = primary.lending_bank("雷州副本银行", "4408").await;
    let posted = primary.gql(Some(&owner), POST_DEMAND, demand_input(&[])).await;
    posted.ok();
    primary.gql(Some(&bank), ACCEPT, json!({ "d": posted.str_at("/data/postDemand/id") })).await.ok();

    let asked = Utc::now();
    let (on_primary, primary_as_of) = registered(&primary, &bureau).await;
    assert_eq!(on_primary, 1);
    assert!(primary_as_of >= asked - Duration::seconds(1) && primary_as_of <= Utc::now(), "{primary_as_of}");
    let banks = league(&primary, &bureau).await;
    assert_eq!(banks.len(), 1, "the bank that took the demand up");
    assert!(banks[0]["asOf"].as_str().is_some_and(|t| t.parse::<DateTime<Utc>>().is_ok()), "{banks:?}");

    // Through the API with a standby: the bureau is let in (read on the primary), the figures are the standby's.
    let (on_standby, standby_as_of) = registered(&routed, &bureau).await;
    assert_eq!(on_standby, 0, "the report read the standby");
    assert!(standby_as_of <= Utc::now(), "{standby_as_of}");
    assert_eq!(league(&routed, &bureau).await, Vec::<Value>::new(), "the league read the standby");
    let (export_as_of, total) = exported(&routed, &bureau).await;
    assert_eq!(total, "0", "the export read the standby");
    assert!(export_as_of <= Utc::now(), "{export_as_of}");
    let (_, total) = exported(&primary, &bureau).await;
    assert_eq!(total, "1");
    drop(routed);
    xyd_tests::postgres::drop_database(&standby).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_ignores_the_replica_setting() {
    let nowhere = "postgres://postgres@127.0.0.1:1/nowhere";
    let Some(app) = TestApp::spawn_with(Backend::Sqlite, |c| c.database.replica_url = Secret::new(nowhere)).await
    else {
        return;
    };
    let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
    app.enterprise(&uscc(1), "雷州市单文件有限公司", "张三").await;
    let asked = Utc::now();
    let (registered, as_of) = registered(&app, &bureau).await;
    assert_eq!(registered, 1, "the report read the database file");
    assert!(as_of >= asked - Duration::seconds(1) && as_of <= Utc::now(), "one file: the answer is as of now");
    let (export_as_of, total) = exported(&app, &bureau).await;
    assert_eq!(total, "1");
    assert!(export_as_of >= asked - Duration::seconds(1) && export_as_of <= Utc::now(), "{export_as_of}");
}
