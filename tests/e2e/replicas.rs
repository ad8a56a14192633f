//! Two replicas of the API on one PostgreSQL database and one Meilisearch: what one replica writes, the other
//! serves — live events, rate limits, scheduled jobs, the product catalogue. (SQLite is one process per file.)

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use xyd_tests::fixtures::{POST_DEMAND, demand_input, product_input, uscc};
use xyd_tests::{Backend, TestApp};

const MATCH: &str = "query($d: ID!) { matchProducts(demandId: $d, first: 20) { product { id } eligible } }";

/// A bank's `newOpportunities` subscription on `app`, acknowledged and subscribed.
async fn subscribe(app: &TestApp, bank: &str) -> impl StreamExt<Item = Value> + Unpin {
    let mut request = format!("{}/graphql/ws", app.base_url.replacen("http", "ws", 1)).into_client_request().unwrap();
    request.headers_mut().insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let init = json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {bank}") } });
    ws.send(Message::Text(init.to_string().into())).await.unwrap();
    let subscribe =
        json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { newOpportunities { id } }" } });
    ws.send(Message::Text(subscribe.to_string().into())).await.unwrap();
    let mut messages = Box::pin(ws.filter_map(|m| async move {
        match m {
            Ok(Message::Text(text)) => serde_json::from_str::<Value>(&text).ok(),
            _ => None,
        }
    }));
    let ack = tokio::time::timeout(Duration::from_secs(10), messages.next()).await.unwrap().unwrap();
    assert_eq!(ack["type"], "connection_ack");
    // The subscription is registered once its first poll ran; give the server a moment.
    tokio::time::sleep(Duration::from_millis(300)).await;
    messages
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_on_one_database_act_as_one_platform() {
    let Some(a) = TestApp::spawn(Backend::Postgres).await else { return };
    let b = a.replica().await;
    let (_, bureau) = a.bureau("雷州市发改局", "440882").await;
    let code = uscc(1);
    let (owner, _) = a.verified_enterprise(&bureau, &code, "雷州市副本测试有限公司", "张三").await;

    // A product published through A is found and matched through B.
    let (_, bank) = a.bank("雷州副本银行", "4408").await;
    let product = a.published_product(&bank, product_input("副本信易贷", "经营周转，纯信用")).await;
    a.wait_indexed().await;
    assert_eq!(b.product_ids(Some("副本信易贷"), json!({})).await, std::slice::from_ref(&product));
    // B keeps its answer to a repeated search; a product published through A still shows on B's next search.
    for _ in 0..3 {
        b.product_ids(Some("副本信易贷"), json!({})).await;
    }
    assert!(b.metric("xyd_search_answers_reused_total").await >= 1.0);
    let second = a.published_product(&bank, product_input("副本信易贷二号", "经营周转，纯信用")).await;
    a.wait_indexed().await;
    let mut both = b.product_ids(Some("副本信易贷"), json!({})).await;
    both.sort();
    let mut expected = vec![product.clone(), second];
    expected.sort();
    assert_eq!(both, expected, "B asks the engine again once the catalogue changed through A");

    // A bank subscribed on B hears of a demand posted through A within a second.
    let mut opportunities = subscribe(&b, &bank).await;
    let posted = a.gql(Some(&owner), POST_DEMAND, demand_input(&[])).await;
    let demand = posted.str_at("/data/postDemand/id").to_string();
    let heard = tokio::time::timeout(Duration::from_secs(1), opportunities.next())
        .await
        .expect("the demand reaches the subscriber on the other replica within a second")
        .unwrap();
    assert_eq!(heard["payload"]["data"]["newOpportunities"]["id"], demand.as_str(), "{heard}");
    let matched = b.gql(Some(&owner), MATCH, json!({ "d": demand })).await;
    let ids: Vec<&str> = matched
        .at("/data/matchProducts")
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["product"]["id"].as_str())
        .collect();
    assert!(ids.contains(&product.as_str()), "B matches the product published through A: {:#}", matched.body);

    // 30 wrong passwords for one account, alternating between the replicas: 5 are checked, the rest refused.
    let email = "victim@bank.test";
    let attempts = (0..30).map(|i| {
        let replica = if i % 2 == 0 { &a } else { &b };
        replica.login(email, "wrong-password-0")
    });
    let answers = futures::future::join_all(attempts).await;
    let codes: Vec<String> =
        answers.iter().map(|r| r.body["errors"][0]["extensions"]["code"].as_str().unwrap_or("").to_string()).collect();
    assert_eq!(codes.iter().filter(|c| *c == "UNAUTHENTICATED").count(), 5, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| *c == "RATE_LIMITED").count(), 25, "{codes:?}");

    // Expiry on both replicas at once closes each expired demand once.
    for _ in 0..30 {
        a.gql(Some(&owner), POST_DEMAND, demand_input(&[])).await.ok();
    }
    let db = a.db().conn();
    let past = chrono::Utc::now() - chrono::Duration::days(1);
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        "UPDATE demands SET expires_at = $1",
        [past.into()],
    ))
    .await
    .unwrap();
    let run = |app: &TestApp| {
        let state = app.state.clone();
        async move {
            xinyidai::jobs::exclusively(&state.db, xinyidai::demands::EXPIRY_JOB, || {
                xinyidai::demands::close_expired(&state)
            })
            .await
            .unwrap()
        }
    };
    let (on_a, on_b) = tokio::join!(run(&a), run(&b));
    assert_eq!(on_a.unwrap_or(0) + on_b.unwrap_or(0), 31, "each demand is closed by one run: {on_a:?} {on_b:?}");
    let closed = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM demands WHERE status = 'EXPIRED'",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(closed.try_get::<i64>("", "n").unwrap(), 31);
}

