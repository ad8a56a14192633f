//! A real Meilisearch server for tests: one shared per test binary, or a private one a test may stop. Used by
//! the search adapter's tests and the end-to-end tests alike. The binary is `MEILI_BIN`, or the pinned one that
//! `scripts/fetch-meilisearch.sh` fetches. And a real browser ([`browser`]): headless Chromium over the DevTools
//! protocol, for the pages the API serves.

// Test support: a panic here is a failing test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod browser;

pub use browser::{Browser, Page};

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub const MASTER_KEY: &str = "xyd-test-master-key-0123456789abcdef";

/// A Meilisearch process on a loopback port, with its own data directory.
pub struct MeiliServer {
    pub url: String,
    port: u16,
    data_dir: PathBuf,
    child: Option<Child>,
}

static SHARED: OnceLock<MeiliServer> = OnceLock::new();

impl MeiliServer {
    /// The server shared by every test of this binary (tests use distinct index prefixes).
    pub fn shared() -> &'static MeiliServer {
        SHARED.get_or_init(|| MeiliServer::start().unwrap_or_else(|e| panic!("cannot start Meilisearch: {e}")))
    }

    /// A private server, for tests that stop and restart it.
    pub fn start() -> Result<Self, String> {
        let port = free_port()?;
        let data_dir = std::env::temp_dir().join(format!("xyd-meili-{}-{port}", std::process::id()));
        let mut server = MeiliServer { url: format!("http://127.0.0.1:{port}"), port, data_dir, child: None };
        server.resume()?;
        Ok(server)
    }

    /// Stop the process (its data stays), as when Meilisearch goes down.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill").arg(child.id().to_string()).status();
            let _ = child.wait();
        }
    }

    /// Start (again) on the same port and data, and wait until it is healthy.
    pub fn resume(&mut self) -> Result<(), String> {
        let bin = binary()?;
        // The shell wrapper stops Meilisearch when the test process goes away, however it ends.
        let script = r#"bin="$1"; shift; "$bin" "$@" & m=$!; trap 'kill "$m" 2>/dev/null; wait "$m"; exit 0' TERM; while kill -0 "$PPID" 2>/dev/null && kill -0 "$m" 2>/dev/null; do sleep 1; done; kill "$m" 2>/dev/null; wait "$m""#;
        let child = Command::new("sh")
            .arg("-c")
            .arg(script)
            .arg("meili-wrapper")
            .arg(&bin)
            .arg("--http-addr")
            .arg(format!("127.0.0.1:{}", self.port))
            .arg("--master-key")
            .arg(MASTER_KEY)
            .arg("--db-path")
            .arg(self.data_dir.join("db"))
            .arg("--dump-dir")
            .arg(self.data_dir.join("dumps"))
            .arg("--no-analytics")
            .arg("--env")
            .arg("development")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("spawn {}: {e}", bin.display()))?;
        self.child = Some(child);
        wait_healthy(&self.url)
    }
}

impl Drop for MeiliServer {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

fn binary() -> Result<PathBuf, String> {
    if let Some(bin) = std::env::var_os("MEILI_BIN").map(PathBuf::from).filter(|p| p.is_file()) {
        return Ok(bin);
    }
    // The run-time manifest dir: with a shared compile cache, the compile-time one may be another checkout.
    let root =
        std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    let script = root.join("../scripts/fetch-meilisearch.sh");
    let out = Command::new("bash").arg(&script).output().map_err(|e| format!("run {}: {e}", script.display()))?;
    if !out.status.success() {
        return Err(format!("fetch-meilisearch.sh failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).map_err(|e| e.to_string())
}

fn wait_healthy(url: &str) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    let addr = url.trim_start_matches("http://").to_string();
    while Instant::now() < deadline {
        if let Ok(mut stream) = std::net::TcpStream::connect(&addr) {
            use std::io::{Read, Write};
            let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
            let request = format!("GET /health HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
            let mut response = String::new();
            if stream.write_all(request.as_bytes()).is_ok()
                && stream.read_to_string(&mut response).is_ok()
                && response.starts_with("HTTP/1.1 200")
            {
                return Ok(());
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(format!("Meilisearch at {url} did not become healthy"))
}
