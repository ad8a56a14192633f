//! A real browser for tests: headless Chromium driven over the Chrome DevTools Protocol (CDP), with no client
//! library — one WebSocket, JSON commands answered by id, events skipped (console messages and errors kept for
//! failure reports). Enough to open a page, run JavaScript in it, wait for a condition and take a screenshot.
//!
//! The binary is `XYD_CHROMIUM`, else the first of `chromium`, `chromium-browser`, `google-chrome`,
//! `google-chrome-stable` on `PATH` (`scripts/install-browser.sh` installs Debian's `chromium`).
//! [`Browser::launch`] returns `None` when there is none, so the caller can skip.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use base64::Engine as _;
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::Mutex;
use tokio_tungstenite::tungstenite::Message;

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// How long one CDP command may take to be answered.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);
/// The viewport every page gets.
pub const VIEWPORT: (u32, u32) = (1280, 900);

/// The shell wrapper stops Chromium when the test process goes away, however it ends (as for Meilisearch).
const WRAPPER: &str = r#"bin="$1"; shift; "$bin" "$@" & c=$!; trap 'kill "$c" 2>/dev/null; wait "$c"; exit 0' TERM; while kill -0 "$PPID" 2>/dev/null && kill -0 "$c" 2>/dev/null; do sleep 1; done; kill "$c" 2>/dev/null; wait "$c""#;

/// A headless Chromium process and the DevTools connection to it. The process is stopped on drop.
pub struct Browser {
    child: Child,
    profile: PathBuf,
    conn: Arc<Mutex<Connection>>,
}

/// One page (a tab) of the browser, addressed by its CDP session.
pub struct Page {
    conn: Arc<Mutex<Connection>>,
    session: String,
}

struct Connection {
    socket: Socket,
    next_id: u64,
    /// Console messages, uncaught exceptions and browser log entries (CSP violations, failed loads).
    log: Vec<String>,
}

/// The Chromium binary to use, if any.
pub fn chromium_binary() -> Option<PathBuf> {
    let on_path = |name: &str| {
        let path = std::env::var_os("PATH")?;
        std::env::split_paths(&path).map(|dir| dir.join(name)).find(|candidate| candidate.is_file())
    };
    if let Some(chosen) = std::env::var_os("XYD_CHROMIUM").filter(|v| !v.is_empty()) {
        let chosen = PathBuf::from(chosen);
        if chosen.is_file() {
            return Some(chosen);
        }
        return chosen.to_str().and_then(on_path);
    }
    ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"].into_iter().find_map(on_path)
}

impl Browser {
    /// Start headless Chromium, or `None` when no binary is installed. A binary that fails to start panics.
    pub async fn launch() -> Option<Browser> {
        let bin = chromium_binary()?;
        match Self::start(&bin).await {
            Ok(browser) => Some(browser),
            Err(e) => panic!("cannot start {}: {e}", bin.display()),
        }
    }

    async fn start(bin: &Path) -> Result<Browser, String> {
        static LAUNCHES: AtomicU64 = AtomicU64::new(0);
        let profile = std::env::temp_dir().join(format!(
            "xyd-chromium-{}-{}",
            std::process::id(),
            LAUNCHES.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&profile).map_err(|e| format!("profile directory: {e}"))?;
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(WRAPPER)
            .arg("chromium-wrapper")
            .arg(bin)
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-sync",
                "--mute-audio",
                "--hide-scrollbars",
                "--lang=zh-CN",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--window-size={},{}", VIEWPORT.0, VIEWPORT.1))
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("spawn: {e}"))?;
        let url = match devtools_url(&mut child).await {
            Ok(url) => url,
            Err(e) => {
                stop(&mut child);
                let _ = std::fs::remove_dir_all(&profile);
                return Err(e);
            }
        };
        let socket = match tokio_tungstenite::connect_async(url.as_str()).await {
            Ok((socket, _)) => socket,
            Err(e) => {
                stop(&mut child);
                let _ = std::fs::remove_dir_all(&profile);
                return Err(format!("connect to {url}: {e}"));
            }
        };
        let conn = Arc::new(Mutex::new(Connection { socket, next_id: 0, log: Vec::new() }));
        Ok(Browser { child, profile, conn })
    }

