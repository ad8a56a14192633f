//! Financing demands and bank responses: the journey through GraphQL on both databases.

use serde_json::json;
use xyd_tests::fixtures::{POST_DEMAND, PROFILE, RegistryCsv, demand_input, tax_csv, uscc};
use xyd_tests::{TestApp, both_backends};

const ACCEPT: &str = "mutation($d: ID!) { acceptDemand(demandId: $d) { id status respondedWithinSla creditDueAt } }";
const REJECT: &str = "mutation($d: ID!, $r: RejectReason!, $n: String) { rejectDemand(demandId: $d, reason: $r, note: $n) { id status rejectReason } }";
const GRANT_CREDIT: &str = "mutation($r: ID!) { grantCredit(responseId: $r, input: {amount: \"400000.00\", annualRate: \"4.35\", termMonths: 12}) { status creditAmount } }";
const DISBURSE: &str = "mutation($r: ID!, $at: DateTime!) { recordDisbursement(responseId: $r, input: {amount: \"400000.00\", disbursedAt: $at, firstLoan: true}) { status } }";

fn disburse_vars(response: &str) -> serde_json::Value {
    json!({ "r": response, "at": chrono::Utc::now().to_rfc3339() })
}
const DEMAND: &str = "query($id: ID!) { demand(id: $id) { id status responses { bank { name } status rejectReason rejectNote firstLoan } } }";

/// A verified enterprise of 雷州 with tax records; returns (owner token, subject id, bureau token).
async fn enterprise(app: &TestApp) -> (String, String) {
    let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
    let code = uscc(1);
    app.import(&bureau, "REGISTRY", RegistryCsv::new().row(&code, "雷州市对接测试有限公司", "张三").bytes()).await.ok();
    app.import(&bureau, "TAX", tax_csv(&[(&code, 2025, "A", "88000.00")])).await.ok();
    app.enterprise(&code, "雷州市对接测试有限公司", "张三").await
}

