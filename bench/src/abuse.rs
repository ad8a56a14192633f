//! The abuse benchmark: a well-behaved client's `products` latency, idle and then side by side with abusive
//! clients hammering `login` (wrong passwords) and `registerSubject` from one address. The limits must keep
//! the abusers' Argon2 work bounded, so the good client's p95 stays within 2× of its idle p95.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::bail;
use serde_json::{Value, json};
use xyd_domain::Uscc;

use crate::{GRAPHQL, Stats};

/// The well-behaved client's address, and the abusive host's (`X-Forwarded-For`, one trusted hop).
const GOOD: &str = "203.0.113.10";
const ABUSIVE: &str = "198.51.100.7";

const LOGIN: &str = "mutation($e: String!) { login(input: {email: $e, password: \"Wrong-Guess-1\"}) { accessToken } }";
const REGISTER: &str = "mutation($i: RegisterSubjectInput!) { registerSubject(input: $i) { accessToken } }";

async fn products(http: &reqwest::Client, api: &str, requests: usize) -> anyhow::Result<Vec<Duration>> {
    let mut samples = Vec::with_capacity(requests);
    for _ in 0..requests {
        let t = Instant::now();
        let r = http.post(format!("{api}/graphql")).header("x-forwarded-for", GOOD).json(&json!({ "query": GRAPHQL }));
        let body: Value = r.send().await?.json().await?;
        if body.get("errors").is_some() {
            bail!("the well-behaved client was refused: {body}");
        }
        samples.push(t.elapsed());
    }
    Ok(samples)
}

/// One abusive client: wrong passwords for ever-new accounts and registrations of ever-new codes, as fast as
/// the server answers. Returns how its requests were answered (error code or "ok").
async fn abuser(api: String, n: usize, stop: Arc<AtomicBool>) -> BTreeMap<String, u64> {
    let http = reqwest::Client::new();
    let mut outcomes = BTreeMap::new();
    let mut i = 0u64;
    while !stop.load(Ordering::Relaxed) {
        i += 1;
        let org = format!("{:09}", (n as u64) * 1_000_000 + i);
        let code = Uscc::from_parts('9', '1', "440882", &org).map(|u| u.as_str().to_string()).unwrap_or_default();
        let body = if i.is_multiple_of(2) {
            json!({ "query": LOGIN, "variables": { "e": format!("victim{n}-{i}@abuse.test") } })
        } else {
            json!({ "query": REGISTER, "variables": { "i": {
                "uscc": code, "name": format!("滥用测试{n}有限公司"), "kind": "ENTERPRISE", "regionCode": "440882100",
                "legalRepName": "张三", "email": format!("abuser{n}-{i}@abuse.test"), "password": "Abuse-12345" } } })
        };
        let sent = http.post(format!("{api}/graphql")).header("x-forwarded-for", ABUSIVE).json(&body).send().await;
        let outcome = match sent {
            Ok(r) if r.status().as_u16() == 429 => "HTTP 429".to_string(),
            Ok(r) => match r.json::<Value>().await {
                Ok(v) => v["errors"][0]["extensions"]["code"].as_str().unwrap_or("ok").to_string(),
                Err(_) => "unreadable".to_string(),
            },
            Err(_) => "connection error".to_string(),
        };
        *outcomes.entry(outcome).or_default() += 1;
    }
    outcomes
}

pub async fn run(api: &str, abusers: usize, requests: usize) -> anyhow::Result<()> {
    let http = reqwest::Client::new();
    products(&http, api, 50).await?;
    let idle = Stats::of(products(&http, api, requests).await?);

    // The abusers run on their own runtime and threads, so the measuring client is not starved by them.
    let stop = Arc::new(AtomicBool::new(false));
    let (api_owned, stop_abusers) = (api.to_string(), stop.clone());
    let abusing = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
        runtime.block_on(async move {
            let tasks: Vec<_> =
                (0..abusers).map(|n| tokio::spawn(abuser(api_owned.clone(), n, stop_abusers.clone()))).collect();
            let mut total: BTreeMap<String, u64> = BTreeMap::new();
            for task in tasks {
                for (outcome, n) in task.await.unwrap_or_default() {
                    *total.entry(outcome).or_default() += n;
                }
            }
            Ok::<_, anyhow::Error>(total)
        })
    });
    // Measured from the first abusive request on: the burst before the limits bite is part of the figure.
    let attacked = products(&http, api, requests).await;
    stop.store(true, Ordering::Relaxed);
    let outcomes = abusing.join().map_err(|_| anyhow::anyhow!("the abusers' thread panicked"))??;
    let attacked = Stats::of(attacked?);

    println!(
        "{abusers} abusive clients (one address) hammering login and registerSubject; {requests} products requests each side"
    );
    idle.print("idle");
    attacked.print("attacked");
    println!("ratio of p95s {:.2}× (target ≤ 2×)", attacked.p95 / idle.p95);
    let total: u64 = outcomes.values().sum();
    println!("abusive requests answered: {total}");
    for (outcome, n) in outcomes {
        println!("  {outcome:<20} {n}");
    }
    Ok(())
}
