//! The bureau's dashboard (GET /dashboard) in a real headless Chromium: a county bureau logs in through the form
//! (a wrong password first: the server's Chinese message), every headline figure (`data-indicator`) and every
//! row of the bank league table is read back and compared with what `indicators` and `bankLeague` return for the
//! same region and period (the last 12 whole months in Asia/Shanghai), the town ranking shows names and no
//! codes, the monthly chart has a bar per non-zero month figure, and logging out forgets the session. Without a
//! browser: the page and its assets are served by the binary and name nothing outside it.
//!
//! Display rules (the same as the comment at the top of `api/assets/dashboard/dashboard.js`):
//! - Int: plain digits without separators ("1234");
//! - ratio (Float 0..1): percent with 2 decimals ("12.34%");
//! - Money (decimal yuan string): 万元 with 2 decimals, halves away from zero ("150.00万元" for "1500000.00");
//! - hours: 1 decimal and 小时 ("36.5小时");
//! - null: "—".
//!
//! Ratios and hours are parsed back and must lie within half a unit of the last digit shown (JavaScript's and
//! Rust's float formatting may round an exact tie differently); integers and money must match exactly.
//!
//! The world: a 雷州 registry snapshot six months back (5 存续 subjects, 1 吊销, 1 row with a broken code), three
//! subjects registered and verified then, and in the period: 甲 lends 800,000 (a first loan) in the last month,
//! 乙 answers late and lends 300,000 four months back, one demand two months back is never answered, one
//! objection is open past its deadline. The API writes the events now; they are then moved into the period
//! (the summaries follow by their triggers).
//!
//! SQLite only: the page reads the same GraphQL on both databases, which the indicator tests cover. Without
//! Chromium the browser part is skipped with a warning, except in CI (`CI=true`), where that fails.

use std::path::PathBuf;
use std::time::Duration as Wait;

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use xinyidai::credit::entity::objection;
use xinyidai::demands::entity::{demand, response};
use xinyidai::subjects::entity as subject;
use xyd_domain::{DemandId, ObjectionId, ResponseId};
use xyd_testkit::{Browser, Page};
use xyd_tests::fixtures::{
    LEGAL_REP_ID, POST_DEMAND, REGISTER, broken, credit_csv, demand_input, product_input, registration, uscc,
};
use xyd_tests::{Backend, TestApp};

const BUREAU_EMAIL: &str = "desk@leizhou-fgj.test";
const BUREAU_PASSWORD: &str = "Staff12345";
const COUNTY: &str = "440882";

#[derive(Clone, Copy, Debug)]
enum Rule {
    Int,
    Ratio,
    Money,
    Hours,
}

/// Every headline figure the page shows, with its display rule.
/// Figure paths: a dotted path names a field of a nested object (`persons.borrowers`).
const FIGURES: [(&str, Rule); 23] = [
    ("existingSubjects", Rule::Int),
    ("registeredSubjects", Rule::Int),
    ("verifiedSubjects", Rule::Int),
    ("registrationRate", Rule::Ratio),
    ("erroneousCodeRate", Rule::Ratio),
    ("demandsPosted", Rule::Int),
    ("demandAmount", Rule::Money),
    ("disbursedCount", Rule::Int),
    ("disbursedAmount", Rule::Money),
    ("loanObtainingSubjects", Rule::Int),
    ("loanObtainingRatio", Rule::Ratio),
    ("firstLoanSubjects", Rule::Int),
    ("creditLoanShare", Rule::Ratio),
    ("responseRate", Rule::Ratio),
    ("medianResponseHours", Rule::Hours),
    ("overdueResponses", Rule::Int),
    ("openObjections", Rule::Int),
    ("overdueObjections", Rule::Int),
    ("persons.registered", Rule::Int),
    ("persons.verified", Rule::Int),
    ("persons.disbursedCount", Rule::Int),
    ("persons.disbursedAmount", Rule::Money),
    ("persons.borrowers", Rule::Int),
];