/// The names the search `收听经营贷` shows on `app` (the rows come from its catalogue, the ids from the engine).
async fn names(app: &TestApp) -> Vec<String> {
    let found = app.gql(None, r#"{ products(query: "收听经营贷") { nodes { name } } }"#, json!({})).await;
    found
        .at("/data/products/nodes")
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap().to_string())
        .collect()
}

/// Run `sql` in another session, as another replica's write would be.
async fn elsewhere(app: &TestApp, sql: &str) {
    app.db().conn().execute_unprepared(sql).await.unwrap();
}

/// Poll `names` until it shows `name`, for at most ten seconds.
async fn shows(app: &TestApp, name: &str) {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while names(app).await != [name] {
        assert!(std::time::Instant::now() < deadline, "the search never showed {name}: {:?}", names(app).await);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The listener's backend, as PostgreSQL lists it.
async fn listener_pid(app: &TestApp) -> Option<i32> {
    let db = app.db().conn();
    let sql = "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'";
    let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap();
    row.map(|r| r.try_get::<i32>("", "pid").unwrap())
}

// A replica hears the catalogue move (NOTIFY) instead of reading where it stands before every search. A change
// committed elsewhere shows once heard; with the listener's connection cut, a change made meanwhile is not
// missed (the search reads for itself until the listener is back and has read what it missed), and changes are
// heard again after.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_hears_the_catalogue_move_and_misses_nothing_while_its_listener_reconnects() {
    let Some(app) = TestApp::spawn(Backend::Postgres).await else { return };
    let (_, bank) = app.bank("雷州收听银行", "4408").await;
    let product = app.published_product(&bank, product_input("收听经营贷", "经营周转")).await;
    app.wait_indexed().await;
    assert!(app.state.product_search.hears(), "on PostgreSQL the replica listens from the start");
    assert_eq!(names(&app).await, ["收听经营贷"]);

    elsewhere(&app, &format!("UPDATE products SET name = '收听经营贷（一）' WHERE id = '{product}'")).await;
    shows(&app, "收听经营贷（一）").await;

    let cut = listener_pid(&app).await.expect("the listener's connection");
    elsewhere(&app, &format!("SELECT pg_terminate_backend({cut})")).await;
    elsewhere(&app, &format!("UPDATE products SET name = '收听经营贷（二）' WHERE id = '{product}'")).await;
    shows(&app, "收听经营贷（二）").await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !(listener_pid(&app).await.is_some_and(|pid| pid != cut) && app.state.product_search.hears()) {
        assert!(std::time::Instant::now() < deadline, "the listener did not come back");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    elsewhere(&app, &format!("UPDATE products SET name = '收听经营贷（三）' WHERE id = '{product}'")).await;
    shows(&app, "收听经营贷（三）").await;
}
