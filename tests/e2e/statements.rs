//! Lists cost the database a fixed number of statements, whatever their page size: no query per row.

use serde_json::json;
use xyd_tests::fixtures::{POST_DEMAND, demand_input, uscc};
use xyd_tests::{TestApp, both_backends};

const MY_DEMANDS: &str = "query($n: Int!) { myDemands(first: $n) { totalCount nodes { id status subject { name }
    targetProducts { name bank { name } } responses { status bank { name } } contact { phone } } } }";
const OPPORTUNITIES: &str =
    "query($n: Int!) { opportunities(first: $n) { nodes { id subject { name } responses { status } } } }";

/// Statements the application ran for one request, the fewest of three runs (background jobs — the outbox relay,
/// the expiry job — may slip a statement into any one run).
async fn statements(app: &TestApp, token: &str, query: &str, first: usize) -> u64 {
    let mut fewest = u64::MAX;
    for _ in 0..3 {
        let before = app.db().statements();
        let r = app.gql(Some(token), query, json!({ "n": first })).await;
        r.ok();
        fewest = fewest.min(app.db().statements() - before);
    }
    fewest
}

both_backends! {
    async fn demand_lists_cost_a_fixed_number_of_statements(app) {
        let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
        let (owner, _) = app.verified_enterprise(&bureau, &uscc(1), "雷州市列表测试有限公司", "张三").await;
        let (_, lender) = app.lending_bank("列表银行", "4408").await;
        let (_, watcher) = app.lending_bank("旁观银行", "4408").await;
        for n in 0..12 {
            let id = app.gql(Some(&owner), POST_DEMAND, demand_input(&[])).await.str_at("/data/postDemand/id").to_string();
            if n % 2 == 0 {
                app.gql(Some(&lender), "mutation($d: ID!) { acceptDemand(demandId: $d) { id } }", json!({ "d": id })).await.ok();
            }
        }
        let (small, large) = (statements(&app, &owner, MY_DEMANDS, 2).await, statements(&app, &owner, MY_DEMANDS, 12).await);
        assert_eq!(small, large, "myDemands: {small} statements for 2 demands, {large} for 12");
        let (small, large) =
            (statements(&app, &watcher, OPPORTUNITIES, 2).await, statements(&app, &watcher, OPPORTUNITIES, 12).await);
        assert_eq!(small, large, "opportunities: {small} statements for 2 demands, {large} for 12");
    }
}
