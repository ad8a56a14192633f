//! 续贷 / 展期: near maturity (time injected by backdating the disbursement, never slept) the enterprise asks its
//! lending bank; only that bank decides, within the working-day SLA; the v2 indicators count it, v1 unchanged.

use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use xinyidai::demands::entity::response;
use xyd_tests::fixtures::{POST_DEMAND, demand_input, uscc};
use xyd_tests::{TestApp, both_backends};

const ACCEPT: &str = "mutation($d: ID!) { acceptDemand(demandId: $d) { id } }";
const GRANT: &str =
    "mutation($r: ID!) { grantCredit(responseId: $r, input: {amount: \"400000.00\", annualRate: \"4.35\",
    termMonths: 12}) { id } }";
const DISBURSE: &str = "mutation($r: ID!, $at: DateTime!) { recordDisbursement(responseId: $r,
    input: {amount: \"400000.00\", disbursedAt: $at, firstLoan: true}) { status } }";
const REQUEST: &str = "mutation($r: ID!, $i: RenewalInput!) { requestRenewal(responseId: $r, input: $i) {
    id status kind amount termMonths requestedAt dueAt loan { id bank { name } } } }";
const APPROVE: &str = "mutation($id: ID!, $rate: Rate) { approveRenewal(id: $id, annualRate: $rate) {
    status annualRate decidedAt dueAt } }";
const REJECT: &str =
    "mutation($id: ID!) { rejectRenewal(id: $id, reason: INSUFFICIENT_REPAYMENT_CAPACITY) { status } }";
const LIST: &str = "{ renewals { totalCount nodes { id status } } }";
const REPORT: &str = "query($i: IndicatorQuery!) { indicators(input: $i) { definitionsVersion
    totals { demandsPosted disbursedCount renewalRequests renewalsApproved renewalApprovalRate } } }";

fn renewal(amount: &str) -> Value {
    json!({ "kind": "RENEWAL", "amount": amount, "termMonths": 12, "reason": "订单回款周期较长，申请无还本续贷" })
}

/// Move the loan's disbursement back, so that its maturity comes near (time injected, not slept).
async fn backdate(app: &TestApp, loan: &str, months: i64) {
    let id: xyd_domain::ResponseId = loan.parse().unwrap();
    response::Entity::update_many()
        .col_expr(response::Column::DisbursedAt, Expr::value(Utc::now() - Duration::days(months * 30)))
        .filter(response::Column::Id.eq(id))
        .exec(app.db().conn())
        .await
        .unwrap();
}

async fn count(app: &TestApp, token: &str) -> Value {
    app.gql(Some(token), LIST, json!({})).await.at("/data/renewals/totalCount").clone()
}