both_backends! {
    async fn five_banks_race_and_exactly_three_hold_the_demand(app) {
        let (owner, _) = enterprise(&app).await;
        let posted = app.gql(Some(&owner), POST_DEMAND, demand_input(&[])).await;
        posted.ok();
        let demand = posted.str_at("/data/postDemand/id").to_string();
        assert_eq!(posted.str_at("/data/postDemand/status"), "OPEN");
        let mut banks = Vec::new();
        for n in 0..5 {
            banks.push(app.lending_bank(&format!("竞争银行{n}"), "4408").await.1);
        }
        let app = std::sync::Arc::new(app);
        let races: Vec<_> = banks
            .iter()
            .map(|token| {
                let (app, token, demand) = (app.clone(), token.clone(), demand.clone());
                tokio::spawn(async move { app.gql(Some(&token), ACCEPT, json!({ "d": demand })).await })
            })
            .collect();
        let mut accepted = 0;
        for race in races {
            let r = race.await.unwrap();
            match r.error_code() {
                None => accepted += 1,
                Some(code) => {
                    assert_eq!(code, "CONFLICT", "{:#}", r.body);
                    assert_eq!(r.str_at("/errors/0/extensions/reason"), "DEMAND_FULL", "{:#}", r.body);
                }
            }
        }
        assert_eq!(accepted, 3, "exactly three banks hold the demand");
        let seen = app.gql(Some(&owner), DEMAND, json!({ "id": demand })).await;
        assert_eq!(seen.str_at("/data/demand/status"), "IN_PROGRESS");
        assert_eq!(seen.at("/data/demand/responses").as_array().unwrap().len(), 3);
    }

    async fn the_response_journey_to_funded_and_a_rejection_reason(app) {
        let (owner, subject) = enterprise(&app).await;
        let posted = app.gql(Some(&owner), POST_DEMAND, demand_input(&["TAX"])).await;
        posted.ok();
        let demand = posted.str_at("/data/postDemand/id").to_string();
        let (_, lender) = app.lending_bank("放款银行", "4408").await;
        let (_, decliner) = app.lending_bank("拒绝银行", "4408").await;
        let (_, bystander) = app.bank("旁观银行", "4408").await;

        // Only accepting banks gain the shared consent.
        let before = app.gql(Some(&lender), PROFILE, json!({ "s": subject, "p": "LOAN_APPLICATION" })).await;
        assert!(before.error_at_path("creditProfile.tax").is_some(), "no consent before accepting");
        let accepted = app.gql(Some(&lender), ACCEPT, json!({ "d": demand })).await;
        accepted.ok();
        assert_eq!(accepted.at("/data/acceptDemand/respondedWithinSla"), &json!(true));
        let response = accepted.str_at("/data/acceptDemand/id").to_string();
        let after = app.gql(Some(&lender), PROFILE, json!({ "s": subject, "p": "LOAN_APPLICATION" })).await;
        assert!(after.error_at_path("creditProfile.tax").is_none(), "{:#}", after.body);
        assert_eq!(after.str_at("/data/creditProfile/tax/0/grade"), "A");
        assert!(after.error_at_path("creditProfile.authorizedRecords").is_some(), "only TAX was shared");
        let other = app.gql(Some(&bystander), PROFILE, json!({ "s": subject, "p": "LOAN_APPLICATION" })).await;
        assert!(other.error_at_path("creditProfile.tax").is_some(), "a bank that did not accept gains nothing");

        // Disbursing before credit is granted is illegal.
        app.gql(Some(&lender), DISBURSE, disburse_vars(&response)).await.expect_error("INVALID_STATE");
        app.gql(Some(&decliner), GRANT_CREDIT, json!({ "r": response })).await.expect_error("NOT_FOUND");

        // Another bank declines with a reason the enterprise sees.
        let declined = app.gql(Some(&decliner), REJECT, json!({ "d": demand, "r": "INSUFFICIENT_REPAYMENT_CAPACITY", "n": "近一年销售下滑明显" })).await;
        declined.ok();
        let declined_profile = app.gql(Some(&decliner), PROFILE, json!({ "s": subject, "p": "LOAN_APPLICATION" })).await;
        assert!(declined_profile.error_at_path("creditProfile.tax").is_some(), "a declining bank gains nothing");

        app.gql(Some(&lender), GRANT_CREDIT, json!({ "r": response })).await.ok();
        assert_eq!(app.gql(Some(&owner), DEMAND, json!({ "id": demand })).await.str_at("/data/demand/status"), "CREDIT_GRANTED");
        app.gql(Some(&lender), DISBURSE, disburse_vars(&response)).await.ok();
        let done = app.gql(Some(&owner), DEMAND, json!({ "id": demand })).await;
        done.ok();
        assert_eq!(done.str_at("/data/demand/status"), "FUNDED");
        let responses = done.at("/data/demand/responses").as_array().unwrap();
        let rejection = responses.iter().find(|r| r["status"] == "REJECTED").unwrap();
        assert_eq!(rejection["rejectReason"], "INSUFFICIENT_REPAYMENT_CAPACITY");
        assert_eq!(rejection["rejectNote"], "近一年销售下滑明显");
        assert!(responses.iter().any(|r| r["status"] == "DISBURSED" && r["firstLoan"] == true));

        // A bank sees only its own response; a closed demand takes no more responses.
        let bank_view = app.gql(Some(&lender), DEMAND, json!({ "id": demand })).await;
        assert_eq!(bank_view.at("/data/demand/responses").as_array().unwrap().len(), 1);
        app.gql(Some(&bystander), ACCEPT, json!({ "d": demand })).await.expect_error("INVALID_STATE");
        app.gql(Some(&owner), "mutation($id: ID!) { withdrawDemand(id: $id) { status } }", json!({ "id": demand })).await.expect_error("INVALID_STATE");
    }

    async fn demands_are_validated_and_withdrawn(app) {
        let (owner, _) = enterprise(&app).await;
        let mut bad = demand_input(&[]);
        bad["i"]["amount"] = json!("0.00");
        let r = app.gql(Some(&owner), POST_DEMAND, bad).await;
        r.expect_error("BAD_USER_INPUT");
        assert_eq!(r.str_at("/errors/0/extensions/field"), "input.amount");
        let mut public_share = demand_input(&["ADMIN_PENALTY"]);
        public_share["i"]["termMonths"] = json!(12);
        assert_eq!(app.gql(Some(&owner), POST_DEMAND, public_share).await.str_at("/errors/0/extensions/field"), "input.shareWithResponders");
        let (_, bank) = app.bank("某银行", "4408").await;
        app.gql(Some(&bank), POST_DEMAND, demand_input(&[])).await.expect_error("FORBIDDEN");

        let posted = app.gql(Some(&owner), POST_DEMAND, demand_input(&[])).await;
        let demand = posted.str_at("/data/postDemand/id").to_string();
        let w = app.gql(Some(&owner), "mutation($id: ID!) { withdrawDemand(id: $id) { status } }", json!({ "id": demand })).await;
        w.ok();
        assert_eq!(w.str_at("/data/withdrawDemand/status"), "WITHDRAWN");
        let closed = app.gql(Some(&bank), ACCEPT, json!({ "d": demand })).await;
        closed.expect_error("INVALID_STATE");
        assert_eq!(closed.str_at("/errors/0/extensions/reason"), "DEMAND_CLOSED", "{:#}", closed.body);
        let mine = app.gql(Some(&owner), "{ myDemands { totalCount nodes { id status } } }", json!({})).await;
        assert_eq!(mine.at("/data/myDemands/totalCount"), &json!(1));
    }
}

