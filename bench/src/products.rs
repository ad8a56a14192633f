//! P1 and P6 (docs/benchmarks.md): `products(query, filter)` through GraphQL versus the same search sent
//! straight to Meilisearch, and with `--floor` through the bare hop of `floor.rs`. First one request at a time
//! (the same search repeated, then a distinct search per request), then [`CONCURRENCY`] clients at once.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use futures::StreamExt;
use serde_json::{Value, json};
use xyd_domain::Money;
use xyd_domain::product::ProductFilter;
use xyd_search::ProductIndex;

use crate::{Engine, GRAPHQL, QUERY, Stats, filter};

/// The benchmark's search with an amount.
const GRAPHQL_AMOUNT: &str = r#"query($a: Money) { products(query: "经营贷", filter: {subjectKind: INDIVIDUAL_BUSINESS, regionCode: "440882105", amount: $a}, first: 20) { totalCount nodes { id name rateMin bank { name } } } }"#;

/// Concurrent clients of the throughput phase.
pub(crate) const CONCURRENCY: usize = 32;
/// Legs of each side in the throughput phase, taken in turn.
const LEGS: usize = 4;

/// Runs the benchmark: `requests` per side and phase, against the API at `api`, the engine, and the floor if given.
pub async fn run(api: &str, engine: &Engine, requests: usize, floor: Option<&str>) -> anyhow::Result<()> {
    let search = xyd_search::Search::new(&engine.meili, Some(&engine.key), &engine.prefix)?;
    let sides = Sides { http: reqwest::Client::new(), api, index: search.products(), floor };
    let hits = sides.agree().await?;
    sides.warm_up().await?;
    let samples = sides.one_at_a_time(requests).await?;
    report_one_at_a_time(requests, hits, samples, floor.is_some());
    sides.concurrent(requests).await;
    Ok(())
}

/// What is timed: the API through GraphQL, the engine asked directly, and the floor if there is one.
struct Sides<'a> {
    http: reqwest::Client,
    api: &'a str,
    index: ProductIndex,
    floor: Option<&'a str>,
}

