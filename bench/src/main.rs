//! `xyd-bench`: latency benchmarks against a running release binary. Single client, sequential
//! requests, alternating between the two sides so both see the same machine state.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};

mod abuse;
mod floor;
mod products;
use clap::{Parser, Subcommand};
use serde_json::{Value, json};
use xyd_domain::product::ProductFilter;
use xyd_domain::{RegionCode, SubjectKind};

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// `products(query, filter)` through GraphQL versus the same search sent straight to Meilisearch.
    Products {
        #[arg(long)]
        api: String,
        #[command(flatten)]
        engine: Engine,
        #[arg(long, default_value_t = 1000)]
        requests: usize,
        /// A running `xyd-bench floor` (its URL), timed as a third side.
        #[arg(long)]
        floor: Option<String>,
    },
    /// Serve the benchmark's search through one minimal HTTP hop (see `floor.rs`), for `products --floor`.
    Floor {
        #[command(flatten)]
        engine: Engine,
        #[arg(long)]
        bind: String,
    },
    /// `matchProducts` for demands of freshly registered enterprises (verified by the admin), each request timed
    /// end to end.
    Match {
        #[arg(long)]
        api: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        password: String,
        #[arg(long, default_value_t = 20)]
        enterprises: u32,
        #[arg(long, default_value_t = 1000)]
        requests: usize,
    },
    /// `indicators` for a period and region grouped by the next region level, as the platform admin; prints
    /// the latency and the rows of the last answer (to compare with the hand-written SQL's output).
    Indicators {
        #[arg(long)]
        api: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        password: String,
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[arg(long)]
        region: String,
        #[arg(long, default_value_t = 30)]
        requests: usize,
    },
    /// `products` for a well-behaved client, idle and then while abusive clients hammer `login` and
    /// `registerSubject` (the API must trust one proxy hop: clients are told apart by `X-Forwarded-For`).
    Abuse {
        #[arg(long)]
        api: String,
        #[arg(long, default_value_t = 50)]
        abusers: usize,
        #[arg(long, default_value_t = 300)]
        requests: usize,
    },
}

/// The Meilisearch server and index prefix the API under test uses.
#[derive(clap::Args)]
struct Engine {
    #[arg(long)]
    meili: String,
    #[arg(long)]
    key: String,
    /// Index prefix of the running API (XYD_INDEX_PREFIX).
    #[arg(long, default_value = "xyd")]
    prefix: String,
}

const QUERY: &str = "经营贷";
pub(crate) const GRAPHQL: &str = r#"{ products(query: "经营贷", filter: {subjectKind: INDIVIDUAL_BUSINESS, regionCode: "440882105"}, first: 20) { totalCount nodes { id name rateMin bank { name } } } }"#;

fn main() -> anyhow::Result<()> {
    let command = Cli::parse().command;
    // The clients run on one thread; the floor serves like the API, on a thread per core.
    let runtime = match command {
        Command::Floor { .. } => tokio::runtime::Builder::new_multi_thread(),
        _ => tokio::runtime::Builder::new_current_thread(),
    }
    .enable_all()
    .build()?;
    runtime.block_on(run(command))
}

async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Products { api, engine, requests, floor } => {
            products::run(&api, &engine, requests, floor.as_deref()).await
        }
        Command::Floor { engine, bind } => floor::serve(&engine, &bind).await,
        Command::Match { api, email, password, enterprises, requests } => {
            matching(&api, [&email, &password], enterprises, requests).await
        }
        Command::Indicators { api, email, password, from, to, region, requests } => {
            indicators(&api, &email, &password, [&from, &to, &region], requests).await
        }
        Command::Abuse { api, abusers, requests } => abuse::run(&api, abusers, requests).await,
    }
}

/// The benchmark's two filters: individual businesses, a town of 雷州市.
pub(crate) fn filter() -> ProductFilter {
    ProductFilter {
        subject_kind: Some(SubjectKind::IndividualBusiness),
        region_code: RegionCode::parse("440882105").ok(),
        ..ProductFilter::default()
    }
}