both_backends! {
    async fn a_renewal_near_maturity_is_decided_by_the_lender_and_counted_by_v2(app) {
        let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
        let (_, elsewhere) = app.bureau("遂溪县发改局", "440823").await;
        let (owner, _) = app.verified_enterprise(&bureau, &uscc(1), "雷州市续贷测试有限公司", "张三").await;
        let (_, lender) = app.lending_bank("续贷银行", "4408").await;
        let (_, other_bank) = app.lending_bank("旁观银行", "4408").await;
        let demand = app.gql(Some(&owner), POST_DEMAND, demand_input(&[])).await.str_at("/data/postDemand/id").to_string();
        let loan = app.gql(Some(&lender), ACCEPT, json!({ "d": demand })).await.str_at("/data/acceptDemand/id").to_string();
        app.gql(Some(&lender), GRANT, json!({ "r": loan })).await.ok();

        // Not before the disbursement, not a year ahead of maturity.
        app.gql(Some(&owner), REQUEST, json!({ "r": loan, "i": renewal("400000.00") })).await.expect_error("INVALID_STATE");
        app.gql(Some(&lender), DISBURSE, json!({ "r": loan, "at": Utc::now().to_rfc3339() })).await.ok();
        let early = app.gql(Some(&owner), REQUEST, json!({ "r": loan, "i": renewal("400000.00") })).await;
        early.expect_error("INVALID_STATE");
        assert_eq!(early.str_at("/errors/0/extensions/reason"), "RENEWAL_TOO_EARLY");

        backdate(&app, &loan, 11).await;
        let too_much = app.gql(Some(&owner), REQUEST, json!({ "r": loan, "i": renewal("400000.01") })).await;
        too_much.expect_error("BAD_USER_INPUT");
        assert_eq!(too_much.str_at("/errors/0/extensions/field"), "input.amount");
        app.gql(Some(&lender), REQUEST, json!({ "r": loan, "i": renewal("400000.00") })).await.expect_error("FORBIDDEN");
        let requested = app.gql(Some(&owner), REQUEST, json!({ "r": loan, "i": renewal("400000.00") })).await;
        requested.ok();
        assert_eq!(requested.at("/data/requestRenewal/status"), "REQUESTED");
        assert_eq!(requested.at("/data/requestRenewal/loan/id"), &json!(loan));
        let id = requested.str_at("/data/requestRenewal/id").to_string();
        let again = app.gql(Some(&owner), REQUEST, json!({ "r": loan, "i": renewal("100000.00") })).await;
        again.expect_error("CONFLICT");

        // Who sees it; who may decide.
        assert_eq!((count(&app, &owner).await, count(&app, &lender).await), (json!(1), json!(1)));
        assert_eq!((count(&app, &other_bank).await, count(&app, &elsewhere).await), (json!(0), json!(0)));
        assert_eq!(count(&app, &bureau).await, json!(1));
        app.gql(Some(&other_bank), APPROVE, json!({ "id": id })).await.expect_error("NOT_FOUND");
        app.gql(Some(&owner), APPROVE, json!({ "id": id })).await.expect_error("FORBIDDEN");
        let approved = app.gql(Some(&lender), APPROVE, json!({ "id": id, "rate": "3.65" })).await;
        approved.ok();
        assert_eq!(approved.at("/data/approveRenewal/status"), "APPROVED");
        assert_eq!(approved.at("/data/approveRenewal/annualRate"), "3.65");
        assert!(approved.str_at("/data/approveRenewal/decidedAt") <= approved.str_at("/data/approveRenewal/dueAt"), "within the SLA");
        app.gql(Some(&lender), REJECT, json!({ "id": id })).await.expect_error("INVALID_STATE");

        let told = app.gql(Some(&owner), "{ notifications { nodes { kind body } } }", json!({})).await;
        let kinds: Vec<&str> = told.at("/data/notifications/nodes").as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap()).collect();
        assert!(kinds.contains(&"RENEWAL_DECIDED"), "{kinds:?}");
        let asked = app.gql(Some(&lender), "{ notifications { nodes { kind } } }", json!({})).await;
        assert!(asked.at("/data/notifications/nodes").as_array().unwrap().iter().any(|n| n["kind"] == "RENEWAL_REQUESTED"));

        // Indicators: v2 counts the request and its approval; v1 shows none of it and nothing else changes.
        let today = xyd_domain::demand::local_date(Utc::now());
        let period = |v: Option<&str>| {
            let mut i = json!({ "from": (today - Duration::days(30)).to_string(), "to": (today + Duration::days(1)).to_string() });
            if let Some(v) = v { i["definitionsVersion"] = json!(v); }
            json!({ "i": i })
        };
        let v2 = app.gql(Some(&bureau), REPORT, period(None)).await;
        v2.ok();
        let totals = v2.at("/data/indicators/totals").clone();
        assert_eq!(v2.at("/data/indicators/definitionsVersion"), "v3", "the latest definitions keep v2's figures");
        assert_eq!((totals["renewalRequests"].clone(), totals["renewalsApproved"].clone()), (json!(1), json!(1)));
        assert_eq!(totals["renewalApprovalRate"], json!(1.0));
        let v1 = app.gql(Some(&bureau), REPORT, period(Some("v1"))).await;
        let old = v1.at("/data/indicators/totals").clone();
        assert!(old["renewalRequests"].is_null() && old["renewalApprovalRate"].is_null());
        assert_eq!((old["demandsPosted"].clone(), old["disbursedCount"].clone()), (totals["demandsPosted"].clone(), totals["disbursedCount"].clone()));
        app.gql(Some(&bureau), REPORT, period(Some("v9"))).await.expect_error("BAD_USER_INPUT");
    }
}
