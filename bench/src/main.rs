//! `xyd-bench`: latency benchmarks against a running release binary. Single client, sequential
//! requests, alternating between the two sides so both see the same machine state.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};

mod abuse;
mod floor;
mod logged;
mod matching;
mod products;
mod setup;
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
        #[command(flatten)]
        admin: Admin,
        #[arg(long, default_value_t = 20)]
        enterprises: u32,
        #[arg(long, default_value_t = 1000)]
        requests: usize,
        /// Times the whole measurement runs; the worst p95 of each mode is reported last (P2).
        #[arg(long, default_value_t = 3)]
        rounds: usize,
    },
    /// P7: a bank's logged `creditProfile` reads against the owners' unlogged reads of the same profiles, at 32
    /// clients (32 enterprises, 4 banks holding their TAX consents; tax rows imported with `cli`).
    LoggedReads {
        #[command(flatten)]
        admin: Admin,
        /// The `xinyidai` binary, for `import tax` into the database of `DATABASE_URL`.
        #[arg(long)]
        cli: std::path::PathBuf,
        #[arg(long, default_value_t = 3000)]
        requests: usize,
        /// Rounds of both sides, one after the other; the worst ratio is the result.
        #[arg(long, default_value_t = 3)]
        rounds: usize,
    },
    /// `indicators` for a period and region grouped by the next region level, as the platform admin; prints
    /// the latency and the rows of the last answer (to compare with the hand-written SQL's output).
    Indicators {
        #[command(flatten)]
        admin: Admin,
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

/// The API under test and its platform administrator's credentials.
#[derive(clap::Args)]
pub(crate) struct Admin {
    #[arg(long)]
    pub(crate) api: String,
    #[arg(long)]
    email: String,
    #[arg(long)]
    password: String,
}

impl Admin {
    /// An access token of the administrator.
    pub(crate) async fn login(&self, http: &reqwest::Client) -> anyhow::Result<String> {
        login(http, &self.api, &self.email, &self.password).await
    }
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
        Command::Match { admin, enterprises, requests, rounds } => {
            matching::run(&admin, enterprises, requests, rounds).await
        }
        Command::Indicators { admin, from, to, region, requests } => {
            indicators(&admin, [&from, &to, &region], requests).await
        }
        Command::Abuse { api, abusers, requests } => abuse::run(&api, abusers, requests).await,
        Command::LoggedReads { admin, cli, requests, rounds } => logged::run(&admin, &cli, requests, rounds).await,
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

pub(crate) async fn gql(
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

const LOGIN: &str = "mutation($i: LoginInput!) { login(input: $i) { accessToken } }";

/// An access token for `email`.
pub(crate) async fn login(http: &reqwest::Client, api: &str, email: &str, password: &str) -> anyhow::Result<String> {
    let data = gql(http, api, None, LOGIN, json!({ "i": { "email": email, "password": password } })).await?;
    data["login"]["accessToken"].as_str().map(str::to_string).context("no token")
}
const INDICATORS: &str = "query($i: IndicatorQuery!) { indicators(input: $i) { definitionsVersion
    totals { ...F } rows { ...F } } }
  fragment F on IndicatorRow { key existingSubjects registeredSubjects verifiedSubjects demandsPosted demandAmount
    respondedDemands respondedWithinSla medianResponseHours creditGrantedCount creditGrantedAmount disbursedCount
    disbursedAmount loanObtainingSubjects firstLoanSubjects taxBasedLoanCount averageAnnualRate overdueResponses
    openObjections overdueObjections }";

async fn indicators(admin: &Admin, [from, to, region]: [&str; 3], requests: usize) -> anyhow::Result<()> {
    let http = reqwest::Client::new();
    let (api, token) = (admin.api.as_str(), admin.login(&http).await?);
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