const LEAGUE: &str = "query($i: IndicatorQuery!) { bankLeague(input: $i) { bank { name } respondedDemands
    respondedWithinSla slaBreaches medianResponseHours disbursedCount disbursedAmount } }";
const MONTHS: &str =
    "query($i: IndicatorQuery!) { indicators(input: $i) { rows { key demandsPosted disbursedCount } } }";
const REGION: &str = "query($c: String!) { region(code: $c) { name fullName } }";
const ACCEPT: &str = "mutation($d: ID!) { acceptDemand(demandId: $d) { id } }";
const GRANT_CREDIT: &str = "mutation($r: ID!, $i: CreditGrantInput!) { grantCredit(responseId: $r, input: $i) { id } }";
const DISBURSE: &str =
    "mutation($r: ID!, $i: DisbursementInput!) { recordDisbursement(responseId: $r, input: $i) { status } }";

/// The page is ready: every figure has its text and the three charts are drawn.
fn ready() -> String {
    format!(
        "document.body.dataset.state === 'ready'
           && document.querySelectorAll('[data-indicator]').length === {}
           && [...document.querySelectorAll('[data-indicator]')].every((e) => e.textContent.trim() !== '')
           && document.querySelectorAll('svg[data-chart][data-ready]').length === 3",
        FIGURES.len()
    )
}

/// Fill the login form as a person would and press 登录.
const SUBMIT_LOGIN: &str = r#"((email, password) => {
    const form = document.getElementById('login-form');
    for (const [name, value] of [['email', email], ['password', password]]) {
        const input = form.querySelector('input[name="' + name + '"]');
        input.value = value;
        input.dispatchEvent(new Event('input', { bubbles: true }));
    }
    form.querySelector('button[type="submit"]').click();
    return true;
})"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_shows_what_the_indicators_return() {
    let Some(app) = TestApp::spawn(Backend::Sqlite).await else { return };
    page_and_assets_are_served_by_the_binary(&app).await;

    let Some(browser) = browser().await else { return };
    let bureau = build(&app).await;
    let (from, to) = last_twelve_months();
    let input = json!({ "from": from.to_string(), "to": to.to_string(), "regionCode": COUNTY });
    let totals = app.gql(Some(&bureau), TOTALS, json!({ "i": input })).await;
    totals.ok();
    let totals = totals.at("/data/indicators/totals").clone();
    for (field, expected) in [
        ("existingSubjects", json!(5)),
        ("registeredSubjects", json!(3)),
        ("demandsPosted", json!(3)),
        ("disbursedCount", json!(2)),
        ("disbursedAmount", json!("1100000.00")),
        // Definitions v3 compute 首贷: each borrower's first loan here, though 乙 declared its loan no first one.
        ("firstLoanSubjects", json!(2)),
        ("openObjections", json!(1)),
    ] {
        assert_eq!(totals[field], expected, "{field} of the world: {totals:#}");
    }

    // The page: a wrong password first, then the bureau.
    let page = browser.new_page().await;
    page.goto(&app.url("/dashboard")).await;
    wait(&page, "document.body.dataset.state === 'login'", 20).await;
    submit_login(&page, BUREAU_EMAIL, "NotThePassword1").await;
    wait(&page, "!document.getElementById('login-error').hidden", 20).await;
    let refused = page.eval("document.getElementById('login-error').textContent").await;
    let refused = refused.as_str().unwrap_or_default();
    assert!(refused.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "a Chinese message: {refused:?}");
    assert_eq!(page.eval("document.getElementById('desk').hidden").await, json!(true));
    let desk =
        Desk { bureau: &bureau, email: BUREAU_EMAIL, password: BUREAU_PASSWORD, region: COUNTY, town: "440882100" };
    let banks = desk.shows_what_graphql_returns(&app, &page, "dashboard.png").await;
    assert_eq!(banks, 2);
    browser.close().await;
}

/// Headless Chromium, or none with a warning outside CI (in CI a missing browser fails the test).
pub async fn browser() -> Option<Browser> {
    let browser = Browser::launch().await;
    if browser.is_none() {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "chromium is required in CI (scripts/install-browser.sh installs it)"
        );
        eprintln!("warning: no Chromium (XYD_CHROMIUM, or scripts/install-browser.sh): the browser check is skipped");
    }
    browser
}

