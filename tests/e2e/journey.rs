//! The enterprise's journey in one story, on both databases: register and verify → read the consent text and
//! sign it → 预授信 shows a limit → post a demand → three banks accept, two grant → offers compared (the cheaper
//! first) → accept one → the other is declined and notified → disburse → a renewal near maturity (time injected,
//! not slept) → approved within the SLA → the v2 indicators count it, v1 unchanged → the credit report is issued
//! → a stranger verifies its code.

use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use xinyidai::demands::entity::response;
use xyd_tests::fixtures::{GRANT, POST_DEMAND, demand_input, grant, product_input, tax_csv, uscc};
use xyd_tests::{TestApp, both_backends};

const ACCEPT: &str = "mutation($d: ID!) { acceptDemand(demandId: $d) { id } }";
const GRANT_CREDIT: &str = "mutation($r: ID!, $i: CreditGrantInput!) { grantCredit(responseId: $r, input: $i) { id } }";
const OFFERS: &str =
    "query($d: ID!) { demand(id: $d) { status offers { response { id } bank { name } totalInterest chosen } } }";
const CHOOSE: &str = "mutation($r: ID!) { acceptOffer(responseId: $r) { status } }";
const DISBURSE: &str = "mutation($r: ID!, $at: DateTime!) { recordDisbursement(responseId: $r,
    input: {amount: \"500000.00\", disbursedAt: $at, firstLoan: true}) { status } }";
const REQUEST: &str = "mutation($r: ID!) { requestRenewal(responseId: $r, input: {kind: RENEWAL, amount: \"500000.00\",
    termMonths: 12, reason: \"订单回款周期较长，申请无还本续贷\"}) { id } }";
const APPROVE: &str = "mutation($id: ID!) { approveRenewal(id: $id) { status decidedAt dueAt annualRate } }";
const REPORT: &str = "query($i: IndicatorQuery!) { indicators(input: $i) { definitionsVersion
    totals { demandsPosted disbursedCount disbursedAmount renewalRequests renewalsApproved } } }";

async fn accept(app: &TestApp, bank: &str, demand: &str) -> String {
    app.gql(Some(bank), ACCEPT, json!({ "d": demand })).await.str_at("/data/acceptDemand/id").to_string()
}

async fn grant_credit(app: &TestApp, bank: &str, response: &str, rate: &str) {
    let input = json!({ "amount": "500000.00", "annualRate": rate, "termMonths": 12 });
    app.gql(Some(bank), GRANT_CREDIT, json!({ "r": response, "i": input })).await.ok();
}

fn kinds(r: &xyd_tests::GqlResponse) -> Vec<String> {
    r.at("/data/notifications/nodes")
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap().to_string())
        .collect()
}

