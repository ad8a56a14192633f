//! The first start of the real binary on an empty database and a Meilisearch that has never seen its prefix
//! (no API key, no index: every lookup answers 404) logs nothing at WARN or ERROR: nothing failed, so nothing
//! may look like a failure to the person starting it.

use std::time::{Duration, Instant};

use serde_json::Value;

/// The `xinyidai` binary cargo built beside this test binary (`target/debug/deps/e2e-…` → `target/debug/`);
/// `cargo test --workspace` builds it.
fn server_binary() -> Option<std::path::PathBuf> {
    let exe = std::env::current_exe().unwrap();
    let bin = exe.parent()?.parent()?.join(format!("xinyidai{}", std::env::consts::EXE_SUFFIX));
    if bin.is_file() {
        return Some(bin);
    }
    let message = format!("{} is missing: run `cargo build -p xyd-cli` first", bin.display());
    assert_ne!(std::env::var("CI").as_deref(), Ok("true"), "{message}");
    eprintln!("warning: {message}; test skipped");
    None
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[tokio::test]
async fn a_first_start_logs_no_warning() {
    let Some(bin) = server_binary() else { return };
    let meili = xyd_tests::MeiliServer::shared();
    let dir = std::env::temp_dir().join(format!("xyd-first-start-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let prefix = format!("first{}", uuid::Uuid::now_v7().simple());
    let port = free_port();
    let log_path = dir.join("server.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut child = std::process::Command::new(bin)
        .arg("serve")
        .env_remove("XYD_CONFIG")
        .env("XYD_ENV", "development")
        .env("RUST_LOG", "info")
        .env("DATABASE_URL", format!("sqlite://{}/xyd.db?mode=rwc", dir.display()))
        .env("MEILI_URL", &meili.url)
        .env("MEILI_MASTER_KEY", xyd_testkit::MASTER_KEY)
        .env("XYD_INDEX_PREFIX", &prefix)
        .env("XYD_BIND", format!("127.0.0.1:{port}"))
        .env("XYD_METRICS_BIND", format!("127.0.0.1:{}", free_port()))
        .env("XYD_JWT_SECRET", "first-start-jwt-secret-0123456789abcdef01234567")
        .env("XYD_BOOTSTRAP_ADMIN_EMAIL", "admin@xyd.test")
        .env("XYD_BOOTSTRAP_ADMIN_PASSWORD", "Admin12345")
        .stdin(std::process::Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap();
    let read_log = || std::fs::read_to_string(&log_path).unwrap_or_default();

    // Started once it answers ready, and its start-up work done once the product index has its settings.
    let http = reqwest::Client::new();
    let settings = format!("{}/indexes/{prefix}_products/settings", meili.url);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let ready = http.get(format!("http://127.0.0.1:{port}/readyz")).send().await.ok();
        let ready = match ready {
            Some(r) => r.json::<Value>().await.ok(),
            None => None,
        };
        let set = match http.get(&settings).bearer_auth(xyd_testkit::MASTER_KEY).send().await {
            Ok(r) if r.status().is_success() => r.json::<Value>().await.ok(),
            _ => None,
        };
        let set = set.is_some_and(|s| s["filterableAttributes"].as_array().is_some_and(|a| !a.is_empty()));
        if set && ready.is_some_and(|r| r["search"] == "ok") {
            break;
        }
        assert!(Instant::now() < deadline, "the server did not finish starting:\n{}", read_log());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let _ = child.kill();
    let _ = child.wait();

    let log = read_log();
    std::fs::remove_dir_all(&dir).ok();
    assert!(log.contains("xinyidai listening"), "{log}");
    let alarming: Vec<&str> =
        log.lines().filter(|line| line.contains(r#""level":"WARN""#) || line.contains(r#""level":"ERROR""#)).collect();
    assert!(alarming.is_empty(), "a first start logged:\n{}", alarming.join("\n"));
}