impl Sides<'_> {
    /// The total hits through GraphQL. `None`: the benchmark's search, the same every time; `Some(i)`: the
    /// distinct phase's search `i`.
    async fn graphql(&self, i: Option<usize>) -> anyhow::Result<usize> {
        let request = match i {
            None => json!({ "query": GRAPHQL }),
            Some(i) => json!({ "query": GRAPHQL_AMOUNT, "variables": { "a": distinct_amount(i).to_yuan_string() } }),
        };
        let api = self.api;
        let body: Value = self.http.post(format!("{api}/graphql")).json(&request).send().await?.json().await?;
        if body.get("errors").is_some() {
            bail!("GraphQL errors: {body}");
        }
        Ok(body["data"]["products"]["totalCount"].as_u64().unwrap_or(0) as usize)
    }

    /// The total hits of the same search (as [`Sides::graphql`]) sent straight to Meilisearch.
    async fn direct(&self, i: Option<usize>) -> anyhow::Result<usize> {
        let filter = ProductFilter { amount: i.map(distinct_amount), ..filter() };
        Ok(self.index.search(Some(QUERY), &filter, 0, 20).await?.total)
    }

    /// The total hits of the benchmark's search through the floor; 0 without one.
    async fn hop(&self) -> anyhow::Result<usize> {
        let Some(floor) = self.floor else { return Ok(0) };
        let body: Value = self.http.get(format!("{floor}/search")).send().await?.json().await?;
        Ok(body["total"].as_u64().context("the floor's answer has no total")? as usize)
    }

    /// The hits of the benchmark's search, once every side has found the same number (for the repeated and a
    /// distinct search): timing sides that disagree would compare different work.
    async fn agree(&self) -> anyhow::Result<usize> {
        for i in [None, Some(0)] {
            let (api_total, meili_total) =
                (self.graphql(i).await.context("GraphQL")?, self.direct(i).await.context("Meilisearch")?);
            if api_total != meili_total {
                bail!("the two sides disagree: GraphQL {api_total} hits, Meilisearch {meili_total}");
            }
        }
        let hits = self.direct(None).await?;
        if self.floor.is_some() && self.hop().await.context("floor")? != hits {
            bail!("the floor disagrees with Meilisearch");
        }
        Ok(hits)
    }

    /// Fifty untimed rounds of the benchmark's search on every side.
    async fn warm_up(&self) -> anyhow::Result<()> {
        for _ in 0..50 {
            self.graphql(None).await?;
            self.direct(None).await?;
            self.hop().await?;
        }
        Ok(())
    }

    /// The latencies of `requests` sequential requests per side: the same search again and again (after the
    /// first few, the platform reuses the engine's answer) through GraphQL, directly and through the floor
    /// (empty without one), then a distinct search per request through GraphQL and directly.
    async fn one_at_a_time(&self, requests: usize) -> anyhow::Result<[Vec<Duration>; 5]> {
        let mut samples = [(); 5].map(|()| Vec::with_capacity(requests));
        for _ in 0..requests {
            let t = Instant::now();
            self.graphql(None).await?;
            samples[0].push(t.elapsed());
            let t = Instant::now();
            self.direct(None).await?;
            samples[1].push(t.elapsed());
            if self.floor.is_some() {
                let t = Instant::now();
                self.hop().await?;
                samples[2].push(t.elapsed());
            }
        }
        for i in 1..=requests {
            let t = Instant::now();
            self.graphql(Some(i)).await?;
            samples[3].push(t.elapsed());
            let t = Instant::now();
            self.direct(Some(i)).await?;
            samples[4].push(t.elapsed());
        }
        Ok(samples)
    }

    /// Throughput: CONCURRENCY clients at once, through GraphQL and straight to Meilisearch in [`LEGS`] legs
    /// taken in turn (so the machine's drift, and the engine's own background work, fall on both sides alike);
    /// the same search, then distinct ones (numbered after the sequential phase's `requests`, so none repeats;
    /// each leg asks both sides the same ones). Prints each.
    async fn concurrent(&self, requests: usize) {
        let total = requests.max(CONCURRENCY * 10) / LEGS * LEGS;
        for (label, distinct, target) in [("the same search", false, 0.7), ("distinct searches", true, 0.8)] {
            let (mut api_seconds, mut meili_seconds, mut api_errors, mut meili_errors) = (0.0, 0.0, 0, 0);
            for leg in 0..LEGS {
                let pick = move |i: usize| distinct.then_some(requests + 1 + leg * (total / LEGS) + i);
                let (rps, errors) = throughput(total / LEGS, |i| self.graphql(pick(i))).await;
                api_seconds += (total / LEGS) as f64 / rps;
                api_errors += errors;
                let (rps, errors) = throughput(total / LEGS, |i| self.direct(pick(i))).await;
                meili_seconds += (total / LEGS) as f64 / rps;
                meili_errors += errors;
            }
            let (api_rps, meili_rps) = (total as f64 / api_seconds, total as f64 / meili_seconds);
            println!("{CONCURRENCY} concurrent clients, {total} requests per side in {LEGS} legs each, {label}");
            println!("GraphQL   {api_rps:>8.0} requests/s  {api_errors} errors");
            println!("direct    {meili_rps:>8.0} requests/s  {meili_errors} errors");
            println!("ratio of throughputs {:.2}× (target ≥ {target}×, 0 errors)", api_rps / meili_rps);
        }
    }
}

/// Prints the sequential phase's latencies (as [`Sides::one_at_a_time`] gives them) and the ratios of medians.
fn report_one_at_a_time(requests: usize, hits: usize, samples: [Vec<Duration>; 5], floor: bool) {
    let [via_api, via_meili, via_floor, distinct_api, distinct_meili] = samples;
    let (a, m) = (Stats::of(via_api), Stats::of(via_meili));
    println!("{requests} requests each, {hits} hits for \"{QUERY}\" + 2 filters");
    println!("the same search, repeated:");
    a.print("GraphQL");
    m.print("direct");
    println!("ratio of medians {:.2}× (target ≤ 1.2×)", a.median / m.median);
    if floor {
        let f = Stats::of(via_floor);
        f.print("floor");
        println!("floor / direct {:.2}×: one bare HTTP hop in front of the engine", f.median / m.median);
    }
    let (a, m) = (Stats::of(distinct_api), Stats::of(distinct_meili));
    println!("a distinct search per request (+ an amount filter), nothing to reuse:");
    a.print("GraphQL");
    m.print("direct");
    println!("ratio of medians {:.2}× (target ≤ 1.3×)", a.median / m.median);
}

/// The distinct phase's search `i`: the benchmark's filters and an amount no other request of the run asks for,
/// so that no answer can be reused and every request reaches the engine.
fn distinct_amount(i: usize) -> Money {
    Money::from_fen((100_000 + i as i64) * 100)
}

/// `total` calls of `call` (numbered from 0), CONCURRENCY at a time: requests per second and how many failed.
pub(crate) async fn throughput<F, Fut>(total: usize, call: F) -> (f64, usize)
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<usize>>,
{
    let started = Instant::now();
    let results: Vec<bool> =
        futures::stream::iter(0..total).map(call).buffer_unordered(CONCURRENCY).map(|r| r.is_ok()).collect().await;
    let seconds = started.elapsed().as_secs_f64();
    (total as f64 / seconds, results.iter().filter(|ok| !**ok).count())
}