both_backends! {
    async fn the_whole_story(app) {
        // Register and verify.
        let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
        let code = uscc(1);
        let (owner, _) = app.verified_enterprise(&bureau, &code, "雷州市旅程食品有限公司", "张三").await;
        app.import(&bureau, "TAX", tax_csv(&[(&code, 2025, "A", "125000.50")])).await.ok();

        // Three banks; 甲 also offers a product with a pre-credit rule.
        let (jia_id, jia) = app.lending_bank("甲银行", "4408").await;
        let (_, yi) = app.lending_bank("乙银行", "4408").await;
        let (_, bing) = app.lending_bank("丙银行", "4408").await;
        let mut rule = product_input("甲银行税易贷", "凭纳税信用在线申请");
        rule["preCredit"] = json!({ "basis": "TAX_PAID", "multiple": 4, "gradeFactors": [{ "grade": "A", "factor": 1 }] });
        app.published_product(&jia, rule).await;

        // Read the consent text and sign it.
        let text = app.gql(None, "{ consentText { version sha256 body } }", json!({})).await;
        assert!(text.str_at("/data/consentText/body").contains("撤回"));
        let signed = app.gql(Some(&owner), GRANT, grant(&jia_id, &["TAX"], "LOAN_APPLICATION", 86_400 * 30)).await;
        assert_eq!(signed.str_at("/data/grantConsent/textHash"), text.str_at("/data/consentText/sha256"));

        // 预授信: 125,000.50 × 4 × 1 → 500,000 yuan.
        let estimate = app.gql(Some(&owner), "{ preCredit { product { name } eligible limit } }", json!({})).await;
        assert_eq!(estimate.at("/data/preCredit/0/limit"), "500000.00", "{:#}", estimate.body);

        // Post a demand; three banks accept, two grant.
        let mut input = demand_input(&["TAX"]);
        input["i"]["shareTextVersion"] = text.at("/data/consentText/version").clone();
        let demand = app.gql(Some(&owner), POST_DEMAND, input).await.str_at("/data/postDemand/id").to_string();
        let jia_loan = accept(&app, &jia, &demand).await;
        let yi_loan = accept(&app, &yi, &demand).await;
        accept(&app, &bing, &demand).await;
        grant_credit(&app, &jia, &jia_loan, "3.85").await;
        grant_credit(&app, &yi, &yi_loan, "4.35").await;

        // Offers compared, the cheaper first; the enterprise takes it and 乙 is declined and told.
        let offers = app.gql(Some(&owner), OFFERS, json!({ "d": demand })).await;
        let list: Vec<Value> = offers.at("/data/demand/offers").as_array().unwrap().clone();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0]["response"]["id"], json!(jia_loan), "the cheaper offer first");
        app.gql(Some(&owner), CHOOSE, json!({ "r": jia_loan })).await.ok();
        let yi_inbox = app.gql(Some(&yi), "{ notifications { nodes { kind } } }", json!({})).await;
        assert!(kinds(&yi_inbox).contains(&"OFFER_DECLINED".to_string()));
        app.gql(Some(&yi), DISBURSE, json!({ "r": yi_loan, "at": Utc::now().to_rfc3339() })).await.expect_error("INVALID_STATE");

        // Disburse; near maturity (the disbursement moved back eleven months) ask for a renewal; 甲 approves in time.
        app.gql(Some(&jia), DISBURSE, json!({ "r": jia_loan, "at": Utc::now().to_rfc3339() })).await.ok();
        let loan_id: xyd_domain::ResponseId = jia_loan.parse().unwrap();
        response::Entity::update_many()
            .col_expr(response::Column::DisbursedAt, Expr::value(Utc::now() - Duration::days(330)))
            .filter(response::Column::Id.eq(loan_id))
            .exec(app.db().conn())
            .await
            .unwrap();
        let requested = app.gql(Some(&owner), REQUEST, json!({ "r": jia_loan })).await;
        requested.ok();
        let approved = app.gql(Some(&jia), APPROVE, json!({ "id": requested.at("/data/requestRenewal/id") })).await;
        approved.ok();
        assert_eq!(approved.at("/data/approveRenewal/status"), "APPROVED");
        assert_eq!(approved.at("/data/approveRenewal/annualRate"), "3.85", "the loan's rate when none is given");
        assert!(approved.str_at("/data/approveRenewal/decidedAt") <= approved.str_at("/data/approveRenewal/dueAt"));
        let told = app.gql(Some(&owner), "{ notifications { nodes { kind } } }", json!({})).await;
        assert!(kinds(&told).contains(&"RENEWAL_DECIDED".to_string()));

        // The v2 indicators count it; v1 shows none of it and the same other figures.
        let today = xyd_domain::demand::local_date(Utc::now());
        let period = |v: &str| json!({ "i": { "from": (today - Duration::days(7)).to_string(),
            "to": (today + Duration::days(1)).to_string(), "definitionsVersion": v } });
        let v2 = app.gql(Some(&bureau), REPORT, period("v2")).await;
        let v1 = app.gql(Some(&bureau), REPORT, period("v1")).await;
        assert_eq!(v2.at("/data/indicators/totals/renewalsApproved"), &json!(1));
        assert!(v1.at("/data/indicators/totals/renewalRequests").is_null());
        for figure in ["demandsPosted", "disbursedCount", "disbursedAmount"] {
            assert_eq!(v1.at(&format!("/data/indicators/totals/{figure}")), v2.at(&format!("/data/indicators/totals/{figure}")));
        }

        // The credit report, and a stranger verifies its code.
        let report_font = std::path::Path::new(&app.config.credit.report_font).exists();
        if !report_font && std::env::var("CI").as_deref() != Ok("true") {
            eprintln!("warning: no report font: the story stops before the credit report");
            return;
        }
        let issued = app.gql(Some(&owner), "mutation { issueCreditReport { verificationCode sha256 } }", json!({})).await;
        issued.ok();
        let check = app.gql(None, "query($c: String!) { verifyCreditReport(code: $c) { subjectName sha256 } }",
            json!({ "c": issued.at("/data/issueCreditReport/verificationCode") })).await;
        assert_eq!(check.at("/data/verifyCreditReport/subjectName"), "雷州市旅程食品有限公司");
        assert_eq!(check.at("/data/verifyCreditReport/sha256"), issued.at("/data/issueCreditReport/sha256"));
    }
}
