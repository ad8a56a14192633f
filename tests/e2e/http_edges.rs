//! Hostile and malformed HTTP requests never produce a 5xx; health, readiness and metrics answer.

use serde_json::json;
use xyd_tests::{Backend, TestApp};

async fn app() -> TestApp {
    TestApp::spawn(Backend::Sqlite).await.unwrap()
}

async fn post_raw(app: &TestApp, content_type: &str, body: Vec<u8>, accept: &str) -> (u16, String, serde_json::Value) {
    let r = app
        .http
        .post(app.url("/graphql"))
        .header("content-type", content_type)
        .header("accept", accept)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let media = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let text = r.text().await.unwrap();
    (status, media, serde_json::from_str(&text).unwrap_or(serde_json::Value::Null))
}

#[tokio::test]
async fn malformed_and_oversized_requests_are_client_errors() {
    let app = app().await;
    let modern = "application/graphql-response+json";
    let (status, media, body) = post_raw(&app, "application/json", b"{\"query\": ".to_vec(), modern).await;
    assert_eq!(status, 400);
    assert!(media.starts_with(modern));
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");

    let (status, ..) = post_raw(&app, "application/json", b"[1,2".to_vec(), modern).await;
    assert_eq!(status, 400);
    let (status, ..) = post_raw(&app, "application/json", b"{\"query\": 5}".to_vec(), modern).await;
    assert_eq!(status, 400);
    let (status, ..) = post_raw(&app, "text/plain", b"{ me { id } }".to_vec(), modern).await;
    assert_eq!(status, 415);

    let huge =
        format!("{{\"query\": \"{{ me {{ id }} }}\", \"variables\": {{\"x\": \"{}\"}}}}", "a".repeat(5 * 1024 * 1024));
    let (status, _, body) = post_raw(&app, "application/json", huge.into_bytes(), modern).await;
    assert_eq!(status, 413);
    assert_eq!(body["errors"][0]["extensions"]["reason"], "PAYLOAD_TOO_LARGE");
}

#[tokio::test]
async fn batches_are_refused_clearly() {
    let app = app().await;
    let batch = json!([{ "query": "{ me { id } }" }, { "query": "{ me { id } }" }]).to_string();
    let (status, _, body) = post_raw(&app, "application/json", batch.into_bytes(), "application/json").await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["extensions"]["reason"], "BATCH_NOT_SUPPORTED");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("批量"));
}

#[tokio::test]
async fn deep_and_invalid_queries_are_request_errors() {
    let app = app().await;
    let deep = format!("{{ me {}{} }}", "{ institution ".repeat(19), "}".repeat(19));
    for query in [deep.as_str(), "{ nosuchfield }", "{ me { id "] {
        let body = json!({ "query": query }).to_string().into_bytes();
        let (status, _, body) =
            post_raw(&app, "application/json", body.clone(), "application/graphql-response+json").await;
        assert_eq!(status, 400, "{query}: {body}");
        assert!(body.get("data").is_none(), "a request error has no data entry");
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        let (legacy_status, media, _) =
            post_raw(&app, "application/json", body.to_string().into_bytes(), "application/json").await;
        assert!(legacy_status < 500);
        assert!(media.starts_with("application/json"));
    }
}

/// A document the strict validation has passed runs in the fast mode with variables the gate finds certainly
/// valid; invalid variables sent with the same text afterwards are still request errors, worded as before.
#[tokio::test]
async fn a_validated_document_with_invalid_variables_is_still_a_request_error() {
    let app = app().await;
    let query = "query($f: ProductFilter, $n: Int!) { products(filter: $f, first: $n) { totalCount } }";
    let send = |variables: serde_json::Value| {
        let body = json!({ "query": query, "variables": variables }).to_string().into_bytes();
        post_raw(&app, "application/json", body, "application/graphql-response+json")
    };
    let (strict_status, _, strict) = send(json!({ "f": { "subjectKind": "NOBODY" }, "n": 5 })).await;
    for variables in [json!({ "n": 5 }), json!({ "f": { "subjectKind": "ENTERPRISE" }, "n": 5 })] {
        let (status, _, body) = send(variables.clone()).await;
        assert_eq!(status, 200, "{variables}: {body}");
        assert!(body["data"]["products"]["totalCount"].is_number(), "{body}");
    }
    for (variables, wording) in [
        (json!({ "f": { "subjectKind": "NOBODY" }, "n": 5 }), "NOBODY"),
        (json!({ "f": { "noSuchField": 1 }, "n": 5 }), "noSuchField"),
        (json!({ "n": "five" }), "Int"),
    ] {
        let (status, _, body) = send(variables.clone()).await;
        assert_eq!(status, 400, "{variables}: {body}");
        assert!(body.get("data").is_none(), "{variables}: a request error has no data entry");
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        assert!(body["errors"][0]["message"].as_str().unwrap().contains(wording), "{body}");
    }
    let (status, _, again) = send(json!({ "f": { "subjectKind": "NOBODY" }, "n": 5 })).await;
    assert_eq!((status, again), (strict_status, strict), "the same refusal as before the document was validated");
}