const MATCH: &str = "query($d: ID!, $all: Boolean) { matchProducts(demandId: $d, first: 20, includeIneligible: $all) {
    product { id name } eligible score reasons { code message } unmet { code message } } }";

async fn product(app: &TestApp, bank: &str, name: &str, edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut p = xyd_tests::fixtures::product_input(name, "面向小微企业的经营周转贷款，线上申请");
    edit(&mut p);
    app.published_product(bank, p).await
}

both_backends! {
    async fn matching_explains_ranks_and_names_what_is_missing(app) {
        let (owner, _) = enterprise(&app).await;
        let (_, bank) = app.bank("雷州农商银行", "4408").await;
        let plain = product(&app, &bank, "普通经营贷", |p| p["rateMin"] = json!("4.00")).await;
        let discounted = product(&app, &bank, "守信优惠贷", |p| {
            p["rateMin"] = json!("4.00");
            p["trustedRateDiscount"] = json!("0.50");
        }).await;
        let grade = product(&app, &bank, "高门槛税贷", |p| {
            p["taxBased"] = json!(true);
            p["minTaxGrade"] = json!("A");
        }).await;
        let mortgage = product(&app, &bank, "抵押贷", |p| p["productType"] = json!("MORTGAGE")).await;
        let too_big = product(&app, &bank, "大额贷", |p| p["amountMin"] = json!("1000000.00")).await;
        app.wait_indexed().await;
        let posted = app.gql(Some(&owner), POST_DEMAND, demand_input(&[])).await;
        let demand = posted.str_at("/data/postDemand/id").to_string();

        let r = app.gql(Some(&owner), MATCH, json!({ "d": demand, "all": true })).await;
        r.ok();
        let matches = r.at("/data/matchProducts").as_array().unwrap();
        let of = |id: &str| matches.iter().find(|m| m["product"]["id"] == id).unwrap_or_else(|| panic!("{id} missing: {matches:#?}"));
        assert_eq!(of(&discounted)["eligible"], true);
        assert_eq!(of(&plain)["eligible"], true);
        let position = |id: &str| matches.iter().position(|m| m["product"]["id"] == id).unwrap();
        assert!(position(&discounted) < position(&plain), "the trusted subject's discount ranks it higher");
        assert!(of(&discounted)["reasons"].as_array().unwrap().iter().any(|x| x["code"] == "TRUSTED_DISCOUNT"));
        let unmet = |id: &str| of(id)["unmet"].as_array().unwrap().iter().map(|u| u["code"].as_str().unwrap().to_string()).collect::<Vec<_>>();
        assert_eq!(of(&grade)["eligible"], false);
        assert!(unmet(&grade).contains(&"CONSENT_NEEDED".to_string()), "a tax-based product needs the tax data shared");
        assert_eq!(unmet(&mortgage), vec!["GUARANTEE_TYPE".to_string()]);
        assert_eq!(unmet(&too_big), vec!["AMOUNT_OUT_OF_RANGE".to_string()]);
        assert!(of(&too_big)["unmet"][0]["message"].as_str().unwrap().contains("元"));
        // A shorter page is the head of the longer list, explained alike (the list is ranked before it is explained).
        let head = app.gql(Some(&owner), &MATCH.replace("first: 20", "first: 3"), json!({ "d": demand, "all": true })).await;
        assert_eq!(head.at("/data/matchProducts").as_array().unwrap().as_slice(), &matches[..3]);

        // The matching catalog sees a product leave the shelf on the next request.
        app.gql(Some(&bank), "mutation($id: ID!) { suspendProduct(id: $id) { status } }", json!({ "id": plain })).await.ok();
        let after = app.gql(Some(&owner), MATCH, json!({ "d": demand, "all": true })).await;
        assert!(after.at("/data/matchProducts").as_array().unwrap().iter().all(|m| m["product"]["id"] != plain.as_str()));

        let eligible_only = app.gql(Some(&owner), MATCH, json!({ "d": demand, "all": false })).await;
        assert!(eligible_only.at("/data/matchProducts").as_array().unwrap().iter().all(|m| m["eligible"] == true));
        app.gql(Some(&bank), MATCH, json!({ "d": demand, "all": true })).await.expect_error("FORBIDDEN");
    }

    async fn banks_see_servable_demands_as_opportunities(app) {
        let (owner, _) = enterprise(&app).await;
        let (_, serving) = app.bank("服务银行", "4408").await;
        let (_, elsewhere) = app.bank("外地银行", "4401").await;
        let (_, no_products) = app.bank("无产品银行", "4408").await;
        product(&app, &serving, "经营贷", |_| {}).await;
        let posted = app.gql(Some(&owner), POST_DEMAND, demand_input(&[])).await;
        let demand = posted.str_at("/data/postDemand/id").to_string();
        let q = "{ opportunities(first: 10) { nodes { id amount subject { legalRepName } } pageInfo { hasNextPage } } }";
        let seen = app.gql(Some(&serving), q, json!({})).await;
        seen.ok();
        assert_eq!(seen.str_at("/data/opportunities/nodes/0/id"), demand);
        assert_eq!(seen.str_at("/data/opportunities/nodes/0/subject/legalRepName"), "张*", "banks see only what is shared");
        assert_eq!(app.gql(Some(&elsewhere), q, json!({})).await.at("/data/opportunities/nodes"), &json!([]));
        assert_eq!(app.gql(Some(&no_products), q, json!({})).await.at("/data/opportunities/nodes"), &json!([]));
        let contact = "query($id: ID!) { demand(id: $id) { contact { legalRepName phone } } }";
        assert!(app.gql(Some(&serving), contact, json!({ "id": demand })).await.at("/data/demand/contact").is_null(), "no contact before accepting");
        app.gql(Some(&serving), ACCEPT, json!({ "d": demand })).await.ok();
        let after = app.gql(Some(&serving), contact, json!({ "id": demand })).await;
        assert_eq!(after.str_at("/data/demand/contact/legalRepName"), "张三", "contact details after acceptance");
        assert_eq!(after.str_at("/data/demand/contact/phone"), "13800138000");
        assert_eq!(app.gql(Some(&serving), q, json!({})).await.at("/data/opportunities/nodes"), &json!([]), "answered demands leave the feed");
        app.gql(Some(&owner), q, json!({})).await.expect_error("FORBIDDEN");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_opportunities_arrive_over_the_subscription() {
    use futures::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;

    let app = TestApp::spawn(xyd_tests::Backend::Sqlite).await.unwrap();
    let (owner, _) = enterprise(&app).await;
    let (_, bank) = app.bank("订阅银行", "4408").await;
    product(&app, &bank, "经营贷", |_| {}).await;

    let mut request = format!("{}/graphql/ws", app.base_url.replacen("http", "ws", 1)).into_client_request().unwrap();
    request.headers_mut().insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let init = json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {bank}") } });
    ws.send(Message::Text(init.to_string().into())).await.unwrap();
    let subscribe = json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { newOpportunities { id amount } }" } });
    ws.send(Message::Text(subscribe.to_string().into())).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;

    let posted = app.gql(Some(&owner), POST_DEMAND, demand_input(&[])).await;
    let demand = posted.str_at("/data/postDemand/id").to_string();
    let next = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        while let Some(Ok(message)) = ws.next().await {
            if let Message::Text(text) = message {
                let v: serde_json::Value = serde_json::from_str(&text).unwrap();
                if v["type"] == "next" {
                    return v;
                }
            }
        }
        panic!("the socket closed without an opportunity");
    })
    .await
    .expect("an opportunity within 10 s");
    assert_eq!(next["payload"]["data"]["newOpportunities"]["id"], demand.as_str());
    assert_eq!(next["payload"]["data"]["newOpportunities"]["amount"], "500000.00");
}

