//! `TestApp`: one running application per test, and helpers to act as each role.

use std::net::SocketAddr;

use serde_json::{Value, json};
use tokio::sync::oneshot;
use xinyidai::config::{Config, Environment, Secret};
use xinyidai::db::Db;

use crate::graphql::GqlResponse;
use crate::postgres;
use xyd_testkit::{MASTER_KEY, MeiliServer};

pub const JWT_SECRET: &str = "test-jwt-secret-that-is-long-enough-0123456789";
pub const ADMIN_EMAIL: &str = "admin@xyd.test";
pub const ADMIN_PASSWORD: &str = "Admin12345";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

/// Tokens returned by `login`.
#[derive(Clone, Debug)]
pub struct Tokens {
    pub access: String,
    pub refresh: String,
}

/// A running application with its own database and index prefix.
pub struct TestApp {
    pub backend: Backend,
    pub base_url: String,
    /// The metrics address (`metrics.bind`), serving `/metrics` apart from the API.
    pub metrics_base_url: String,
    pub http: reqwest::Client,
    pub config: Config,
    pub state: xinyidai::AppState,
    shutdown: Option<oneshot::Sender<()>>,
    pg_database: Option<String>,
    _sqlite_dir: Option<TempDir>,
}

impl TestApp {
    /// Start the application on `backend`. Returns `None` only when PostgreSQL is unreachable outside CI
    /// (in CI, `CI=true`, that fails the test instead).
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        Self::spawn_with(backend, |_| {}).await
    }

    /// Like `spawn`, adjusting the configuration first.
    pub async fn spawn_with(backend: Backend, adjust: impl FnOnce(&mut Config)) -> Option<TestApp> {
        let meili = MeiliServer::shared();
        let mut config = Config { environment: Environment::Development, ..Config::default() };
        config.auth.jwt_secret = Secret::new(JWT_SECRET);
        config.bootstrap.admin_email = Some(ADMIN_EMAIL.into());
        config.bootstrap.admin_password = Secret::new(ADMIN_PASSWORD);
        config.search.url = meili.url.clone();
        config.search.master_key = Secret::new(MASTER_KEY);
        config.search.index_prefix = format!("t{}", uuid::Uuid::now_v7().simple());
        config.database.max_connections = 8;
        // Tests register many subjects from one address; the abuse tests set these limits back down.
        config.auth.registrations_per_ip = 10_000;
        config.auth.refreshes_per_ip = 10_000;
        config.server.refusal_delay_ms = 20;

        let (pg_database, sqlite_dir) = match backend {
            Backend::Postgres => match postgres::create_database().await {
                Ok(name) => {
                    config.database.url = Secret::new(postgres::database_url(&name));
                    (Some(name), None)
                }
                Err(e) if std::env::var("CI").as_deref() != Ok("true") => {
                    eprintln!("skipping PostgreSQL variant: {e}");
                    return None;
                }
                Err(e) => panic!("PostgreSQL is required in CI: {e}"),
            },
            Backend::Sqlite => {
                let dir = TempDir::new();
                config.database.url = Secret::new(format!("sqlite://{}/xyd.db?mode=rwc", dir.0.display()));
                (None, Some(dir))
            }
        };
        adjust(&mut config);
        config.finish().expect("test configuration is valid");

        let state = xinyidai::startup::init(config.clone()).await.expect("application state");
        Some(Self::serve(backend, config, state, pg_database, sqlite_dir).await)
    }

    /// Another replica of this application: a second server with its own state — connection pool, caches,
    /// rate limits, live channels, scheduled jobs — on the same database and search index, as a second process
    /// behind the load balancer would have. Dropping it stops it and leaves the database to this one.
    pub async fn replica(&self) -> TestApp {
        self.replica_with(|_| {}).await
    }

    /// Like `replica`, its configuration adjusted first (reports pointed at a standby, say).
    pub async fn replica_with(&self, adjust: impl FnOnce(&mut Config)) -> TestApp {
        let mut config = self.config.clone();
        adjust(&mut config);
        let state = xinyidai::startup::init(config.clone()).await.expect("replica state");
        Self::serve(self.backend, config, state, None, None).await
    }

    async fn serve(
        backend: Backend,
        config: Config,
        state: xinyidai::AppState,
        pg_database: Option<String>,
        sqlite_dir: Option<TempDir>,
    ) -> TestApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr: SocketAddr = listener.local_addr().expect("local addr");
        let metrics_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind metrics");
        let metrics_addr: SocketAddr = metrics_listener.local_addr().expect("metrics local addr");
        let (tx, rx) = oneshot::channel::<()>();
        let serve_state = state.clone();
        tokio::spawn(async move {
            let _ = xinyidai::serve::serve_on(listener, Some(metrics_listener), serve_state, async {
                let _ = rx.await;
            })
            .await;
        });
        TestApp {
            backend,
            base_url: format!("http://{addr}"),
            metrics_base_url: format!("http://{metrics_addr}"),
            http: reqwest::Client::new(),
            config,
            state,
            shutdown: Some(tx),
            pg_database,
            _sqlite_dir: sqlite_dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// A URL on the metrics address, e.g. `metrics_url("/metrics")`.
    pub fn metrics_url(&self, path: &str) -> String {
        format!("{}{path}", self.metrics_base_url)
    }

    /// The value of counter or gauge `name` on `/metrics` (0 when it was never set).
    pub async fn metric(&self, name: &str) -> f64 {
        let text = self.http.get(self.metrics_url("/metrics")).send().await.unwrap().text().await.unwrap();
        text.lines()
            .filter_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
            .find_map(|value| value.trim().parse().ok())
            .unwrap_or(0.0)
    }

    pub fn db(&self) -> &Db {
        &self.state.db
    }

    /// POST a GraphQL operation.
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> GqlResponse {
        let mut request = self.http.post(self.url("/graphql")).json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        GqlResponse::from(request.send().await.expect("request")).await
    }

    /// POST a GraphQL multipart upload: `variables.file` is the uploaded file.
    pub async fn upload(
        &self,
        token: &str,
        query: &str,
        variables: Value,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> GqlResponse {
        let mut vars = variables;
        vars["file"] = Value::Null;
        let operations = json!({ "query": query, "variables": vars }).to_string();
        let form = reqwest::multipart::Form::new()
            .text("operations", operations)
            .text("map", r#"{"0": ["variables.file"]}"#)
            .part(
                "0",
                reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_string()).mime_str("text/csv").unwrap(),
            );
        let response =
            self.http.post(self.url("/graphql")).bearer_auth(token).multipart(form).send().await.expect("upload");
        GqlResponse::from(response).await
    }

    /// Import a registry (or other) CSV as `bureau_token`; returns the response of `importRecords`.
    pub async fn import(&self, bureau_token: &str, kind: &str, bytes: Vec<u8>) -> GqlResponse {
        self.upload(
            bureau_token,
            "mutation($k: ImportKind!, $file: Upload!) { importRecords(kind: $k, file: $file) {
                id status totalRows acceptedRows rejectedRows invalidCodeRows duplicateCodeRows erroneousCodeRate failure
                errors { line code message } } }",
            json!({ "k": kind }),
            "import.csv",
            bytes,
        )
        .await
    }

    /// Register an enterprise; returns (access token, subject id).
    pub async fn enterprise(&self, uscc: &str, name: &str, legal_rep: &str) -> (String, String) {
        let email = format!("{}@ent.test", uuid::Uuid::now_v7().simple());
        let r = self
            .gql(None, crate::fixtures::REGISTER, crate::fixtures::registration(uscc, name, legal_rep, &email))
            .await;
        r.ok();
        (
            r.str_at("/data/registerSubject/accessToken").to_string(),
            r.str_at("/data/registerSubject/user/subject/id").to_string(),
        )
    }

    /// An enterprise verified at once: `bureau` lists it in the registry (with the default ID number), then it
    /// registers. Returns (access token, subject id).
    pub async fn verified_enterprise(&self, bureau: &str, uscc: &str, name: &str, legal_rep: &str) -> (String, String) {
        let listed = crate::fixtures::RegistryCsv::new().row(uscc, name, legal_rep);
        self.import(bureau, "REGISTRY", listed.bytes()).await.ok();
        self.enterprise(uscc, name, legal_rep).await
    }

    /// Create and publish a product as `bank`; returns its id.
    pub async fn published_product(&self, bank: &str, input: Value) -> String {
        let r = self.gql(Some(bank), crate::fixtures::CREATE_PRODUCT, json!({ "i": input })).await;
        r.ok();
        let id = r.str_at("/data/createProduct/id").to_string();
        self.gql(Some(bank), crate::fixtures::PUBLISH_PRODUCT, json!({ "id": id })).await.ok();
        id
    }

    /// A bank of `region` with a published product fit for `fixtures::demand_input`: a bank may take up a demand
    /// only when one of its products can serve it. Returns (institution id, staff token).
    pub async fn lending_bank(&self, name: &str, region: &str) -> (String, String) {
        let (id, token) = self.bank(name, region).await;
        self.published_product(&token, crate::fixtures::product_input(&format!("{name}信易贷"), "经营周转，纯信用"))
            .await;
        (id, token)
    }

    /// Wait until the outbox relay has applied every pending change to the search index.
    pub async fn wait_indexed(&self) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let lag = xinyidai::outbox::lag(self.db().conn()).await.expect("outbox lag");
            if lag.pending == 0 {
                return;
            }
            assert!(std::time::Instant::now() < deadline, "the index did not converge: {lag:?}");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// Ids of `products(query, filter)`, in order.
    pub async fn product_ids(&self, query: Option<&str>, filter: Value) -> Vec<String> {
        let r = self
            .gql(None, "query($q: String, $f: ProductFilter) { products(query: $q, filter: $f, first: 100) { totalCount nodes { id } } }",
                 json!({ "q": query, "f": filter }))
            .await;
        r.ok();
        r.at("/data/products/nodes").as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap().to_string()).collect()
    }

    pub async fn login(&self, email: &str, password: &str) -> GqlResponse {
        self.gql(
            None,
            "mutation($i: LoginInput!) { login(input: $i) { accessToken refreshToken user { id email role } } }",
            json!({ "i": { "email": email, "password": password } }),
        )
        .await
    }

    /// Log in and return the tokens, failing the test otherwise.
    pub async fn tokens(&self, email: &str, password: &str) -> Tokens {
        let r = self.login(email, password).await;
        Tokens {
            access: r.str_at("/data/login/accessToken").to_string(),
            refresh: r.str_at("/data/login/refreshToken").to_string(),
        }
    }

    pub async fn admin_token(&self) -> String {
        self.tokens(ADMIN_EMAIL, ADMIN_PASSWORD).await.access
    }

    /// Create an institution through the admin and return (its id, a logged-in staff token).
    pub async fn institution(&self, kind: &str, name: &str, region: &str) -> (String, String) {
        let admin = self.admin_token().await;
        let email = format!("{}@{}.test", uuid::Uuid::now_v7().simple(), kind.to_lowercase());
        let r = self
            .gql(
                Some(&admin),
                "mutation($i: CreateInstitutionInput!) { createInstitution(input: $i) { id kind name regionCode } }",
                json!({ "i": { "kind": kind, "name": name, "regionCode": region,
                               "adminEmail": email, "adminPassword": "Staff12345" } }),
            )
            .await;
        let id = r.str_at("/data/createInstitution/id").to_string();
        (id, self.tokens(&email, "Staff12345").await.access)
    }

    /// A bank serving `region`: (institution id, staff token).
    pub async fn bank(&self, name: &str, region: &str) -> (String, String) {
        self.institution("BANK", name, region).await
    }

    /// A bureau with jurisdiction `region`: (institution id, staff token).
    pub async fn bureau(&self, name: &str, region: &str) -> (String, String) {
        self.institution("BUREAU", name, region).await
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(name) = self.pg_database.take() {
            // Drop runs inside the test's runtime: use a thread with its own runtime for the async cleanup.
            let _ = std::thread::spawn(move || {
                if let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() {
                    rt.block_on(postgres::drop_database(&name));
                }
            })
            .join();
        }
    }
}

/// A temporary directory removed on drop.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("xyd-test-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