#[tokio::test]
async fn health_readiness_and_metrics_answer() {
    let app = app().await;
    let health = app.http.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let ready: serde_json::Value = app.http.get(app.url("/readyz")).send().await.unwrap().json().await.unwrap();
    assert_eq!(ready, json!({ "database": "ok", "search": "ok" }));
    app.gql(None, "{ nosuchfield }", json!({})).await;
    let metrics = app.http.get(app.metrics_url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("xyd_http_requests_total{route=\"/graphql\",status=\"200\"}"), "{metrics}");
    assert!(metrics.contains("xyd_graphql_errors_total{code=\"BAD_USER_INPUT\"}"), "{metrics}");
    assert!(metrics.contains("xyd_http_request_duration_seconds_bucket"));
    let graphiql = app.http.get(app.url("/graphql")).send().await.unwrap();
    assert_eq!(graphiql.status(), 200);
    assert!(graphiql.text().await.unwrap().contains("graphiql"));
}

#[tokio::test]
async fn readiness_reports_search_down_without_failing() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.search.url = "http://127.0.0.1:9".into()).await.unwrap();
    let r = app.http.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["search"], "unavailable");
}

/// GraphiQL works offline: the page references only this server, and every asset it references is served.
#[tokio::test]
async fn graphiql_and_every_asset_it_references_come_from_the_server() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let page = app.http.get(app.url("/graphql")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let references: Vec<&str> = ["src=\"", "href=\""]
        .iter()
        .flat_map(|attr| html.split(attr).skip(1).filter_map(|rest| rest.split('"').next()))
        .collect();
    assert!(references.len() >= 5, "the stylesheet and four scripts: {references:?}");
    for reference in references {
        assert!(reference.starts_with('/') && !reference.starts_with("//"), "{reference} is not on this server");
        let asset = app.http.get(app.url(reference)).send().await.unwrap();
        assert_eq!(asset.status(), 200, "{reference}");
        let kind = asset.headers()["content-type"].to_str().unwrap().to_string();
        assert!(kind.starts_with("text/css") || kind.starts_with("text/javascript"), "{reference}: {kind}");
        let body = asset.bytes().await.unwrap();
        assert!(!body.is_empty(), "{reference}");
        let text = String::from_utf8_lossy(&body);
        assert!(!text.contains("unpkg.com") && !text.contains("cdn.jsdelivr"), "{reference} loads from a CDN");
    }
    assert_eq!(app.http.get(app.url("/graphiql/nope.js")).send().await.unwrap().status(), 404);
}

#[tokio::test]
async fn public_queries_over_get_are_cacheable_and_mutations_over_get_are_refused() {
    let app = app().await;
    let get = |query: &str, headers: Vec<(&'static str, String)>| {
        let mut request = app.http.get(app.url("/graphql")).query(&[("query", query)]);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        request.send()
    };
    // A public query: cacheable, with an ETag that answers 304 when the client has it.
    let r = get("{ region(code: \"440882111\") { name } }", vec![]).await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "public, max-age=60");
    let etag = r.headers()["etag"].to_str().unwrap().to_string();
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["data"]["region"]["name"], "调风镇");
    let again = get("{ region(code: \"440882111\") { name } }", vec![("if-none-match", etag.clone())]).await.unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
    // Variables and the operation name travel as query parameters too.
    let r = app
        .http
        .get(app.url("/graphql"))
        .query(&[
            ("query", "query A($c: String!) { region(code: $c) { name } } query B { regions { code } }"),
            ("variables", "{\"c\": \"440882105\"}"),
            ("operationName", "A"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["data"]["region"]["name"], "企水镇");
    // A signed-in answer is private.
    let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
    let r = get("{ me { email } }", vec![("authorization", format!("Bearer {bureau}"))]).await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "private, no-store");
    // A mutation over GET changes nothing: 405, Allow: POST (also when another operation is a query).
    let login = "mutation { login(input: {email: \"x@y.test\", password: \"Secret123\"}) { accessToken } }";
    let r = get(login, vec![("accept", "application/graphql-response+json".into())]).await.unwrap();
    assert_eq!(r.status(), 405);
    assert_eq!(r.headers()["allow"], "POST");
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["reason"], "GET_NOT_ALLOWED");
    let r = app
        .http
        .get(app.url("/graphql"))
        .query(&[
            ("query", format!("query Q {{ regions {{ code }} }} {}", login.replacen("mutation", "mutation M", 1))),
            ("operationName", "M".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
    // A query string that is not a request.
    let r = app.http.get(app.url("/graphql?query={regions{code}}&variables=notjson")).send().await.unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn the_graphql_over_http_audit_passes_every_must() {
    let Some(tools) = xyd_tests::npm_tools() else { return };
    let app = app().await;
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("audit/graphql-http.cjs");
    let out = tokio::process::Command::new("node")
        .arg(script)
        .arg(app.url("/graphql"))
        .env("NODE_PATH", tools.join("node_modules"))
        .output()
        .await
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "graphql-http audit:\n{report}{}", String::from_utf8_lossy(&out.stderr));
    assert!(report.lines().filter(|l| l.starts_with("ok\tMUST")).count() > 10, "{report}");
}
