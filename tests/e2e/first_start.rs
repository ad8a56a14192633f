//! The first start of the real binary on an empty database and a Meilisearch that has never seen its prefix
//! (no API key, no index: every lookup answers 404) logs nothing at WARN or ERROR: nothing failed, so nothing
//! may look like a failure to the person starting it.

use std::time::{Duration, Instant};

use serde_json::Value;
use xyd_tests::served::{Served, server_binary};

#[tokio::test]
async fn a_first_start_logs_no_warning() {
    let Some(bin) = server_binary() else { return };
    let mut served = Served::start(&bin, "info").await;
    let meili = xyd_tests::MeiliServer::shared();

    // Its start-up work done once it answers ready and the product index has its settings.
    let settings = format!("{}/indexes/{}_products/settings", meili.url, served.prefix);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let ready = served.http.get(format!("{}/readyz", served.base)).send().await.ok();
        let ready = match ready {
            Some(r) => r.json::<Value>().await.ok(),
            None => None,
        };
        let set = match served.http.get(&settings).bearer_auth(xyd_testkit::MASTER_KEY).send().await {
            Ok(r) if r.status().is_success() => r.json::<Value>().await.ok(),
            _ => None,
        };
        let set = set.is_some_and(|s| s["filterableAttributes"].as_array().is_some_and(|a| !a.is_empty()));
        if set && ready.is_some_and(|r| r["search"] == "ok") {
            break;
        }
        assert!(Instant::now() < deadline, "the server did not finish starting:\n{}", served.log());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    served.stop();

    let log = served.log();
    assert!(log.contains("xinyidai listening"), "{log}");
    let alarming: Vec<&str> =
        log.lines().filter(|line| line.contains(r#""level":"WARN""#) || line.contains(r#""level":"ERROR""#)).collect();
    assert!(alarming.is_empty(), "a first start logged:\n{}", alarming.join("\n"));
}
