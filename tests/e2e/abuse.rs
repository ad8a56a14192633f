//! Abuse resistance at the edges, through the real server: rate limits that hold under concurrency, request
//! cost with aliases, uploads refused before their body is read, forged cursors, proxies and slow clients.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use xyd_tests::fixtures::{REGISTER, registration, uscc};
use xyd_tests::{Backend, TestApp};

const LOGIN: &str = "mutation($e: String!) { login(input: {email: $e, password: \"Wrong12345\"}) { accessToken } }";
const MODERN: &str = "application/graphql-response+json";

/// Argon2 computations so far, from the application's metrics.
fn hashes(app: &TestApp) -> u64 {
    app.state
        .metrics
        .render()
        .lines()
        .find_map(|l| l.strip_prefix("xyd_password_hashes_total "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

async fn post(app: &TestApp, body: Value, headers: &[(&str, &str)]) -> (u16, Value) {
    let mut request = app.http.post(app.url("/graphql")).header("accept", MODERN).json(&body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let r = request.send().await.unwrap();
    let status = r.status().as_u16();
    let body = r.json().await.unwrap_or(Value::Null);
    xyd_tests::assert_reasons_conform(&body);
    (status, body)
}

/// Send raw request `head` (and nothing more) on a fresh connection; the status line of the answer, or None
/// when none came within `wait`.
async fn raw_status(app: &TestApp, head: &str, wait: Duration) -> Option<u16> {
    let addr = app.base_url.trim_start_matches("http://").to_string();
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut buf = vec![0u8; 1024];
    let n = tokio::time::timeout(wait, stream.read(&mut buf)).await.ok()?.ok()?;
    let text = String::from_utf8_lossy(&buf[..n]);
    text.split_whitespace().nth(1).and_then(|s| s.parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_wrong_passwords_hash_no_more_than_the_account_limit() {
    let app = Arc::new(TestApp::spawn(Backend::Sqlite).await.unwrap());
    let account = "victim@ent.test";
    app.gql(None, REGISTER, registration(&uscc(2), "雷州市目标有限公司", "李四", account)).await.ok();
    let before = hashes(&app);
    let attempts: Vec<_> = (0..30)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move { app.gql(None, LOGIN, json!({ "e": account })).await })
        })
        .collect();
    let mut limited = 0;
    for a in attempts {
        let r = a.await.unwrap();
        match r.error_code() {
            Some("RATE_LIMITED") => limited += 1,
            Some("UNAUTHENTICATED") => {}
            other => panic!("unexpected {other:?}: {:#}", r.body),
        }
    }
    let hashed = hashes(&app) - before;
    assert!(hashed <= 5, "{hashed} Argon2 checks ran for one account (limit 5)");
    assert_eq!(limited, 30 - hashed as usize);
}

#[tokio::test]
async fn aliased_password_mutations_and_registrations_per_address_are_limited() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.auth.registrations_per_ip = 3).await.unwrap();
    let before = hashes(&app);
    let aliases: String = (0..30)
        .map(|n| {
            format!(
                "r{n}: registerSubject(input: {{uscc: \"{}\", name: \"雷州市别名{n}有限公司\", kind: ENTERPRISE, \
                 regionCode: \"440882100\", legalRepName: \"张三\", email: \"a{n}@x.test\", password: \"Secret123\"}}) \
                 {{ accessToken }}",
                uscc(100 + n)
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    let (status, body) = post(&app, json!({ "query": format!("mutation {{ {aliases} }}") }), &[]).await;
    assert_eq!(status, 400, "{body:#}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "QUERY_TOO_EXPENSIVE");
    assert_eq!(body["errors"][0]["extensions"]["reason"], "TOO_MANY_PASSWORD_OPERATIONS");
    assert_eq!(hashes(&app), before, "not one alias ran");

    // One registration a request, and a few per address.
    for n in 0..3 {
        app.gql(None, REGISTER, registration(&uscc(200 + n), "雷州市限额有限公司", "张三", &format!("q{n}@x.test")))
            .await
            .ok();
    }
    let r = app.gql(None, REGISTER, registration(&uscc(210), "雷州市限额有限公司", "张三", "q9@x.test")).await;
    r.expect_error("RATE_LIMITED");
}

#[tokio::test]
async fn aliased_searches_are_refused_with_their_cost_and_forged_cursors_are_bad_input() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let aliases: String =
        (0..200).map(|n| format!("p{n}: products(first: 20) {{ nodes {{ id name }} }}")).collect::<Vec<_>>().join(" ");
    let (status, body) = post(&app, json!({ "query": format!("{{ {aliases} }}") }), &[]).await;
    assert_eq!(status, 400, "{body:#}");
    let err = &body["errors"][0];
    assert_eq!(err["extensions"]["code"], "QUERY_TOO_EXPENSIVE");
    let (cost, budget) = (err["extensions"]["cost"].as_u64().unwrap(), err["extensions"]["budget"].as_u64().unwrap());
    assert!(cost > budget);
    assert!(err["message"].as_str().unwrap().contains(&cost.to_string()), "the message names the cost");
    // Aliases hidden in a fragment count the same.
    let (status, body) =
        post(&app, json!({ "query": format!("{{ ...F }} fragment F on Query {{ {aliases} }}") }), &[]).await;
    assert_eq!(status, 400, "{body:#}");
    // An ordinary page is well inside the budget.
    let (status, body) =
        post(&app, json!({ "query": "{ products(first: 100) { totalCount nodes { id name bank { name } } } }" }), &[])
            .await;
    assert_eq!(status, 200, "{body:#}");

    use base64::Engine;
    let forge = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    for cursor in [forge("o:99999"), forge("o:7"), forge("x"), "!!".to_string()] {
        let r = app
            .gql(None, "query($a: String) { products(first: 20, after: $a) { totalCount } }", json!({ "a": cursor }))
            .await;
        r.expect_error("BAD_USER_INPUT");
        assert_eq!(r.str_at("/errors/0/extensions/field"), "after");
    }
    app.gql(None, "query($a: String) { products(first: 20, after: $a) { totalCount } }", json!({ "a": forge("o:20") }))
        .await
        .ok();
}

#[tokio::test]
async fn uploads_are_judged_before_their_body_is_read() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.limits.upload_body_bytes = 1024 * 1024).await.unwrap();
    let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
    let (_, bank) = app.bank("某银行", "4408").await;
    let head = |token: Option<&str>, length: usize| {
        let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
        format!(
            "POST /graphql HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: multipart/form-data; boundary=X\r\n\
             Content-Length: {length}\r\n\r\n--X\r\n"
        )
    };
    let big = 64 * 1024 * 1024;
    let started = Instant::now();
    assert_eq!(raw_status(&app, &head(None, big), Duration::from_secs(5)).await, Some(401), "anonymous");
    assert_eq!(raw_status(&app, &head(Some(&bank), big), Duration::from_secs(5)).await, Some(403), "a bank");
    assert_eq!(raw_status(&app, &head(Some(&bureau), big), Duration::from_secs(5)).await, Some(413), "too large");
    assert!(started.elapsed() < Duration::from_secs(5), "answered without waiting for 64 MB that never came");
    // Within the limit, a bureau's upload still works.
    app.import(
        &bureau,
        "REGISTRY",
        xyd_tests::fixtures::RegistryCsv::new().row(&uscc(1), "雷州市上传有限公司", "张三").bytes(),
    )
    .await
    .ok();
}

#[tokio::test]
async fn slow_bodies_time_out_and_requests_in_flight_are_capped_per_address() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.server.body_read_timeout_secs = 1;
        c.server.concurrent_requests_per_ip = 2;
    })
    .await
    .unwrap();
    let stalled = "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{";
    // A body that never arrives is answered when its deadline passes, not held for ever.
    let status = raw_status(&app, stalled, Duration::from_secs(5)).await;
    assert_eq!(status, Some(408));

    // Two stalled requests fill the address's slots; a third is refused at once; later ones get through.
    let addr = app.base_url.trim_start_matches("http://").to_string();
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut s = TcpStream::connect(&addr).await.unwrap();
        s.write_all(stalled.as_bytes()).await.unwrap();
        held.push(s);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(raw_status(&app, stalled, Duration::from_millis(900)).await, Some(429));
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (status, _) = post(&app, json!({ "query": "{ me { id } }" }), &[]).await;
    assert_eq!(status, 200, "the slots are given back when the stalled requests end");
    drop(held);
}

