//! GraphQL over WebSocket (`/graphql/ws`, `graphql-transport-ws`): a socket needs a valid access token from its
//! first message and lasts as long as a token does; it serves subscriptions only; an over-large message
//! closes it unread.

use std::time::{Duration, Instant};

use chrono::Utc;
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use xyd_tests::fixtures::{POST_DEMAND, demand_input, uscc};
use xyd_tests::{Backend, TestApp};

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

const WAIT: Duration = Duration::from_secs(10);

async fn connect(app: &TestApp) -> Socket {
    let mut request = format!("{}/graphql/ws", app.base_url.replacen("http", "ws", 1)).into_client_request().unwrap();
    request.headers_mut().insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse().unwrap());
    tokio_tungstenite::connect_async(request).await.unwrap().0
}

async fn send(ws: &mut Socket, message: &Value) {
    ws.send(Message::Text(message.to_string().into())).await.unwrap();
}

fn init(token: &str) -> Value {
    json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } })
}

fn ping_with(token: &str) -> Value {
    json!({ "type": "ping", "payload": { "authorization": format!("Bearer {token}") } })
}

/// The next protocol message; fails if the socket closes first or nothing comes within ten seconds.
async fn next_message(ws: &mut Socket) -> Value {
    tokio::time::timeout(WAIT, async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Text(text))) => return serde_json::from_str::<Value>(&text).unwrap(),
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                other => panic!("expected a protocol message, got {other:?}"),
            }
        }
    })
    .await
    .expect("a message within 10 s")
}

/// The code the server closes the socket with (`None`: closed without a close frame); fails on any protocol
/// message before the close, or when the socket stays open ten seconds.
async fn closed_with(ws: &mut Socket) -> Option<u16> {
    tokio::time::timeout(WAIT, async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
                Some(Ok(Message::Text(text))) => panic!("a message instead of the close: {text}"),
                Some(Ok(_)) => {}
                Some(Err(e)) => panic!("the socket failed instead of closing: {e}"),
                None => return None,
            }
        }
    })
    .await
    .expect("the server closes the socket within 10 s")
}

/// A socket past `connection_init` with `token`.
async fn open(app: &TestApp, token: &str) -> Socket {
    let mut ws = connect(app).await;
    send(&mut ws, &init(token)).await;
    assert_eq!(next_message(&mut ws).await["type"], "connection_ack");
    ws
}

/// A token of the user of `token`, issued by the application's token service (as `login` and
/// `refreshSession` issue them) as if at `at`.
fn token_at(app: &TestApp, token: &str, at: chrono::DateTime<Utc>) -> String {
    let principal = app.state.tokens.verify(token).unwrap();
    app.state.tokens.issue(&principal, at).unwrap()
}

async fn still_open(ws: &mut Socket) {
    send(ws, &json!({ "type": "ping" })).await;
    assert_eq!(next_message(ws).await["type"], "pong", "the socket is still open");
}

#[tokio::test]
async fn a_socket_needs_a_valid_token_from_its_first_message() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let admin = app.admin_token().await;
    let expired = token_at(&app, &admin, Utc::now() - chrono::Duration::hours(1));
    let refused = [
        json!({ "type": "connection_init" }),
        json!({ "type": "connection_init", "payload": {} }),
        init("not-a-token"),
        init(&format!("{admin}x")),
        init(&expired),
        json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { newOpportunities { id } }" } }),
        json!("connection_init"),
    ];
    for message in &refused {
        let mut ws = connect(&app).await;
        send(&mut ws, message).await;
        assert_eq!(closed_with(&mut ws).await, Some(4403), "{message}");
    }

    // A token can be refreshed in a ping, but only with a valid token of the same user.
    let (_, bank) = app.bank("另一家银行", "4408").await;
    for bad in ["not-a-token", bank.as_str()] {
        let mut ws = open(&app, &admin).await;
        send(&mut ws, &ping_with(bad)).await;
        assert_eq!(closed_with(&mut ws).await, Some(4403), "ping with {bad}");
    }
}

