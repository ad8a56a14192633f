//! Relay connections: beside `totalCount` and `nodes`, every connection has `edges { cursor node }` and a
//! Relay `pageInfo` (forward pagination only), and an edge's cursor continues the list after it.

use serde_json::json;
use xyd_tests::fixtures::{product_input, uscc};
use xyd_tests::{GqlResponse, both_backends};

const PRODUCTS: &str = "query($a: String) { products(first: 1, after: $a) {
    totalCount edges { cursor node { id } } nodes { id }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }";

const QUEUE: &str = "query($a: String) { verificationQueue(first: 1, after: $a) {
    totalCount edges { cursor node { id } } nodes { id }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }";

/// A page of one item of the connection `field`, checked against the Relay shape: (the item's id, its
/// cursor, hasNextPage).
fn one_item_page(r: &GqlResponse, field: &str) -> (String, String, bool) {
    r.ok();
    let at = |pointer: &str| r.at(&format!("/data/{field}{pointer}")).clone();
    assert_eq!(at("/edges").as_array().map(Vec::len), Some(1), "one edge: {:#}", r.body);
    assert_eq!(at("/nodes").as_array().map(Vec::len), Some(1), "one node: {:#}", r.body);
    let id = at("/nodes/0/id");
    assert_eq!(at("/edges/0/node/id"), id, "edges and nodes hold the same item");
    let cursor = at("/edges/0/cursor");
    assert!(cursor.is_string(), "an edge has a cursor: {:#}", r.body);
    assert_eq!(at("/pageInfo/startCursor"), cursor, "startCursor is the first edge's cursor");
    assert_eq!(at("/pageInfo/endCursor"), cursor, "endCursor is the last edge's cursor");
    assert_eq!(at("/pageInfo/hasPreviousPage"), json!(false), "forward pagination only");
    let more = at("/pageInfo/hasNextPage").as_bool().expect("hasNextPage");
    (id.as_str().unwrap().to_string(), cursor.as_str().unwrap().to_string(), more)
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

both_backends! {
    async fn a_product_page_has_edges_whose_cursor_continues_the_search(app) {
        let (_, bank) = app.bank("雷州农商银行", "4408").await;
        let a = app.published_product(&bank, product_input("甲经营贷", "经营周转贷款")).await;
        let b = app.published_product(&bank, product_input("乙经营贷", "经营周转贷款")).await;
        app.wait_indexed().await;

        let first = app.gql(None, PRODUCTS, json!({ "a": null })).await;
        assert_eq!(first.at("/data/products/totalCount"), &json!(2), "{:#}", first.body);
        let (one, cursor, more) = one_item_page(&first, "products");
        assert!(more, "the second product is on the next page");

        let second = app.gql(None, PRODUCTS, json!({ "a": cursor })).await;
        let (two, _, more) = one_item_page(&second, "products");
        assert!(!more, "nothing after the second product");
        assert_eq!(sorted(vec![one, two]), sorted(vec![a, b]), "the two pages hold the two products once each");
    }

    async fn a_review_queue_page_has_edges_whose_cursor_continues_the_queue(app) {
        let (_, a) = app.enterprise(&uscc(61), "雷州市甲待审有限公司", "赵一").await;
        let (_, b) = app.enterprise(&uscc(62), "雷州市乙待审有限公司", "钱二").await;
        let admin = app.admin_token().await;

        let first = app.gql(Some(&admin), QUEUE, json!({ "a": null })).await;
        assert_eq!(first.at("/data/verificationQueue/totalCount"), &json!(2), "{:#}", first.body);
        let (one, cursor, more) = one_item_page(&first, "verificationQueue");
        assert!(more, "the second registration is on the next page");

        let second = app.gql(Some(&admin), QUEUE, json!({ "a": cursor })).await;
        let (two, _, more) = one_item_page(&second, "verificationQueue");
        assert!(!more, "nothing after the second registration");
        assert_eq!(sorted(vec![one, two]), sorted(vec![a, b]), "the two pages hold the two registrations once each");
    }
}