async fn gql(
    http: &reqwest::Client,
    api: &str,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> anyhow::Result<Value> {
    let mut request = http.post(format!("{api}/graphql")).json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let body: Value = request.send().await?.json().await?;
    if body.get("errors").is_some() {
        bail!("GraphQL errors: {body}");
    }
    Ok(body["data"].clone())
}

const REGISTER: &str =
    "mutation($i: RegisterSubjectInput!) { registerSubject(input: $i) { accessToken user { subject { id } } } }";
const VERIFY: &str = "mutation($s: ID!) { verifySubject(subjectId: $s) { verified } }";
const POST: &str = "mutation($i: PostDemandInput!) { postDemand(input: $i) { id } }";
const MATCH: &str = "query($d: ID!, $all: Boolean) { matchProducts(demandId: $d, first: 10, includeIneligible: $all) { product { id name bank { name } } eligible score reasons { code } unmet { code } } }";

async fn matching(api: &str, [email, password]: [&str; 2], enterprises: u32, requests: usize) -> anyhow::Result<()> {
    let http = reqwest::Client::new();
    let login = json!({ "i": { "email": email, "password": password } });
    let admin = gql(&http, api, None, LOGIN, login).await?["login"]["accessToken"]
        .as_str()
        .map(str::to_string)
        .context("no admin token")?;
    let mut demands = Vec::new();
    for n in 0..enterprises {
        let org = format!("BENCH{n:04}");
        let uscc = xyd_domain::Uscc::from_parts('9', '1', "440882", &org)?;
        let input = json!({ "i": {
            "uscc": uscc.as_str(), "name": format!("雷州市基准测试{n}有限公司"), "kind": "ENTERPRISE",
            "regionCode": "440882105", "industryCode": "C1391", "legalRepName": "测试", "establishedOn": "2015-01-01",
            "email": format!("bench{n}@bench.test"), "password": "Bench12345" } });
        let registered = gql(&http, api, None, REGISTER, input).await?;
        let token = registered["registerSubject"]["accessToken"].as_str().map(str::to_string).context("no token")?;
        let subject = registered["registerSubject"]["user"]["subject"]["id"].clone();
        gql(&http, api, Some(&admin), VERIFY, json!({ "s": subject })).await?;
        let demand = json!({ "i": { "amount": "300000.00", "termMonths": 12, "purpose": "经营周转，采购原材料",
            "guaranteeTypes": ["CREDIT", "GUARANTEE"], "maxRate": "8.00" } });
        let id = gql(&http, api, Some(&token), POST, demand).await?["postDemand"]["id"]
            .as_str()
            .map(str::to_string)
            .context("no id")?;
        demands.push((token, id));
    }
    for include_ineligible in [false, true] {
        let run = |i: usize| {
            let (token, id) = &demands[i % demands.len()];
            gql(&http, api, Some(token), MATCH, json!({ "d": id, "all": include_ineligible }))
        };
        for i in 0..50 {
            run(i).await?;
        }
        let mut samples = Vec::with_capacity(requests);
        let mut eligible = 0;
        for i in 0..requests {
            let t = Instant::now();
            let data = run(i).await?;
            samples.push(t.elapsed());
            eligible =
                data["matchProducts"].as_array().map_or(0, |m| m.iter().filter(|x| x["eligible"] == true).count());
        }
        let s = Stats::of(samples);
        println!(
            "matchProducts(first: 10, includeIneligible: {include_ineligible}): {requests} requests, median {:.2} ms, p95 {:.2} ms, p99 {:.2} ms ({eligible} eligible in the last answer)",
            s.median, s.p95, s.p99
        );
    }
    Ok(())
}

const LOGIN: &str = "mutation($i: LoginInput!) { login(input: $i) { accessToken } }";
const INDICATORS: &str = "query($i: IndicatorQuery!) { indicators(input: $i) { definitionsVersion
    totals { ...F } rows { ...F } } }
  fragment F on IndicatorRow { key existingSubjects registeredSubjects verifiedSubjects demandsPosted demandAmount
    respondedDemands respondedWithinSla medianResponseHours creditGrantedCount creditGrantedAmount disbursedCount
    disbursedAmount loanObtainingSubjects firstLoanSubjects taxBasedLoanCount averageAnnualRate overdueResponses
    openObjections overdueObjections }";

async fn indicators(
    api: &str,
    email: &str,
    password: &str,
    [from, to, region]: [&str; 3],
    requests: usize,
) -> anyhow::Result<()> {
    let http = reqwest::Client::new();
    let login = gql(&http, api, None, LOGIN, json!({ "i": { "email": email, "password": password } })).await?;
    let token = login["login"]["accessToken"].as_str().context("no token")?.to_string();
    let input = json!({ "i": { "from": from, "to": to, "regionCode": region, "groupBy": "REGION" } });
    let mut last = Value::Null;
    for _ in 0..3 {
        last = gql(&http, api, Some(&token), INDICATORS, input.clone()).await?;
    }
    let mut samples = Vec::with_capacity(requests);
    for _ in 0..requests {
        let t = Instant::now();
        last = gql(&http, api, Some(&token), INDICATORS, input.clone()).await?;
        samples.push(t.elapsed());
    }
    let s = Stats::of(samples);
    println!(
        "indicators(from {from}, to {to}, region {region}, groupBy REGION): {requests} requests, median {:.1} ms, p95 {:.1} ms",
        s.median, s.p95
    );
    println!("totals {}", last["indicators"]["totals"]);
    for row in last["indicators"]["rows"].as_array().into_iter().flatten() {
        println!("{row}");
    }
    Ok(())
}

pub(crate) struct Stats {
    pub(crate) median: f64,
    pub(crate) p95: f64,
    pub(crate) p99: f64,
}

impl Stats {
    pub(crate) fn of(mut samples: Vec<Duration>) -> Self {
        samples.sort();
        let at = |q: f64| {
            let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
            samples.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
        };
        Self { median: at(0.5), p95: at(0.95), p99: at(0.99) }
    }

    /// One line of the report: `side`, then median, p95 and p99.
    pub(crate) fn print(&self, side: &str) {
        println!("{side:<9} median {:>7.2} ms  p95 {:>7.2} ms  p99 {:>7.2} ms", self.median, self.p95, self.p99);
    }
}