#[tokio::test]
async fn an_over_large_message_closes_the_socket_unanswered() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let admin = app.admin_token().await;
    let mut ws = open(&app, &admin).await;
    let huge = json!({ "id": "big", "type": "subscribe", "payload": {
        "query": "subscription { newOpportunities { id } }",
        "variables": { "padding": "a".repeat(7 * 1024 * 1024) } } });
    assert!(huge.to_string().len() > app.config.limits.json_body_bytes);
    let answer = tokio::time::timeout(WAIT, async {
        // The server stops reading at the frame header and closes (1009): the send itself may fail, and the
        // close frame may be lost to the reset of a connection closed with unread data.
        let _ = ws.send(Message::Text(huge.to_string().into())).await;
        loop {
            match ws.next().await {
                Some(Ok(Message::Text(text))) => return Some(text.to_string()),
                Some(Ok(Message::Close(_)) | Err(_)) | None => return None,
                Some(Ok(_)) => {}
            }
        }
    })
    .await
    .expect("the server closes the socket");
    assert_eq!(answer, None, "an over-large message is neither parsed nor answered");

    app.gql(None, "{ me { id } }", json!({})).await.ok();
    still_open(&mut open(&app, &admin).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queries_and_mutations_are_refused_and_the_socket_keeps_serving_subscriptions() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
    let (owner, _) = app.verified_enterprise(&bureau, &uscc(1), "雷州市订阅测试有限公司", "张三").await;
    let (_, bank) = app.lending_bank("订阅银行", "4408").await;
    let mut ws = open(&app, &bank).await;

    // `login` reads the client address; over the socket it is refused before anything runs.
    let login = r#"mutation { login(input: {email: "admin@xyd.test", password: "Admin12345"}) { accessToken } }"#;
    for (id, query) in [("login", login), ("me", "{ me { id } }"), ("named", "query Me { me { id } }")] {
        send(&mut ws, &json!({ "id": id, "type": "subscribe", "payload": { "query": query } })).await;
        let answer = next_message(&mut ws).await;
        assert_eq!(answer["type"], "next", "{answer}");
        assert_eq!(answer["id"], id);
        let error = &answer["payload"]["errors"][0];
        assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{answer}");
        assert_eq!(error["extensions"]["reason"], "SUBSCRIPTIONS_ONLY");
        assert!(error["message"].as_str().unwrap().contains("HTTP POST /graphql"), "{answer}");
        assert!(answer["payload"]["data"].is_null(), "{answer}");
        assert_eq!(next_message(&mut ws).await, json!({ "id": id, "type": "complete" }));
    }

    // The same socket still serves a subscription.
    let subscribe = json!({ "id": "feed", "type": "subscribe",
                            "payload": { "query": "subscription { newOpportunities { id amount } }" } });
    send(&mut ws, &subscribe).await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let posted = app.gql(Some(&owner), POST_DEMAND, demand_input(&[])).await;
    posted.ok();
    let next = next_message(&mut ws).await;
    assert_eq!(next["type"], "next", "{next}");
    assert_eq!(next["id"], "feed");
    assert_eq!(next["payload"]["data"]["newOpportunities"]["id"], posted.str_at("/data/postDemand/id"));
}

#[tokio::test]
async fn the_socket_closes_when_its_token_expires() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.auth.access_ttl_secs = 2).await.unwrap();
    let admin = app.admin_token().await;
    let opened = Instant::now();
    // Expires between one and two seconds from now (`exp` is in whole seconds).
    let mut ws = open(&app, &token_at(&app, &admin, Utc::now())).await;
    still_open(&mut ws).await;
    assert_eq!(closed_with(&mut ws).await, Some(4401));
    assert!(opened.elapsed() >= Duration::from_millis(900), "closed at the expiry, not before");
}

