//! 货比三家: a demand's credit grants compared by what they cost — fees and all, the 年化综合融资成本 — the
//! enterprise's choice, and the other banks' grants ending as CUSTOMER_DECLINED; lending without an explicit
//! choice counts as choosing.

use serde_json::{Value, json};
use xyd_tests::fixtures::{POST_DEMAND, demand_input, uscc};
use xyd_tests::{TestApp, both_backends};

const ACCEPT: &str = "mutation($d: ID!) { acceptDemand(demandId: $d) { id } }";
const GRANT: &str = "mutation($r: ID!, $i: CreditGrantInput!) { grantCredit(responseId: $r, input: $i) { id status } }";
const DISBURSE: &str = "mutation($r: ID!, $at: DateTime!) { recordDisbursement(responseId: $r,
    input: {amount: \"1000000.00\", disbursedAt: $at, firstLoan: true}) { status } }";
const OFFERS: &str = "query($d: ID!) { demand(id: $d) { status offers { response { id status rejectReason }
    bank { name } amount annualRate termMonths repaymentMethod firstMonthPayment totalInterest chosen } } }";
const CHOOSE: &str = "mutation($r: ID!) { acceptOffer(responseId: $r) { status offers { bank { name } chosen }
    responses { bank { name } status rejectReason } } }";

struct World {
    bureau: String,
    owner: String,
    demand: String,
    banks: Vec<(String, String)>,
}

/// A verified enterprise's open demand, accepted by three banks of its area (names 甲银行, 乙银行, 丙银行).
async fn world(app: &TestApp, n: u32) -> World {
    let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
    let (owner, _) = app.verified_enterprise(&bureau, &uscc(n), &format!("雷州市比价{n}有限公司"), "张三").await;
    let posted = app.gql(Some(&owner), POST_DEMAND, demand_input(&[])).await;
    posted.ok();
    let demand = posted.str_at("/data/postDemand/id").to_string();
    let mut banks = Vec::new();
    for name in ["甲银行", "乙银行", "丙银行"] {
        let (_, token) = app.lending_bank(&format!("{name}{n}"), "4408").await;
        let r = app.gql(Some(&token), ACCEPT, json!({ "d": demand })).await;
        r.ok();
        banks.push((token, r.str_at("/data/acceptDemand/id").to_string()));
    }
    World { bureau, owner, demand, banks }
}

async fn grant(app: &TestApp, (token, response): &(String, String), rate: &str, method: Option<&str>) {
    let mut input = json!({ "amount": "1000000.00", "annualRate": rate, "termMonths": 12 });
    if let Some(m) = method {
        input["repaymentMethod"] = json!(m);
    }
    app.gql(Some(token), GRANT, json!({ "r": response, "i": input })).await.ok();
}

async fn offers(app: &TestApp, token: &str, demand: &str) -> Vec<Value> {
    let r = app.gql(Some(token), OFFERS, json!({ "d": demand })).await;
    r.ok();
    r.at("/data/demand/offers").as_array().unwrap().clone()
}