#[tokio::test]
async fn only_the_trusted_proxy_hops_decide_the_client_address() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.server.trusted_proxy_hops = 1;
        c.server.refusal_delay_ms = 300;
        c.auth.login_attempts_per_ip = 2;
    })
    .await
    .unwrap();
    let login = |n: usize| json!({ "query": LOGIN, "variables": { "e": format!("nobody{n}@x.test") } });
    // The client forges the left of the header; the proxy appends what it saw (the right).
    for n in 0..2 {
        post(&app, login(n), &[("x-forwarded-for", &format!("10.9.9.{n}, 203.0.113.5"))]).await;
    }
    let started = Instant::now();
    let (_, body) = post(&app, login(3), &[("x-forwarded-for", "10.9.9.77, 203.0.113.5")]).await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED", "{body:#}");
    assert!(started.elapsed() >= Duration::from_millis(300), "a refusal is held (tarpit) before it is answered");
    let (_, body) = post(&app, login(4), &[("x-forwarded-for", "203.0.113.6")]).await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "another client address");
}

#[tokio::test]
async fn slow_headers_are_cut_off_and_connections_are_capped_per_address() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.server.header_read_timeout_secs = 1;
        c.server.connections_per_ip = 3;
    })
    .await
    .unwrap();
    let addr = app.base_url.trim_start_matches("http://").to_string();
    // Headers that never finish: the connection is closed when their deadline passes.
    let mut slow = TcpStream::connect(&addr).await.unwrap();
    slow.write_all(b"POST /graphql HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let mut buf = [0u8; 256];
    let closed = tokio::time::timeout(Duration::from_secs(5), slow.read(&mut buf)).await;
    assert!(matches!(closed, Ok(Ok(_)) | Ok(Err(_))), "the server ended the connection within its deadline");

    // Three idle connections hold the address's slots: a fourth is closed at once.
    let mut idle = Vec::new();
    for _ in 0..3 {
        idle.push(TcpStream::connect(&addr).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut fourth = TcpStream::connect(&addr).await.unwrap();
    let _ = fourth.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await;
    let n =
        tokio::time::timeout(Duration::from_secs(2), fourth.read(&mut buf)).await.expect("closed, not left hanging");
    assert!(matches!(n, Ok(0) | Err(_)), "refused without an answer");
    drop(idle);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (status, _) = post(&app, json!({ "query": "{ me { id } }" }), &[]).await;
    assert_eq!(status, 200, "slots are given back when connections close");
}