#[tokio::test]
async fn a_fresh_token_in_a_ping_keeps_the_socket_open_until_it_expires() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.auth.access_ttl_secs = 2).await.unwrap();
    let admin = app.admin_token().await;
    let start = Utc::now();
    // The first token expires by start + 2 s; the fresh one, issued as if three seconds later, after
    // start + 4 s: a whole second of margin on both sides of the check below.
    let mut ws = open(&app, &token_at(&app, &admin, start)).await;
    let fresh = token_at(&app, &admin, start + chrono::Duration::seconds(3));
    send(&mut ws, &ping_with(&fresh)).await;
    assert_eq!(next_message(&mut ws).await["type"], "pong", "the pong follows the refresh");

    let past_first_expiry = start + chrono::Duration::seconds(3);
    tokio::time::sleep((past_first_expiry - Utc::now()).to_std().unwrap_or_default()).await;
    still_open(&mut ws).await;
    assert_eq!(closed_with(&mut ws).await, Some(4401), "it closes when the fresh token expires");
    assert!(Utc::now() >= start + chrono::Duration::seconds(4), "not before the fresh token's expiry");
}

#[tokio::test]
async fn open_sockets_count_against_the_connection_cap_of_their_address() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.server.connections_per_ip = 2).await.unwrap();
    // A token minted directly: no HTTP connection of the harness may hold a slot.
    let principal = xinyidai::auth::Principal {
        user_id: xyd_domain::UserId::new(),
        role: xyd_domain::Role::Bank,
        institution_id: Some(xyd_domain::InstitutionId::new()),
        subject_id: None,
        session_id: uuid::Uuid::now_v7(),
    };
    let bank = app.state.tokens.issue(&principal, Utc::now()).unwrap();
    let mut sockets = Vec::new();
    for _ in 0..2 {
        let mut ws = connect(&app).await;
        send(&mut ws, &init(&bank)).await;
        assert_eq!(next_message(&mut ws).await["type"], "connection_ack");
        sockets.push(ws);
    }
    // Both slots are held by the upgraded sockets: a third connection is closed on accept.
    let fresh = || reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
    let refused = fresh().get(app.url("/healthz")).send().await;
    assert!(refused.is_err(), "a third connection got through: {refused:?}");
    drop(sockets);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(fresh().get(app.url("/healthz")).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn notification_added_carries_the_signed_in_users_own_notifications_only() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
    let (owner, _) = app.verified_enterprise(&bureau, &uscc(1), "雷州市消息订阅有限公司", "张三").await;
    let (other, _) = app.verified_enterprise(&bureau, &uscc(2), "雷州市旁观者有限公司", "李四").await;
    let (_, bank) = app.lending_bank("消息银行", "4408").await;
    let mine = app.gql(Some(&owner), POST_DEMAND, demand_input(&[])).await.str_at("/data/postDemand/id").to_string();
    let theirs = app.gql(Some(&other), POST_DEMAND, demand_input(&[])).await.str_at("/data/postDemand/id").to_string();
    let mut ws = open(&app, &owner).await;
    let subscribe = json!({ "id": "inbox", "type": "subscribe",
                            "payload": { "query": "subscription { notificationAdded { kind title demand { id } } }" } });
    send(&mut ws, &subscribe).await;
    tokio::time::sleep(Duration::from_millis(1000)).await;

    let accept = "mutation($d: ID!) { acceptDemand(demandId: $d) { id } }";
    app.gql(Some(&bank), accept, json!({ "d": theirs })).await.ok();
    app.gql(Some(&bank), accept, json!({ "d": mine })).await.ok();
    let next = next_message(&mut ws).await;
    assert_eq!(next["type"], "next", "{next}");
    let added = &next["payload"]["data"]["notificationAdded"];
    assert_eq!(added["kind"], "DEMAND_ACCEPTED", "{next}");
    assert_eq!(added["demand"]["id"], json!(mine), "the other enterprise's notification is not pushed here");
}
