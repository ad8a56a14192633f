//! The real `xinyidai` binary as a process of its own (not the in-process `TestApp`): for what only a process
//! shows — its log from the first line, its resident memory — on a fresh SQLite file, free ports and the shared
//! Meilisearch under a fresh index prefix. Killed, and its folder removed, when dropped.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::GqlResponse;

/// The `xinyidai` binary cargo built beside the test binary (`target/debug/deps/e2e-…` → `target/debug/`);
/// `cargo test --workspace` builds it. None, with a warning, when it is missing outside CI (a failure in CI).
pub fn server_binary() -> Option<PathBuf> {
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

/// A running `xinyidai serve`, with the bootstrap admin `admin@xyd.test` / `Admin12345`.
pub struct Served {
    child: std::process::Child,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// Its Meilisearch index prefix.
    pub prefix: String,
    pub database_url: String,
    pub http: reqwest::Client,
    dir: PathBuf,
}

impl Drop for Served {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Served {
    /// Start `bin` logging at `log_level` and wait until it answers `/healthz`.
    pub async fn start(bin: &Path, log_level: &str) -> Served {
        let dir = std::env::temp_dir().join(format!("xyd-served-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let database_url = format!("sqlite://{}/xyd.db?mode=rwc", dir.display());
        let prefix = format!("t{}", uuid::Uuid::now_v7().simple());
        let port = free_port();
        let log = std::fs::File::create(dir.join("server.log")).unwrap();
        let meili = crate::MeiliServer::shared();
        let child = std::process::Command::new(bin)
            .arg("serve")
            .env_remove("XYD_CONFIG")
            .env("XYD_ENV", "development")
            .env("RUST_LOG", log_level)
            .env("DATABASE_URL", &database_url)
            .env("MEILI_URL", &meili.url)
            .env("MEILI_MASTER_KEY", xyd_testkit::MASTER_KEY)
            .env("XYD_INDEX_PREFIX", &prefix)
            .env("XYD_BIND", format!("127.0.0.1:{port}"))
            .env("XYD_METRICS_BIND", format!("127.0.0.1:{}", free_port()))
            .env("XYD_JWT_SECRET", "served-jwt-secret-0123456789abcdef0123456789")
            .env("XYD_BOOTSTRAP_ADMIN_EMAIL", "admin@xyd.test")
            .env("XYD_BOOTSTRAP_ADMIN_PASSWORD", "Admin12345")
            .stdin(std::process::Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let served = Served { child, base, prefix, database_url, http: reqwest::Client::new(), dir };
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if let Ok(r) = served.http.get(format!("{}/healthz", served.base)).send().await
                && r.status().is_success()
            {
                return served;
            }
            assert!(Instant::now() < deadline, "the server did not start: {}", served.log());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Kill the process (its log stays readable until the value is dropped).
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// What it wrote to stdout and stderr so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }

    /// A field of `/proc/<pid>/status` in kB (`VmRSS`, `VmHWM`).
    pub fn memory_kb(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let line = status.lines().find_map(|l| l.strip_prefix(field)?.strip_prefix(':')).unwrap();
        line.trim().trim_end_matches("kB").trim().parse().unwrap()
    }

    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> GqlResponse {
        let mut request =
            self.http.post(format!("{}/graphql", self.base)).json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        GqlResponse::from(request.send().await.expect("the server answers")).await
    }

    /// An access token for `email`.
    pub async fn token(&self, email: &str, password: &str) -> String {
        let login = "mutation($i: LoginInput!) { login(input: $i) { accessToken } }";
        let r = self.gql(None, login, json!({ "i": { "email": email, "password": password } })).await;
        r.str_at("/data/login/accessToken").to_string()
    }
}