    /// Open a new page (about:blank) with the standard viewport.
    pub async fn new_page(&self) -> Page {
        let session = {
            let mut conn = self.conn.lock().await;
            let target = conn.call(None, "Target.createTarget", json!({ "url": "about:blank" })).await.unwrap();
            let target_id = target["targetId"].as_str().expect("a target id").to_string();
            let attached = conn
                .call(None, "Target.attachToTarget", json!({ "targetId": target_id, "flatten": true }))
                .await
                .unwrap();
            attached["sessionId"].as_str().expect("a session id").to_string()
        };
        let page = Page { conn: self.conn.clone(), session };
        for (method, params) in [
            ("Page.enable", json!({})),
            ("Runtime.enable", json!({})),
            ("Log.enable", json!({})),
            (
                "Emulation.setDeviceMetricsOverride",
                json!({ "width": VIEWPORT.0, "height": VIEWPORT.1, "deviceScaleFactor": 1, "mobile": false }),
            ),
        ] {
            page.call(method, params).await.unwrap_or_else(|e| panic!("{e}"));
        }
        page
    }

    /// Ask Chromium to close; the process is stopped on drop in any case.
    pub async fn close(self) {
        let mut conn = self.conn.lock().await;
        let _ = tokio::time::timeout(Duration::from_secs(5), conn.call(None, "Browser.close", json!({}))).await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        stop(&mut self.child);
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// Stop the wrapper (which stops Chromium), politely first.
fn stop(child: &mut Child) {
    let _ = Command::new("kill").arg(child.id().to_string()).status();
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if matches!(child.try_wait(), Ok(Some(_))) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Read Chromium's stderr until it prints "DevTools listening on ws://…", then keep draining it in the
/// background so the browser never blocks on a full pipe.
async fn devtools_url(child: &mut Child) -> Result<String, String> {
    let stderr = child.stderr.take().ok_or("no stderr")?;
    let (tx, rx) = tokio::sync::oneshot::channel::<Result<String, String>>();
    std::thread::spawn(move || {
        let mut tx = Some(tx);
        let mut head = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let Some(sender) = tx.take() else { continue };
            match line.find("ws://") {
                Some(at) if line.contains("DevTools listening on") => {
                    let _ = sender.send(Ok(line[at..].trim().to_string()));
                }
                _ => {
                    if head.len() < 4000 {
                        head.push_str(&line);
                        head.push('\n');
                    }
                    tx = Some(sender);
                }
            }
        }
        if let Some(sender) = tx {
            let _ = sender.send(Err(format!("it exited before listening:\n{head}")));
        }
    });
    match tokio::time::timeout(Duration::from_secs(60), rx).await {
        Ok(Ok(found)) => found,
        Ok(Err(_)) => Err("its stderr reader ended".into()),
        Err(_) => Err("no DevTools address within 60 s".into()),
    }
}

impl Connection {
    /// Send one command and wait for its answer, skipping events (kept in `log` when they report something).
    async fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Result<Value, String> {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = session {
            message["sessionId"] = json!(session);
        }
        self.socket.send(Message::Text(message.to_string().into())).await.map_err(|e| format!("{method}: {e}"))?;
        let deadline = Instant::now() + CALL_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let next = tokio::time::timeout(left, self.socket.next())
                .await
                .map_err(|_| format!("{method}: no answer within {CALL_TIMEOUT:?}"))?;
            let text = match next {
                Some(Ok(Message::Text(text))) => text,
                Some(Ok(Message::Close(_))) | None => {
                    return Err(format!("{method}: the browser closed the connection"));
                }
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(format!("{method}: {e}")),
            };
            let reply: Value = serde_json::from_str(&text).map_err(|e| format!("{method}: {e}"))?;
            if reply["id"].as_u64() == Some(id) {
                if let Some(error) = reply.get("error") {
                    return Err(format!("{method}: {error}"));
                }
                return Ok(reply["result"].clone());
            }
            self.note(&reply);
        }
    }

    fn note(&mut self, event: &Value) {
        let params = &event["params"];
        let line = match event["method"].as_str() {
            Some("Runtime.consoleAPICalled") => {
                let args: Vec<String> = params["args"]
                    .as_array()
                    .map(|args| {
                        args.iter()
                            .map(|a| a["value"].as_str().map_or_else(|| a["description"].to_string(), str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
                format!("console.{}: {}", params["type"].as_str().unwrap_or("log"), args.join(" "))
            }
            Some("Runtime.exceptionThrown") => format!("uncaught: {}", describe(&params["exceptionDetails"])),
            Some("Log.entryAdded") => format!(
                "{} {}: {} {}",
                params["entry"]["source"].as_str().unwrap_or(""),
                params["entry"]["level"].as_str().unwrap_or(""),
                params["entry"]["text"].as_str().unwrap_or(""),
                params["entry"]["url"].as_str().unwrap_or("")
            ),
            _ => return,
        };
        if self.log.len() < 500 {
            self.log.push(line);
        }
    }
}

/// The message of a CDP `exceptionDetails`.
fn describe(details: &Value) -> String {
    details["exception"]["description"]
        .as_str()
        .or_else(|| details["text"].as_str())
        .unwrap_or("an exception")
        .to_string()
}

impl Page {
    async fn call(&self, method: &str, params: Value) -> Result<Value, String> {
        self.conn.lock().await.call(Some(&self.session), method, params).await
    }

    /// Navigate to `url` and wait until the new document has loaded.
    pub async fn goto(&self, url: &str) {
        // A marker on the old document tells it apart from the new one, whose load we wait for.
        self.eval("window.__xydLeaving = true").await;
        let navigated = self.call("Page.navigate", json!({ "url": url })).await.unwrap_or_else(|e| panic!("{e}"));
        if let Some(error) = navigated["errorText"].as_str().filter(|e| !e.is_empty()) {
            panic!("navigate to {url}: {error}");
        }
        self.wait_for("!window.__xydLeaving && document.readyState === 'complete'", Duration::from_secs(30))
            .await
            .unwrap_or_else(|e| panic!("navigate to {url}: {e}"));
    }

    /// Evaluate a JavaScript expression (awaiting a promise) and return its value as JSON; `null` for
    /// `undefined`. Fails the test when the script throws.
    pub async fn eval(&self, expression: &str) -> Value {
        self.try_eval(expression).await.unwrap_or_else(|e| panic!("{e}\nin: {expression}"))
    }

    /// Like `eval`, but a thrown exception or a protocol error is returned.
    pub async fn try_eval(&self, expression: &str) -> Result<Value, String> {
        let result = self
            .call("Runtime.evaluate", json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }))
            .await?;
        if let Some(details) = result.get("exceptionDetails") {
            return Err(format!("JavaScript threw: {}", describe(details)));
        }
        Ok(result["result"]["value"].clone())
    }

    /// Poll `condition` (a JavaScript expression) every 100 ms until it is truthy, or fail after `timeout`.
    pub async fn wait_for(&self, condition: &str, timeout: Duration) -> Result<(), String> {
        let deadline = Instant::now() + timeout;
        let expression = format!("Boolean({condition})");
        loop {
            // While a document is replaced, evaluation may fail: that is "not yet".
            let last = match self.try_eval(&expression).await {
                Ok(Value::Bool(true)) => return Ok(()),
                Ok(other) => other.to_string(),
                Err(e) => e,
            };
            if Instant::now() >= deadline {
                return Err(format!("timed out after {timeout:?} waiting for `{condition}` (last: {last})"));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Save a PNG of the whole page (up to 10,000 px tall) to `path`, creating its directory.
    pub async fn screenshot(&self, path: &Path) -> Result<(), String> {
        let metrics = self.call("Page.getLayoutMetrics", json!({})).await?;
        let size = &metrics["cssContentSize"];
        let mut params = json!({ "format": "png" });
        if let (Some(width), Some(height)) = (size["width"].as_f64(), size["height"].as_f64()) {
            let height = height.max(f64::from(VIEWPORT.1)).min(10_000.0);
            params["clip"] = json!({ "x": 0, "y": 0, "width": width, "height": height, "scale": 1 });
            params["captureBeyondViewport"] = json!(true);
        }
        let shot = self.call("Page.captureScreenshot", params).await?;
        let data = shot["data"].as_str().ok_or("no screenshot data")?;
        let png = base64::engine::general_purpose::STANDARD.decode(data).map_err(|e| format!("screenshot: {e}"))?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::write(path, png).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// What the page logged so far: console messages, uncaught exceptions, browser log entries.
    pub async fn log(&self) -> Vec<String> {
        self.conn.lock().await.log.clone()
    }
}