const TOTALS: &str = "query($i: IndicatorQuery!) { indicators(input: $i) { totals { existingSubjects registeredSubjects
    demandsPosted disbursedCount disbursedAmount firstLoanSubjects openObjections } } }";

/// A bureau's login and what its desk must show.
pub struct Desk<'a> {
    pub bureau: &'a str,
    pub email: &'a str,
    pub password: &'a str,
    pub region: &'a str,
    /// A town whose name the ranking must show.
    pub town: &'a str,
}

impl Desk<'_> {
    /// Log in on `page` (at the login form), keep a screenshot as `shot`, and check every figure, the league, the
    /// ranking and the monthly chart against GraphQL over the last 12 whole months; logs out. The league's size.
    pub async fn shows_what_graphql_returns(&self, app: &TestApp, page: &Page, shot: &str) -> usize {
        let (from, to) = last_twelve_months();
        let input = json!({ "from": from.to_string(), "to": to.to_string(), "regionCode": self.region });
        let bureau = self.bureau;
        // What GraphQL says.
        let fields: Vec<&str> = FIGURES.iter().map(|(field, _)| *field).collect();
        let (flat, persons): (Vec<&str>, Vec<&str>) = fields.iter().copied().partition(|f| !f.contains('.'));
        let persons: Vec<&str> = persons.iter().map(|f| f.trim_start_matches("persons.")).collect();
        let totals_query = format!(
            "query($i: IndicatorQuery!) {{ indicators(input: $i) {{ totals {{ {} persons {{ {} }} }} }} }}",
            flat.join(" "),
            persons.join(" ")
        );
        let report = app.gql(Some(bureau), &totals_query, json!({ "i": input })).await;
        report.ok();
        let totals = report.at("/data/indicators/totals").clone();
        let league = app.gql(Some(bureau), LEAGUE, json!({ "i": input })).await;
        league.ok();
        let league = league.at("/data/bankLeague").as_array().unwrap().clone();
        let mut by_month = input.clone();
        by_month["groupBy"] = json!("MONTH");
        let months = app.gql(Some(bureau), MONTHS, json!({ "i": by_month })).await;
        months.ok();
        let county = app.gql(None, REGION, json!({ "c": self.region })).await;
        county.ok();
        let town = app.gql(None, REGION, json!({ "c": self.town })).await;
        town.ok();
        let town_name = town.str_at("/data/region/name").to_string();

        submit_login(page, self.email, self.password).await;
        let ready = page.wait_for(&ready(), Wait::from_secs(60)).await;
        let shot = artifact(shot);
        match page.screenshot(&shot).await {
            Ok(()) => println!("dashboard screenshot: {}", shot.display()),
            Err(e) => eprintln!("warning: no screenshot: {e}"),
        }
        if let Err(e) = ready {
            panic!("{e}\n{}", diagnose(page).await);
        }

        // The title and the period.
        assert_eq!(
            page.eval("document.querySelector('[data-region-title]').textContent").await,
            county.at("/data/region/fullName").clone()
        );
        let period = page
            .eval("[document.getElementById('period').dataset.from, document.getElementById('period').dataset.to]")
            .await;
        assert_eq!(period, json!([from.to_string(), to.to_string()]));

        // Every headline figure, under the display rules.
        let shown = page
            .eval("Object.fromEntries([...document.querySelectorAll('[data-indicator]')].map((e) => [e.dataset.indicator, e.textContent.trim()]))")
            .await;
        let mut shown_fields: Vec<&String> = shown.as_object().unwrap().keys().collect();
        shown_fields.sort();
        let mut expected_fields = fields.clone();
        expected_fields.sort_unstable();
        assert_eq!(shown_fields, expected_fields, "one element per figure");
        for (field, rule) in FIGURES {
            let value = totals.pointer(&format!("/{}", field.replace('.', "/"))).unwrap();
            check(field, rule, shown[field].as_str().unwrap(), value);
        }

        // The bank league table: every bank with its figures, most money first.
        let table = page
            .eval(
                "[...document.querySelectorAll('#league-table tbody tr[data-bank]')].map((tr) => Object.fromEntries(
                    [['bank', tr.dataset.bank], ...[...tr.querySelectorAll('td[data-field]')].map((td) => [td.dataset.field, td.textContent.trim()])]))",
            )
            .await;
        let table = table.as_array().unwrap();
        assert_eq!(table.len(), league.len(), "{table:#?}");
        for row in &league {
            let name = row["bank"]["name"].as_str().unwrap();
            let line =
                table.iter().find(|t| t["bank"] == name).unwrap_or_else(|| panic!("no line for {name}: {table:#?}"));
            let text = |field: &str| line[field].as_str().unwrap_or_else(|| panic!("{name}: no {field}")).to_string();
            check(&format!("{name} disbursedCount"), Rule::Int, &text("disbursedCount"), &row["disbursedCount"]);
            check(&format!("{name} disbursedAmount"), Rule::Money, &text("disbursedAmount"), &row["disbursedAmount"]);
            check(&format!("{name} respondedDemands"), Rule::Int, &text("respondedDemands"), &row["respondedDemands"]);
            check(&format!("{name} slaBreaches"), Rule::Int, &text("slaBreaches"), &row["slaBreaches"]);
            check(
                &format!("{name} medianResponseHours"),
                Rule::Hours,
                &text("medianResponseHours"),
                &row["medianResponseHours"],
            );
            let responded = row["respondedDemands"].as_i64().unwrap();
            let on_time = if responded > 0 {
                json!(row["respondedWithinSla"].as_i64().unwrap() as f64 / responded as f64)
            } else {
                Value::Null
            };
            check(&format!("{name} onTimeRate"), Rule::Ratio, &text("onTimeRate"), &on_time);
        }
        let amounts: Vec<i64> =
            table.iter().map(|t| fen(t["disbursedAmount"].as_str().unwrap().trim_end_matches("万元"))).collect();
        assert!(amounts.windows(2).all(|w| w[0] >= w[1]), "ranked by disbursed amount: {amounts:?}");

        // The town ranking names towns, never a bare code.
        let ranking = page.eval("document.querySelector('svg[data-chart=\"regionRanking\"]').textContent").await;
        let ranking = ranking.as_str().unwrap();
        assert!(ranking.contains(&town_name), "{town_name} in the ranking: {ranking}");
        assert!(!has_digit_run(ranking, 9), "a bare region code in the ranking: {ranking}");

        // The monthly chart: one bar per month and series with a non-zero figure.
        let expected_bars: usize = months
            .at("/data/indicators/rows")
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                usize::from(r["demandsPosted"].as_i64() > Some(0)) + usize::from(r["disbursedCount"].as_i64() > Some(0))
            })
            .sum();
        assert!(expected_bars >= 3);
        let bars = page.eval("document.querySelectorAll('svg[data-chart=\"monthlyTrend\"] rect.bar').length").await;
        assert_eq!(bars, json!(expected_bars));
        let league_chart = page.eval("document.querySelector('svg[data-chart=\"bankLeague\"]').textContent").await;
        assert!(league_chart.as_str().unwrap().contains(league[0]["bank"]["name"].as_str().unwrap()));

        // Logging out returns to the form and forgets the token.
        page.eval("document.getElementById('logout').click()").await;
        wait(page, "document.body.dataset.state === 'login' && document.getElementById('desk').hidden", 20).await;
        assert_eq!(page.eval("sessionStorage.getItem('xyd.dashboard.session')").await, Value::Null);

        league.len()
    }
}

