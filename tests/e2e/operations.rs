//! Operations: metrics are served on their own address (or to a bearer of the metrics token), production
//! hides the schema from introspection, and the API talks to Meilisearch with a key scoped to its index prefix.

use serde_json::{Value, json};
use xinyidai::config::{Config, Environment, Secret};
use xyd_domain::product::ProductFilter;
use xyd_tests::fixtures::product_input;
use xyd_tests::{Backend, TestApp};

const INTROSPECTION: &str = "{ __schema { queryType { name } } }";

/// What production requires of the configuration (the harness's JWT secret reads as a placeholder there).
fn production(c: &mut Config) {
    c.environment = Environment::Production;
    c.auth.jwt_secret = Secret::new("9c41f0d27b8e35a6c1d94e7f20b3a85d6e1c7f94b02a3d58");
    c.crypto.data_key = Secret::new("ab".repeat(32));
}

#[tokio::test]
async fn metrics_are_served_on_their_own_address_and_not_on_the_api() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    app.gql(None, "{ __typename }", json!({})).await.ok();

    let on_api = app.http.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(on_api.status(), 404, "the API address does not serve metrics");

    let scraped = app.http.get(app.metrics_url("/metrics")).send().await.unwrap();
    assert_eq!(scraped.status(), 200);
    let media = scraped.headers()["content-type"].to_str().unwrap().to_string();
    assert!(media.starts_with("text/plain"), "{media}");
    let text = scraped.text().await.unwrap();
    assert!(text.contains("xyd_http_requests_total{route=\"/graphql\",status=\"200\"}"), "{text}");
    assert!(text.contains("# TYPE"), "Prometheus text format: {text}");

    let health = app.http.get(app.metrics_url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let graphql =
        app.http.post(app.metrics_url("/graphql")).json(&json!({ "query": "{ __typename }" })).send().await.unwrap();
    assert_eq!(graphql.status(), 404, "the metrics address serves nothing of the API");
}

#[tokio::test]
async fn with_a_metrics_token_the_api_address_serves_metrics_to_its_bearer_only() {
    const TOKEN: &str = "scrape-7d1e0c94b3a2f58e";
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.metrics.token = Secret::new(TOKEN)).await.unwrap();
    let anonymous = app.http.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let wrong = app.http.get(app.url("/metrics")).bearer_auth("scrape-7d1e0c94b3a2f58f").send().await.unwrap();
    assert_eq!(wrong.status(), 401);
    let bearer = app.http.get(app.url("/metrics")).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(bearer.status(), 200);
    assert!(bearer.text().await.unwrap().contains("xyd_http_request"));
}

#[tokio::test]
async fn production_refuses_introspection_unless_the_configuration_allows_it() {
    let closed = TestApp::spawn_with(Backend::Sqlite, production).await.unwrap();
    let r = closed.gql(None, INTROSPECTION, json!({})).await;
    assert!(r.at("/data/__schema").is_null(), "{:#}", r.body);
    let r = closed.gql(None, "{ __type(name: \"Query\") { name fields { name } } }", json!({})).await;
    assert!(r.at("/data/__type").is_null(), "{:#}", r.body);
    let r = closed.gql(None, "{ __typename }", json!({})).await;
    r.ok();
    assert_eq!(r.str_at("/data/__typename"), "Query", "ordinary queries still answer");
    drop(closed);

    let open = TestApp::spawn_with(Backend::Sqlite, |c| {
        production(c);
        c.graphql.introspection = Some(true);
    })
    .await
    .unwrap();
    let r = open.gql(None, INTROSPECTION, json!({})).await;
    r.ok();
    assert_eq!(r.str_at("/data/__schema/queryType/name"), "Query");
    drop(open);

    let development = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let r = development.gql(None, INTROSPECTION, json!({})).await;
    r.ok();
    assert_eq!(r.str_at("/data/__schema/queryType/name"), "Query", "on by default in development");
}

