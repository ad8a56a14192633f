//! `xyd-bench`: latency benchmarks against a running release binary. Single client, sequential
//! requests, alternating between the two sides so both see the same machine state.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
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
        #[arg(long)]
        meili: String,
        #[arg(long)]
        key: String,
        /// Index prefix of the running API (XYD_INDEX_PREFIX).
        #[arg(long, default_value = "xyd")]
        prefix: String,
        #[arg(long, default_value_t = 1000)]
        requests: usize,
    },
}

const QUERY: &str = "经营贷";
const GRAPHQL: &str = r#"{ products(query: "经营贷", filter: {subjectKind: INDIVIDUAL_BUSINESS, regionCode: "440882105"}, first: 20) { totalCount nodes { id name rateMin bank { name } } } }"#;

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Products { api, meili, key, prefix, requests } => {
            products(&api, &meili, &key, &prefix, requests).await
        }
    }
}

async fn products(api: &str, meili: &str, key: &str, prefix: &str, requests: usize) -> anyhow::Result<()> {
    let http = reqwest::Client::new();
    let search = xyd_search::Search::new(meili, Some(key), prefix)?;
    let index = search.products();
    let filter = ProductFilter {
        subject_kind: Some(SubjectKind::IndividualBusiness),
        region_code: Some(RegionCode::parse("440882105")?),
        ..ProductFilter::default()
    };

    let graphql = || async {
        let r = http.post(format!("{api}/graphql")).json(&json!({ "query": GRAPHQL })).send().await?;
        let body: Value = r.json().await?;
        if body.get("errors").is_some() {
            bail!("GraphQL errors: {body}");
        }
        Ok::<usize, anyhow::Error>(body["data"]["products"]["totalCount"].as_u64().unwrap_or(0) as usize)
    };
    let direct = || async { Ok::<usize, anyhow::Error>(index.search(Some(QUERY), &filter, 0, 20).await?.total) };

    let (api_total, meili_total) = (graphql().await.context("GraphQL")?, direct().await.context("Meilisearch")?);
    if api_total != meili_total {
        bail!("the two sides disagree: GraphQL {api_total} hits, Meilisearch {meili_total}");
    }
    for _ in 0..50 {
        graphql().await?;
        direct().await?;
    }
    let (mut via_api, mut via_meili) = (Vec::with_capacity(requests), Vec::with_capacity(requests));
    for _ in 0..requests {
        let t = Instant::now();
        graphql().await?;
        via_api.push(t.elapsed());
        let t = Instant::now();
        direct().await?;
        via_meili.push(t.elapsed());
    }
    let (a, m) = (Stats::of(via_api), Stats::of(via_meili));
    println!("{requests} requests each, {api_total} hits for \"{QUERY}\" + 2 filters");
    println!("GraphQL   median {:>7.2} ms  p95 {:>7.2} ms  p99 {:>7.2} ms", a.median, a.p95, a.p99);
    println!("direct    median {:>7.2} ms  p95 {:>7.2} ms  p99 {:>7.2} ms", m.median, m.p95, m.p99);
    println!("ratio of medians {:.2}× (target ≤ 1.5×)", a.median / m.median);
    Ok(())
}

struct Stats {
    median: f64,
    p95: f64,
    p99: f64,
}

impl Stats {
    fn of(mut samples: Vec<Duration>) -> Self {
        samples.sort();
        let at = |q: f64| {
            let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
            samples.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
        };
        Self { median: at(0.5), p95: at(0.95), p99: at(0.99) }
    }
}