/// The page, its script and its stylesheet come from the server, reference nothing outside it, and run under a
/// Content-Security-Policy that forbids inline scripts.
async fn page_and_assets_are_served_by_the_binary(app: &TestApp) {
    let page = app.http.get(app.url("/dashboard")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let csp = page.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{csp}");
    let html = page.text().await.unwrap();
    assert_eq!(html.matches("<script").count(), html.matches("<script src=").count(), "no inline script");
    assert!(!html.contains("<style") && !html.contains(" style="), "no inline style");
    for needle in ["name=\"email\"", "name=\"password\"", "type=\"password\"", "type=\"submit\"", "登录"] {
        assert!(html.contains(needle), "the login form has {needle}");
    }
    let mut assets = references(&html);
    assets.sort();
    assert_eq!(assets, ["/dashboard/dashboard.css", "/dashboard/dashboard.js"]);
    let mut texts = vec![("/dashboard".to_string(), html)];
    for asset in assets {
        let response = app.http.get(app.url(&asset)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{asset}");
        let content_type = response.headers()["content-type"].to_str().unwrap().to_string();
        let expected = if asset.ends_with(".js") { "text/javascript" } else { "text/css" };
        assert!(content_type.starts_with(expected), "{asset}: {content_type}");
        assert!(response.headers().contains_key("cache-control"), "{asset}");
        texts.push((asset, response.text().await.unwrap()));
    }
    for (name, text) in &texts {
        assert!(!text.contains("http://") && !text.contains("https://"), "{name} references an external URL");
    }
    let missing = app.http.get(app.url("/dashboard/nothing.js")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
}

/// The `src` and `href` values of a page.
fn references(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in ["src=\"", "href=\""] {
        let mut rest = html;
        while let Some(at) = rest.find(attribute) {
            rest = &rest[at + attribute.len()..];
            if let Some(end) = rest.find('"') {
                found.push(rest[..end].to_string());
            }
        }
    }
    found
}

/// Build the world of the module comment; returns the bureau's access token.
async fn build(app: &TestApp) -> String {
    let admin = app.admin_token().await;
    app.gql(
        Some(&admin),
        "mutation($i: CreateInstitutionInput!) { createInstitution(input: $i) { id } }",
        json!({ "i": { "kind": "BUREAU", "name": "雷州市发展和改革局", "regionCode": COUNTY,
                       "adminEmail": BUREAU_EMAIL, "adminPassword": BUREAU_PASSWORD } }),
    )
    .await
    .ok();
    let bureau = app.tokens(BUREAU_EMAIL, BUREAU_PASSWORD).await.access;

    // The registry, six months back: 5 存续, 1 吊销, and a broken code (重错码).
    let snapshot = month_start(6);
    let mut csv = String::from(
        "uscc,name,kind,region_code,industry_code,legal_rep_name,legal_rep_id_number,established_on,status,snapshot_date\n",
    );
    let listed = [
        (uscc(1), "雷州市白沙海产品有限公司", "王海", "440882100", "存续"),
        (uscc(2), "雷州市沈塘农业发展有限公司", "李田", "440882101", "存续"),
        (uscc(3), "雷州市白沙五金有限公司", "陈五", "440882100", "存续"),
        (uscc(4), "雷州市沈塘糖业有限公司", "林糖", "440882101", "存续"),
        (uscc(5), "雷州市客路食品有限公司", "吴食", "440882102", "存续"),
        (uscc(6), "雷州市白沙建材有限公司", "黄材", "440882100", "吊销"),
        (broken(&uscc(7)), "雷州市错码有限公司", "赵错", "440882100", "存续"),
    ];
    for (code, name, rep, town, status) in &listed {
        csv.push_str(&format!("{code},{name},企业,{town},C1391,{rep},{LEGAL_REP_ID},2015-06-01,{status},{snapshot}\n"));
    }
    let imported = app.import(&bureau, "REGISTRY", csv.into_bytes()).await;
    imported.ok();
    assert_eq!(imported.at("/data/importRecords/invalidCodeRows"), &json!(1), "{:#}", imported.body);

    // Three of them register (and are verified at once).
    let (a, subject_a) = register(app, 1, "雷州市白沙海产品有限公司", "王海", "440882100").await;
    let (b, _) = register(app, 2, "雷州市沈塘农业发展有限公司", "李田", "440882101").await;
    let (c, _) = register(app, 3, "雷州市白沙五金有限公司", "陈五", "440882100").await;

    // Two banks: 甲 lends on a credit product, 乙 on a guarantee product.
    let (_, jia) = app.bank("雷州农村商业银行", "4408").await;
    let jia_product = app.published_product(&jia, product_input("雷农商信易贷", "经营周转，纯信用")).await;
    let (_, yi) = app.bank("建设银行雷州支行", "4408").await;
    let mut guarantee = product_input("建行担保快贷", "经营周转，担保贷款");
    guarantee["productType"] = json!("GUARANTEE");
    let yi_product = app.published_product(&yi, guarantee).await;

    let demand_a = post_demand(app, &a, "800000.00").await;
    let loan_a = lend(app, &jia, &demand_a, &jia_product, "800000.00", true).await;
    let demand_b = post_demand(app, &b, "300000.00").await;
    let loan_b = lend(app, &yi, &demand_b, &yi_product, "300000.00", false).await;
    let demand_c = post_demand(app, &c, "200000.00").await;

    // A disputes a penalty record.
    let penalty = credit_csv(&[(&uscc(1), "ADMIN_PENALTY", "雷市监罚〔2026〕8号", "行政处罚")]);
    app.import(&bureau, "CREDIT", penalty).await.ok();
    let records = app
        .gql(Some(&a), "query($id: ID!) { creditRecords(subjectId: $id) { id title } }", json!({ "id": subject_a }))
        .await;
    records.ok();
    let record =
        records.at("/data/creditRecords").as_array().unwrap().iter().find(|r| r["title"] == "行政处罚").unwrap()["id"]
            .clone();
    let filed = app
        .gql(
            Some(&a),
            "mutation($r: ID!) { fileObjection(recordId: $r, reason: \"该处罚已撤销，附撤销决定书\") { id } }",
            json!({ "r": record }),
        )
        .await;
    filed.ok();
    let objection_id = ObjectionId::parse(filed.str_at("/data/fileObjection/id")).unwrap();

    // Into the period: registered six months back, lending one and four months back, an unanswered demand and
    // the objection (due 20 days after filing) in between.
    let conn = app.db().conn();
    let registered = instant(6, 13, 2);
    subject::Entity::update_many()
        .col_expr(subject::Column::RegisteredAt, Expr::value(registered))
        .col_expr(subject::Column::VerifiedAt, Expr::value(Some(registered)))
        .exec(conn)
        .await
        .unwrap();
    backdate(app, &demand_a, Some(&loan_a), instant(1, 9, 2), 20).await;
    backdate(app, &demand_b, Some(&loan_b), instant(4, 9, 2), 120).await;
    backdate(app, &demand_c, None, instant(2, 9, 2), 0).await;
    objection::Entity::update_many()
        .col_expr(objection::Column::FiledAt, Expr::value(instant(3, 4, 2)))
        .col_expr(objection::Column::DueAt, Expr::value(instant(3, 24, 2)))
        .filter(objection::Column::Id.eq(objection_id))
        .exec(conn)
        .await
        .unwrap();
    bureau
}

/// Register subject `n` of 雷州 in `town`; it is verified against the registry. Returns (token, subject id).
async fn register(app: &TestApp, n: u32, name: &str, legal_rep: &str, town: &str) -> (String, String) {
    let email = format!("{}@ent.test", uuid::Uuid::now_v7().simple());
    let mut variables = registration(&uscc(n), name, legal_rep, &email);
    variables["i"]["regionCode"] = json!(town);
    let r = app.gql(None, REGISTER, variables).await;
    r.ok();
    assert_eq!(r.at("/data/registerSubject/user/subject/verified"), &json!(true), "{:#}", r.body);
    (
        r.str_at("/data/registerSubject/accessToken").to_string(),
        r.str_at("/data/registerSubject/user/subject/id").to_string(),
    )
}

async fn post_demand(app: &TestApp, owner: &str, amount: &str) -> String {
    let mut input = demand_input(&[]);
    input["i"]["amount"] = json!(amount);
    let r = app.gql(Some(owner), POST_DEMAND, input).await;
    r.ok();
    r.str_at("/data/postDemand/id").to_string()
}

/// `bank` accepts `demand`, grants `amount` on `product` and pays it out now. Returns the response id.
async fn lend(app: &TestApp, bank: &str, demand: &str, product: &str, amount: &str, first_loan: bool) -> String {
    let accepted = app.gql(Some(bank), ACCEPT, json!({ "d": demand })).await;
    accepted.ok();
    let response = accepted.str_at("/data/acceptDemand/id").to_string();
    let grant = json!({ "amount": amount, "annualRate": "3.85", "termMonths": 12, "productId": product });
    app.gql(Some(bank), GRANT_CREDIT, json!({ "r": response, "i": grant })).await.ok();
    let paid = json!({ "amount": amount, "disbursedAt": Utc::now().to_rfc3339(), "firstLoan": first_loan });
    app.gql(Some(bank), DISBURSE, json!({ "r": response, "i": paid })).await.ok();
    response
}

/// Move a demand posted now to `posted` (first response due three days later) and its response, if any, to
/// `answer_hours` after posting (late past 72 hours), with the grant a day and the payment two days after that.
async fn backdate(app: &TestApp, demand_id: &str, response_id: Option<&str>, posted: DateTime<Utc>, answer_hours: i64) {
    let conn = app.db().conn();
    demand::Entity::update_many()
        .col_expr(demand::Column::PostedAt, Expr::value(posted))
        .col_expr(demand::Column::FirstResponseDueAt, Expr::value(posted + Duration::days(3)))
        .filter(demand::Column::Id.eq(DemandId::parse(demand_id).unwrap()))
        .exec(conn)
        .await
        .unwrap();
    let Some(response_id) = response_id else { return };
    let answered = posted + Duration::hours(answer_hours);
    let granted = answered + Duration::days(1);
    let paid = granted + Duration::days(1);
    response::Entity::update_many()
        .col_expr(response::Column::FirstRespondedAt, Expr::value(answered))
        .col_expr(response::Column::RespondedWithinSla, Expr::value(answer_hours <= 72))
        .col_expr(response::Column::AcceptedAt, Expr::value(Some(answered)))
        .col_expr(response::Column::CreditDueAt, Expr::value(Some(answered + Duration::days(14))))
        .col_expr(response::Column::CreditGrantedAt, Expr::value(Some(granted)))
        .col_expr(response::Column::ChosenAt, Expr::value(Some(granted)))
        .col_expr(response::Column::DisbursedAt, Expr::value(Some(paid)))
        .col_expr(response::Column::UpdatedAt, Expr::value(paid))
        .filter(response::Column::Id.eq(ResponseId::parse(response_id).unwrap()))
        .exec(conn)
        .await
        .unwrap();
}

/// Today in Asia/Shanghai (UTC+8 all year).
fn shanghai_today() -> NaiveDate {
    (Utc::now() + Duration::hours(8)).date_naive()
}

/// The first day of the month `back` months before the current one, in Asia/Shanghai.
fn month_start(back: u32) -> NaiveDate {
    let first = shanghai_today().with_day(1).unwrap();
    first.checked_sub_months(Months::new(back)).unwrap()
}

/// `days` days after the first of the month `back` months ago, at `hour`:00 UTC.
fn instant(back: u32, days: i64, hour: u32) -> DateTime<Utc> {
    month_start(back).and_hms_opt(hour, 0, 0).unwrap().and_utc() + Duration::days(days)
}

/// The page's period: [the first day of the month 12 months back, the first day of this month).
fn last_twelve_months() -> (NaiveDate, NaiveDate) {
    (month_start(12), month_start(0))
}

async fn submit_login(page: &Page, email: &str, password: &str) {
    let call = format!("{SUBMIT_LOGIN}({}, {})", Value::from(email), Value::from(password));
    page.eval(&call).await;
}

async fn wait(page: &Page, condition: &str, seconds: u64) {
    if let Err(e) = page.wait_for(condition, Wait::from_secs(seconds)).await {
        panic!("{e}\n{}", diagnose(page).await);
    }
}

/// What the page shows and logged, for a failure message.
async fn diagnose(page: &Page) -> String {
    let state = page
        .try_eval(
            "JSON.stringify({ state: document.body.dataset.state, status: document.getElementById('status').textContent,
                deskError: document.getElementById('desk-error').textContent,
                loginError: document.getElementById('login-error').textContent })",
        )
        .await;
    format!("page: {state:?}\nbrowser log:\n{}", page.log().await.join("\n"))
}

/// `target/test-artifacts/<name>` at the workspace root.
fn artifact(name: &str) -> PathBuf {
    // The run-time manifest dir: with a shared compile cache, the compile-time one may be another checkout.
    let manifest =
        std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    manifest.join("..").join("target").join("test-artifacts").join(name)
}

/// Compare a figure as displayed with its GraphQL value under the display rules.
fn check(field: &str, rule: Rule, shown: &str, value: &Value) {
    if value.is_null() {
        assert_eq!(shown, "—", "{field}: null is shown as a dash");
        return;
    }
    match rule {
        Rule::Int => assert_eq!(shown, value.as_i64().unwrap().to_string(), "{field}"),
        Rule::Money => assert_eq!(shown, wan(value.as_str().unwrap()), "{field} ({value})"),
        Rule::Ratio => {
            let percent = decimal(field, shown, "%", 2);
            let expected = value.as_f64().unwrap() * 100.0;
            assert!((percent - expected).abs() <= 0.005 + 1e-9, "{field}: {shown} for {value}");
        }
        Rule::Hours => {
            let hours = decimal(field, shown, "小时", 1);
            let expected = value.as_f64().unwrap();
            assert!((hours - expected).abs() <= 0.05 + 1e-9, "{field}: {shown} for {value}");
        }
    }
}

/// The number in `shown`, which must end in `unit` and have exactly `places` decimals.
fn decimal(field: &str, shown: &str, unit: &str, places: usize) -> f64 {
    let number = shown.strip_suffix(unit).unwrap_or_else(|| panic!("{field}: {shown:?} does not end in {unit}"));
    let decimals = number.split_once('.').map_or(0, |(_, d)| d.len());
    assert_eq!(decimals, places, "{field}: {shown:?} has {decimals} decimals");
    number.parse().unwrap_or_else(|e| panic!("{field}: {shown:?}: {e}"))
}

/// Fen of a decimal string ("1500000.00", "150.5").
fn fen(text: &str) -> i64 {
    let (negative, digits) = text.strip_prefix('-').map_or((false, text), |rest| (true, rest));
    let (whole, cents) = digits.split_once('.').unwrap_or((digits, ""));
    let value = whole.parse::<i64>().unwrap() * 100 + format!("{cents:0<2}").parse::<i64>().unwrap();
    if negative { -value } else { value }
}

/// Money (yuan) as the page shows it: 万元 with 2 decimals, halves away from zero, in integers.
fn wan(money: &str) -> String {
    let amount = fen(money);
    let hundredths = (amount.abs() + 5_000) / 10_000;
    let text = format!("{}.{:02}万元", hundredths / 100, hundredths % 100);
    if amount < 0 && hundredths > 0 { format!("-{text}") } else { text }
}

/// Whether `text` holds `n` or more ASCII digits in a row.
fn has_digit_run(text: &str, n: usize) -> bool {
    let mut run = 0;
    for c in text.chars() {
        run = if c.is_ascii_digit() { run + 1 } else { 0 };
        if run >= n {
            return true;
        }
    }
    false
}

#[test]
fn money_is_shown_in_wan_yuan_rounded_half_away_from_zero() {
    assert_eq!(wan("1500000.00"), "150.00万元");
    assert_eq!(wan("0.00"), "0.00万元");
    assert_eq!(wan("4999.99"), "0.50万元");
    assert_eq!(wan("4949.99"), "0.49万元");
    assert_eq!(wan("123456789.5"), "12345.68万元");
    assert_eq!(wan("-5000"), "-0.50万元");
    assert_eq!(fen("150.5"), 15_050);
}