both_backends! {
    async fn offers_are_compared_by_cost_and_the_choice_declines_the_others(app) {
        let w = world(&app, 1).await;
        assert!(offers(&app, &w.owner, &w.demand).await.is_empty(), "no grant, no offer");
        grant(&app, &w.banks[0], "3.85", None).await; // 等额本息 by default
        grant(&app, &w.banks[1], "3.85", Some("EQUAL_PRINCIPAL")).await;

        // 1,000,000 yuan, 12 months, 3.85%: computed by hand (see domain::loan).
        let mine = offers(&app, &w.owner, &w.demand).await;
        assert_eq!(mine.len(), 2);
        assert_eq!(mine[0]["repaymentMethod"], "EQUAL_PRINCIPAL", "cheapest total interest first");
        assert_eq!(mine[0]["totalInterest"], "20854.16");
        assert_eq!(mine[0]["firstMonthPayment"], "86541.66");
        assert_eq!(mine[1]["repaymentMethod"], "EQUAL_INSTALLMENT");
        assert_eq!(mine[1]["totalInterest"], "20976.63");
        assert_eq!(mine[1]["firstMonthPayment"], "85081.39");
        assert!(mine.iter().all(|o| o["chosen"] == false));

        let theirs = offers(&app, &w.banks[0].0, &w.demand).await;
        assert_eq!(theirs.len(), 1, "a bank sees its own offer only");
        assert_eq!(theirs[0]["response"]["id"], json!(w.banks[0].1));

        // Only the enterprise chooses, and only a granted offer.
        app.gql(Some(&w.banks[1].0), CHOOSE, json!({ "r": w.banks[1].1 })).await.expect_error("FORBIDDEN");
        app.gql(Some(&w.owner), CHOOSE, json!({ "r": w.banks[2].1 })).await.expect_error("INVALID_STATE");
        let (stranger, _) = app.verified_enterprise(&w.bureau, &uscc(9), "雷州市旁人有限公司", "王五").await;
        app.gql(Some(&stranger), CHOOSE, json!({ "r": w.banks[1].1 })).await.expect_error("NOT_FOUND");
        let chosen = app.gql(Some(&w.owner), CHOOSE, json!({ "r": w.banks[1].1 })).await;
        chosen.ok();
        let responses = chosen.at("/data/acceptOffer/responses").as_array().unwrap();
        let declined: Vec<_> = responses.iter().filter(|r| r["rejectReason"] == "CUSTOMER_DECLINED").collect();
        assert_eq!(declined.len(), 2, "the other grant and the accepted-only response: {responses:#?}");
        assert!(declined.iter().all(|r| r["status"] == "REJECTED"));
        app.gql(Some(&w.owner), CHOOSE, json!({ "r": w.banks[0].1 })).await.expect_error("INVALID_STATE");

        // The declined bank sees why, may not lend, and the chosen one lends.
        let theirs = offers(&app, &w.banks[0].0, &w.demand).await;
        assert_eq!(theirs[0]["response"]["rejectReason"], "CUSTOMER_DECLINED");
        let at = json!(chrono::Utc::now().to_rfc3339());
        app.gql(Some(&w.banks[0].0), DISBURSE, json!({ "r": w.banks[0].1, "at": at })).await.expect_error("INVALID_STATE");
        app.gql(Some(&w.banks[1].0), DISBURSE, json!({ "r": w.banks[1].1, "at": at })).await.ok();
        let after = app.gql(Some(&w.owner), OFFERS, json!({ "d": w.demand })).await;
        assert_eq!(after.at("/data/demand/status"), "FUNDED");
        assert_eq!(after.at("/data/demand/offers/0/chosen"), &json!(true));
    }

    async fn lending_without_a_choice_counts_as_choosing(app) {
        let w = world(&app, 2).await;
        grant(&app, &w.banks[0], "4.35", Some("INTEREST_FIRST")).await;
        grant(&app, &w.banks[1], "3.65", None).await;
        let at = json!(chrono::Utc::now().to_rfc3339());
        app.gql(Some(&w.banks[0].0), DISBURSE, json!({ "r": w.banks[0].1, "at": at })).await.ok();
        let mine = offers(&app, &w.owner, &w.demand).await;
        let chosen: Vec<_> = mine.iter().filter(|o| o["chosen"] == true).collect();
        assert_eq!(chosen.len(), 1);
        assert_eq!(chosen[0]["repaymentMethod"], "INTEREST_FIRST");
        let other = mine.iter().find(|o| o["chosen"] == false).unwrap();
        assert_eq!(other["response"]["status"], "REJECTED");
        assert_eq!(other["response"]["rejectReason"], "CUSTOMER_DECLINED");
    }
}

const COSTED: &str = "query($d: ID!) { demand(id: $d) { offers { response { id } annualRate totalInterest
    fees { kind amount timing payee } comprehensiveCost } } }";