both_backends! {
    async fn expired_demands_close_as_expired_or_unfunded(app) {
        use sea_orm::{ConnectionTrait, Statement};
        let (owner, _) = enterprise(&app).await;
        let (_, bank) = app.lending_bank("拒绝银行", "4408").await;
        let quiet = app.gql(Some(&owner), POST_DEMAND, demand_input(&[])).await.str_at("/data/postDemand/id").to_string();
        let declined = app.gql(Some(&owner), POST_DEMAND, demand_input(&[])).await.str_at("/data/postDemand/id").to_string();
        app.gql(Some(&bank), REJECT, json!({ "d": declined, "r": "OUTSIDE_PRODUCT_SCOPE" })).await.ok();
        // Time passes: both demands are past their expiry and past the first-response SLA.
        let db = app.db().conn();
        let past = chrono::Utc::now() - chrono::Duration::days(1);
        let sql = if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            "UPDATE demands SET expires_at = $1, first_response_due_at = $1"
        } else {
            "UPDATE demands SET expires_at = ?1, first_response_due_at = ?1"
        };
        db.execute_raw(Statement::from_sql_and_values(db.get_database_backend(), sql, [past.into()])).await.unwrap();
        let overdue = app.gql(Some(&owner), "query($id: ID!) { demand(id: $id) { responseOverdue } }", json!({ "id": quiet })).await;
        assert_eq!(overdue.at("/data/demand/responseOverdue"), &json!(true));
        assert_eq!(xinyidai::demands::close_expired(&app.state).await.unwrap(), 2);
        let status = |id: String| {
            let app = &app;
            let owner = owner.clone();
            async move { app.gql(Some(&owner), DEMAND, json!({ "id": id })).await.str_at("/data/demand/status").to_string() }
        };
        assert_eq!(status(quiet).await, "EXPIRED");
        assert_eq!(status(declined).await, "UNFUNDED", "every responder declined");
    }

    async fn a_restricted_subject_is_excluded_from_clean_record_products(app) {
        let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
        let code = uscc(9);
        let (owner, _) = app.verified_enterprise(&bureau, &code, "雷州市受限测试有限公司", "孙九").await;
        app.import(&bureau, "CREDIT", xyd_tests::fixtures::credit_csv(&[(&code, "SERIOUS_DISHONESTY", "失信〔2025〕9号", "列入严重失信主体名单")])).await.ok();
        let (_, bank) = app.bank("雷州农商银行", "4408").await;
        let clean = product(&app, &bank, "需无失信记录", |_| {}).await;
        let demand = app.gql(Some(&owner), POST_DEMAND, demand_input(&[])).await.str_at("/data/postDemand/id").to_string();
        let r = app.gql(Some(&owner), MATCH, json!({ "d": demand, "all": true })).await;
        r.ok();
        let m = r.at("/data/matchProducts").as_array().unwrap().iter().find(|m| m["product"]["id"] == clean.as_str()).unwrap().clone();
        assert_eq!(m["eligible"], false);
        let codes: Vec<&str> = m["unmet"].as_array().unwrap().iter().map(|u| u["code"].as_str().unwrap()).collect();
        assert!(codes.contains(&"RESTRICTED"), "{m:#}");
    }
}

