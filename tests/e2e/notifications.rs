//! 站内消息: every step of a demand reaches the enterprise's and the banks' inboxes, written with the event;
//! each user reads and marks only their own.

use serde_json::{Value, json};
use xyd_tests::fixtures::{POST_DEMAND, demand_input, uscc};
use xyd_tests::{TestApp, both_backends};

const INBOX: &str = "query($u: Boolean) { notifications(unreadOnly: $u, first: 50) { totalCount unreadCount
    nodes { id kind title body readAt demand { id } } } }";
const MARK: &str = "mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) }";
const ACCEPT: &str = "mutation($d: ID!) { acceptDemand(demandId: $d) { id } }";
const REJECT: &str = "mutation($d: ID!) { rejectDemand(demandId: $d, reason: INSUFFICIENT_REPAYMENT_CAPACITY) { id } }";
const GRANT: &str =
    "mutation($r: ID!) { grantCredit(responseId: $r, input: {amount: \"400000.00\", annualRate: \"4.35\",
    termMonths: 12}) { id } }";
const CHOOSE: &str = "mutation($r: ID!) { acceptOffer(responseId: $r) { id } }";

async fn inbox(app: &TestApp, token: &str, unread_only: bool) -> Value {
    let r = app.gql(Some(token), INBOX, json!({ "u": unread_only })).await;
    r.ok();
    r.at("/data/notifications").clone()
}

fn kinds(inbox: &Value) -> Vec<String> {
    let mut kinds: Vec<String> =
        inbox["nodes"].as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap().to_string()).collect();
    kinds.sort();
    kinds
}

both_backends! {
    async fn each_step_reaches_the_right_inbox(app) {
        let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
        let (owner, _) = app.verified_enterprise(&bureau, &uscc(1), "雷州市消息测试有限公司", "张三").await;
        let (other, _) = app.verified_enterprise(&bureau, &uscc(2), "雷州市旁人有限公司", "李四").await;
        let (_, jia) = app.lending_bank("甲银行", "4408").await;
        let (_, yi) = app.lending_bank("乙银行", "4408").await;
        let (_, bing) = app.lending_bank("丙银行", "4408").await;
        let demand = app.gql(Some(&owner), POST_DEMAND, demand_input(&[])).await.str_at("/data/postDemand/id").to_string();

        let jia_response = app.gql(Some(&jia), ACCEPT, json!({ "d": demand })).await.str_at("/data/acceptDemand/id").to_string();
        app.gql(Some(&yi), REJECT, json!({ "d": demand })).await.ok();
        app.gql(Some(&bing), ACCEPT, json!({ "d": demand })).await.ok();
        app.gql(Some(&jia), GRANT, json!({ "r": jia_response })).await.ok();
        app.gql(Some(&owner), CHOOSE, json!({ "r": jia_response })).await.ok();

        let mine = inbox(&app, &owner, false).await;
        assert_eq!(kinds(&mine), ["CREDIT_GRANTED", "DEMAND_ACCEPTED", "DEMAND_ACCEPTED", "DEMAND_REJECTED"]);
        assert_eq!(mine["unreadCount"], 4);
        let rejected = mine["nodes"].as_array().unwrap().iter().find(|n| n["kind"] == "DEMAND_REJECTED").unwrap();
        assert!(rejected["body"].as_str().unwrap().contains("还款能力不足"), "the reason is told: {rejected}");
        assert!(rejected["body"].as_str().unwrap().contains("乙银行"));
        assert_eq!(rejected["demand"]["id"], json!(demand));
        assert!(mine["nodes"].as_array().unwrap().iter().all(|n| n["demand"]["id"] == json!(demand)), "every notice names its demand");
        assert_eq!(kinds(&inbox(&app, &jia, false).await), ["OFFER_CHOSEN"]);
        assert_eq!(kinds(&inbox(&app, &bing, false).await), ["OFFER_DECLINED"]);
        assert!(kinds(&inbox(&app, &yi, false).await).is_empty());
        assert_eq!(inbox(&app, &other, false).await["totalCount"], 0, "no one else's inbox is touched");

        // Marking: only one's own, and only unread ones count.
        let ids: Vec<Value> = mine["nodes"].as_array().unwrap().iter().take(2).map(|n| n["id"].clone()).collect();
        let r = app.gql(Some(&other), MARK, json!({ "ids": ids })).await;
        assert_eq!(r.at("/data/markNotificationsRead"), &json!(0), "another user's ids change nothing");
        let r = app.gql(Some(&owner), MARK, json!({ "ids": ids })).await;
        assert_eq!(r.at("/data/markNotificationsRead"), &json!(2));
        let r = app.gql(Some(&owner), MARK, json!({ "ids": ids })).await;
        assert_eq!(r.at("/data/markNotificationsRead"), &json!(0), "already read");
        let unread = inbox(&app, &owner, true).await;
        assert_eq!((unread["totalCount"].clone(), unread["unreadCount"].clone()), (json!(2), json!(2)));
        app.gql(Some(&owner), MARK, json!({ "ids": ["not-an-id"] })).await.expect_error("BAD_USER_INPUT");
        app.gql(None, INBOX, json!({ "u": false })).await.expect_error("UNAUTHENTICATED");
        // A null for a non-null argument is the client's mistake, not a server error.
        app.gql(Some(&owner), INBOX, json!({})).await.expect_error("BAD_USER_INPUT");
    }

    async fn a_demand_naming_a_product_tells_its_bank(app) {
        let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
        let (owner, _) = app.verified_enterprise(&bureau, &uscc(3), "雷州市申请产品有限公司", "王五").await;
        let (_, bank) = app.lending_bank("申请银行", "4408").await;
        let product = app.gql(Some(&bank), "{ myProducts { id } }", json!({})).await.str_at("/data/myProducts/0/id").to_string();
        let mut input = demand_input(&[]);
        input["i"]["targetProductIds"] = json!([product]);
        let posted = app.gql(Some(&owner), POST_DEMAND, input).await;
        posted.ok();
        let theirs = inbox(&app, &bank, false).await;
        assert_eq!(kinds(&theirs), ["DEMAND_ADDRESSED"]);
        assert!(theirs["nodes"][0]["body"].as_str().unwrap().contains("申请银行信易贷"));
        assert_eq!(theirs["nodes"][0]["demand"]["id"], posted.at("/data/postDemand/id").clone());

        // Withdrawn before the bank answered: the notice stays, the demand is no longer the bank's to see.
        let withdraw = "mutation($id: ID!) { withdrawDemand(id: $id) { status } }";
        app.gql(Some(&owner), withdraw, json!({ "id": posted.at("/data/postDemand/id") })).await.ok();
        let after = inbox(&app, &bank, false).await;
        assert_eq!(kinds(&after), ["DEMAND_ADDRESSED"]);
        assert!(after["nodes"][0]["demand"].is_null(), "{after}");
        let edges = app.gql(Some(&bank), "{ notifications(first: 5) { edges { node { demand { id } } } } }", json!({})).await;
        assert!(edges.at("/data/notifications/edges/0/node/demand").is_null(), "the same through edges");
    }
}