both_backends! {
    async fn fees_make_the_comprehensive_cost_and_offers_sort_by_it(app) {
        let w = world(&app, 3).await;
        // 甲: 3.85% with a 10,000 yuan guarantee fee deducted at disbursement; 乙: 4.35% without fees.
        let guarantee = json!({ "kind": "GUARANTEE", "amount": "10000.00", "timing": "UPFRONT", "payee": "湛江市融资担保有限公司" });
        let input = |rate: &str, fees: Value| json!({ "amount": "1000000.00", "annualRate": rate, "termMonths": 12, "fees": fees });
        let refused = |fees: Value| {
            let app = &app;
            let (token, response) = w.banks[0].clone();
            async move {
                let r = app.gql(Some(&token), GRANT, json!({ "r": response, "i": input("3.85", fees) })).await;
                r.expect_error("BAD_USER_INPUT");
                (r.str_at("/errors/0/extensions/reason").to_string(), r.str_at("/errors/0/extensions/field").to_string())
            }
        };
        let mut zero = guarantee.clone();
        zero["amount"] = json!("0.00");
        assert_eq!(refused(json!([zero])).await, ("INVALID_FEE".to_string(), "input.fees".to_string()));
        let mut nobody = guarantee.clone();
        nobody["payee"] = json!(" ");
        assert_eq!(refused(json!([guarantee.clone(), nobody])).await.0, "INVALID_FEE");
        assert_eq!(refused(json!(vec![guarantee.clone(); 11])).await.0, "INVALID_FEE");
        let mut whole = guarantee.clone();
        whole["amount"] = json!("1000000.00");
        assert_eq!(refused(json!([whole])).await.0, "INVALID_FEE");

        let granted = app.gql(Some(&w.banks[0].0), GRANT, json!({ "r": w.banks[0].1, "i": input("3.85", json!([guarantee])) })).await;
        granted.ok();
        let plain = app.gql(Some(&w.banks[1].0), GRANT, json!({ "r": w.banks[1].1, "i": input("4.35", json!([])) })).await;
        plain.ok();

        // By hand (domain::loan::cost): 990,000 received, twelve instalments of 85,081.39 → 5.73% a year.
        let r = app.gql(Some(&w.owner), COSTED, json!({ "d": w.demand })).await;
        r.ok();
        let offers = r.at("/data/demand/offers").as_array().unwrap().clone();
        let costs: Vec<&str> = offers.iter().map(|o| o["comprehensiveCost"].as_str().unwrap()).collect();
        assert_eq!(costs, ["4.35", "5.73"], "cheapest whole cost first, though 甲's interest is lower: {offers:#?}");
        assert_eq!(offers[1]["fees"], json!([{ "kind": "GUARANTEE", "amount": "10000.00", "timing": "UPFRONT",
            "payee": "湛江市融资担保有限公司" }]));
        assert_eq!((offers[0]["annualRate"].as_str(), offers[0]["fees"].as_array().map(Vec::len)), (Some("4.35"), Some(0)));
        assert!(offers[1]["totalInterest"].as_str() < offers[0]["totalInterest"].as_str());

        // Lent: the indicators (v3) and the bank league average the whole cost beside the rate; v2 has no such figure.
        let at = json!(chrono::Utc::now().to_rfc3339());
        app.gql(Some(&w.banks[0].0), DISBURSE, json!({ "r": w.banks[0].1, "at": at })).await.ok();
        let today = chrono::Utc::now().date_naive();
        let period = |version: &str| json!({ "i": { "from": (today - chrono::Days::new(2)).to_string(),
            "to": (today + chrono::Days::new(2)).to_string(), "definitionsVersion": version } });
        let report = "query($i: IndicatorQuery!) { indicators(input: $i) { definitionsVersion
            totals { averageAnnualRate averageComprehensiveCost } } }";
        let v3 = app.gql(Some(&w.bureau), report, period("v3")).await;
        v3.ok();
        assert_eq!(v3.at("/data/indicators/totals"), &json!({ "averageAnnualRate": "3.85", "averageComprehensiveCost": "5.73" }));
        let v2 = app.gql(Some(&w.bureau), report, period("v2")).await;
        assert_eq!(v2.at("/data/indicators/totals/averageComprehensiveCost"), &Value::Null);
        assert_eq!(v2.at("/data/indicators/totals/averageAnnualRate"), &json!("3.85"));
        let league = "query($i: IndicatorQuery!) { bankLeague(input: $i) { disbursedCount averageComprehensiveCost } }";
        let lines = app.gql(Some(&w.bureau), league, period("v3")).await;
        lines.ok();
        let lent: Vec<&Value> = lines.at("/data/bankLeague").as_array().unwrap().iter().filter(|l| l["disbursedCount"] == 1).collect();
        assert_eq!(lent.len(), 1);
        assert_eq!(lent[0]["averageComprehensiveCost"], "5.73");
    }
}