both_backends! {
    async fn generated_demand_histories_load_consistently(app) {
        use sea_orm::{ConnectionTrait, Statement};
        let options = xyd_datagen::demands::DemandOptions {
            registry: xyd_datagen::registry::RegistryOptions { rows: 2_000, ..Default::default() },
            demands: 300,
            start: chrono::Utc::now() - chrono::Duration::days(180),
            months: 6,
            ..Default::default()
        };
        let seeded = xyd_cli::gen_data::demands::seed(&app.state, &options).await.unwrap();
        assert_eq!(seeded.demands, 300);
        assert!(seeded.responses > 200, "{seeded:?}");
        let db = app.db().conn();
        let one = |sql: &'static str| async move {
            let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
            row.try_get::<i64>("", "n").unwrap()
        };
        assert_eq!(one("SELECT COUNT(*) AS n FROM demands").await, 300);
        // A demand is FUNDED exactly when one of its responses is DISBURSED.
        assert_eq!(
            one("SELECT COUNT(*) AS n FROM demands d WHERE (d.status = 'FUNDED') <> EXISTS (SELECT 1 FROM bank_responses r WHERE r.demand_id = d.id AND r.status = 'DISBURSED')").await,
            0
        );
        assert_eq!(one("SELECT COUNT(*) AS n FROM (SELECT demand_id FROM bank_responses WHERE status IN ('ACCEPTED','CREDIT_GRANTED') GROUP BY demand_id HAVING COUNT(*) > 3) x").await, 0);
        assert!(one("SELECT COUNT(*) AS n FROM bank_responses WHERE first_loan").await > 0, "some first loans");
        assert!(one("SELECT COUNT(*) AS n FROM bank_responses WHERE NOT responded_within_sla").await > 0, "some SLA breaches");
        assert_eq!(one("SELECT COUNT(*) AS n FROM bank_responses r JOIN demands d ON d.id = r.demand_id WHERE r.first_responded_at < d.posted_at").await, 0);
    }
}