/// Ask Meilisearch directly, with `key`.
async fn meili(app: &TestApp, key: &str, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut request = app.http.request(method, format!("{}{path}", app.config.search.url)).bearer_auth(key);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_talks_to_meilisearch_with_a_key_scoped_to_its_prefix() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let master = app.config.search.master_key.expose().to_string();
    let key = app.state.search.api_key().expect("the application authenticates").to_string();
    assert_ne!(key, master, "the master key is only for setting the key up");

    let (status, described) = meili(&app, &master, reqwest::Method::GET, &format!("/keys/{key}"), None).await;
    assert_eq!(status, 200, "{described}");
    assert_eq!(described["indexes"], json!([format!("{}_*", app.config.search.index_prefix)]));
    let actions: Vec<&str> = described["actions"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
    assert!(actions.iter().all(|a| *a != "*" && !a.starts_with("keys.")), "{actions:?}");

    // Another deployment's index, made with the master key, is out of the key's reach.
    let other = format!("t{}_products", uuid::Uuid::now_v7().simple());
    let create = json!({ "uid": other, "primaryKey": "id" });
    let (status, task) = meili(&app, &master, reqwest::Method::POST, "/indexes", Some(create)).await;
    assert_eq!(status, 202, "{task}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let (_, t) = meili(&app, &master, reqwest::Method::GET, &format!("/tasks/{}", task["taskUid"]), None).await;
        if t["status"] == "succeeded" {
            break;
        }
        assert!(t["status"] != "failed" && std::time::Instant::now() < deadline, "{t}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let documents = format!("/indexes/{other}/documents");
    assert_eq!(meili(&app, &master, reqwest::Method::GET, &documents, None).await.0, 200);
    assert_eq!(meili(&app, &key, reqwest::Method::GET, &documents, None).await.0, 403);
    assert_eq!(meili(&app, &key, reqwest::Method::GET, "/keys", None).await.0, 403, "it cannot manage keys");
    let _ = meili(&app, &master, reqwest::Method::DELETE, &format!("/indexes/{other}"), None).await;

    // With it, the relay indexes, search is served by Meilisearch (not the SQL fallback) and reindex swaps.
    let (_, bank) = app.bank("雷州农商银行", "4408").await;
    let id = app.published_product(&bank, product_input("范围密钥产品", "说明")).await;
    app.wait_indexed().await;
    let page = app.state.search.products().search(None, &ProductFilter::default(), 0, 10).await.unwrap();
    assert_eq!(page.ids, vec![id.clone()]);
    if let Err(e) = xinyidai::products::projection::reindex(&app.state).await {
        panic!("reindex with the scoped key: {}", e.message());
    }
    let page = app.state.search.products().search(None, &ProductFilter::default(), 0, 10).await.unwrap();
    assert_eq!(page.ids, vec![id.clone()]);
    assert_eq!(app.product_ids(Some("范围密钥产品"), json!({})).await, vec![id]);
}

#[tokio::test]
async fn the_search_key_is_set_up_once_per_prefix() {
    let first = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let prefix = first.config.search.index_prefix.clone();
    let key = first.state.search.api_key().unwrap().to_string();
    let again = TestApp::spawn_with(Backend::Sqlite, |c| c.search.index_prefix = prefix).await.unwrap();
    assert_eq!(again.state.search.api_key(), Some(key.as_str()), "a restart finds the same key");
}

#[tokio::test]
async fn a_configured_api_key_is_used_as_given_and_an_absent_meilisearch_does_not_stop_the_start() {
    let given = TestApp::spawn_with(Backend::Sqlite, |c| c.search.api_key = Secret::new("given-key")).await.unwrap();
    assert_eq!(given.state.search.api_key(), Some("given-key"));
    drop(given);

    let down = TestApp::spawn_with(Backend::Sqlite, |c| c.search.url = "http://127.0.0.1:9".into()).await.unwrap();
    assert_eq!(
        down.state.search.api_key(),
        Some(down.config.search.master_key.expose()),
        "without Meilisearch at start, the master key is kept"
    );
    let health = down.http.get(down.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
}
