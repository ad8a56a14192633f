//! Where introspection is answered, the introspection queries of graphql-js 16 and 17 and of graphql-core (with
//! their default options and with every option on) are answered whole, though they nest deeper than
//! `limits.query_depth`; ordinary queries still may not, and introspection that fans out over the schema again
//! and again is refused (`api/src/graphql/depth.rs`). The query texts and the versions that printed them:
//! `tests/e2e/introspection/README.md`.

use serde_json::{Value, json};
use xyd_tests::both_backends;

/// Each client's introspection query, byte for byte.
const CLIENT_QUERIES: [(&str, &str); 5] = [
    ("graphql-js 16.11.0", include_str!("introspection/graphql-js-16.11.0.graphql")),
    ("graphql-js 17.1.0", include_str!("introspection/graphql-js-17.1.0.graphql")),
    ("graphql-js 17.1.0, all options", include_str!("introspection/graphql-js-17.1.0-all-options.graphql")),
    ("graphql-core 3.3.2", include_str!("introspection/graphql-core-3.3.2.graphql")),
    ("graphql-core 3.3.2, all options", include_str!("introspection/graphql-core-3.3.2-all-options.graphql")),
];

/// `region(code) { parent { … { code } } }`: `levels` fields in all (a valid query an anonymous caller may send).
fn region_parents(levels: usize) -> String {
    let parents = levels - 2;
    format!("{{ region(code: \"440882100\") {}{{ code }}{} }}", "{ parent ".repeat(parents), " }".repeat(parents))
}

/// POST `query` as a client does (with its operation name), the status and the body.
async fn post(app: &xyd_tests::TestApp, query: &str) -> (u16, Value) {
    let request = json!({ "query": query, "operationName": "IntrospectionQuery", "variables": {} });
    let response = app.http.post(app.url("/graphql")).json(&request).send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

both_backends! {
    async fn every_clients_introspection_query_is_answered(app) {
        for (client, query) in CLIENT_QUERIES {
            let (status, body) = post(&app, query).await;
            assert!(body.get("errors").is_none(), "{client}: {body:#}");
            assert_eq!(status, 200, "{client}");
            let schema = &body["data"]["__schema"];
            assert_eq!(schema["queryType"]["name"], "Query", "{client}");
            assert_eq!(schema["mutationType"]["name"], "Mutation", "{client}");
            let types = schema["types"].as_array().unwrap();
            let query_type = types.iter().find(|t| t["name"] == "Query").unwrap();
            let fields: Vec<&str> =
                query_type["fields"].as_array().unwrap().iter().filter_map(|f| f["name"].as_str()).collect();
            assert!(fields.contains(&"products") && fields.contains(&"region"), "{client}: {fields:?}");
        }
    }
}

#[tokio::test]
async fn ordinary_queries_still_nest_at_most_the_depth_limit() {
    let Some(app) = xyd_tests::TestApp::spawn(xyd_tests::Backend::Sqlite).await else { return };
    assert_eq!(app.config.limits.query_depth, 12);
    let twelve = app.gql(None, &region_parents(12), json!({})).await;
    twelve.ok();
    assert!(twelve.at("/data/region/parent/parent").is_object(), "{:#}", twelve.body);

    let thirteen = app.gql(None, &region_parents(13), json!({})).await;
    assert!(thirteen.body.get("data").is_none(), "{:#}", thirteen.body);
    let error = &thirteen.body["errors"][0];
    assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT");
    assert_eq!((error["extensions"]["depth"].as_u64(), error["extensions"]["limit"].as_u64()), (Some(13), Some(12)));

    let through_fragment = format!("{{ ...R }} fragment R on Query {}", region_parents(13));
    let refused = app.gql(None, &through_fragment, json!({})).await;
    assert!(refused.body.get("data").is_none(), "fragments count as the fields they spread: {:#}", refused.body);
    assert_eq!(refused.body["errors"][0]["extensions"]["depth"], 13, "{:#}", refused.body);
}

#[tokio::test]
async fn introspection_that_fans_out_over_the_schema_again_is_refused() {
    let Some(app) = xyd_tests::TestApp::spawn(xyd_tests::Backend::Sqlite).await else { return };
    let twice = app.gql(None, "{ __type(name: \"Query\") { fields { type { fields { name } } } } }", json!({})).await;
    twice.ok();
    let thrice = "{ __schema { types { fields { type { possibleTypes { interfaces { name } } } } } } }";
    let refused = app.gql(None, thrice, json!({})).await;
    assert!(refused.body.get("data").is_none(), "{:#}", refused.body);
    let error = &refused.body["errors"][0]["extensions"];
    assert_eq!((&error["code"], &error["depth"], &error["limit"]), (&json!("BAD_USER_INPUT"), &json!(3), &json!(2)));
}
