//! One typed configuration, loaded once at start-up: an optional TOML file, then environment overrides.
//!
//! The environment names are fixed by the design (`DATABASE_URL`, `MEILI_URL`, `MEILI_MASTER_KEY`,
//! `XYD_BIND`, `XYD_JWT_SECRET`, `XYD_BOOTSTRAP_ADMIN_EMAIL`, `XYD_BOOTSTRAP_ADMIN_PASSWORD`);
//! `MEILI_API_KEY` sits beside the other Meilisearch names and `DATABASE_REPLICA_URL` beside `DATABASE_URL`; the
//! rest use the `XYD_` prefix. Nothing else in the code reads the environment.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use anyhow::{Context, bail};
use serde::Deserialize;

/// A value that must never appear in logs or `Debug` output.
#[derive(Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() { "\"\"" } else { "\"[redacted]\"" })
    }
}

/// Where the process runs: development enables GraphiQL and tolerates a generated JWT secret.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    #[default]
    Development,
    Production,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub environment: Environment,
    pub server: ServerConfig,
    pub metrics: MetricsConfig,
    pub graphql: GraphqlConfig,
    pub database: DatabaseConfig,
    pub search: SearchConfig,
    pub auth: AuthConfig,
    pub bootstrap: BootstrapConfig,
    pub limits: LimitsConfig,
    pub crypto: CryptoConfig,
    pub imports: ImportsConfig,
    pub products: ProductsConfig,
    pub credit: CreditConfig,
    pub demands: DemandsConfig,
    pub freshness: FreshnessConfig,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FreshnessConfig {
    /// Shared data older than this many days is stale (`creditProfile.freshness.stale`, matching's note).
    pub max_age_days: i64,
}

impl Default for FreshnessConfig {
    fn default() -> Self {
        Self { max_age_days: 400 }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DemandsConfig {
    /// Banks that may hold (accept, or have granted credit on) one demand at once.
    pub max_holders: usize,
    /// Working days for a bank's first response after posting.
    pub first_response_working_days: u32,
    /// Working days for the credit decision after acceptance.
    pub credit_decision_working_days: u32,
    /// Validity of a demand posted without `expiresAt`, in days.
    pub default_validity_days: i64,
    /// Public holidays and make-up working days; when both are absent, the 2026 national calendar.
    pub holidays: Option<Vec<chrono::NaiveDate>>,
    pub make_up_workdays: Option<Vec<chrono::NaiveDate>>,
    /// 续贷/展期: requests open this many days before a loan's maturity.
    pub renewal_window_days: i64,
    /// Working days for the lending bank's renewal decision.
    pub renewal_decision_working_days: u32,
}

impl Default for DemandsConfig {
    fn default() -> Self {
        Self {
            max_holders: xyd_domain::demand::DEFAULT_MAX_HOLDERS,
            first_response_working_days: xyd_domain::demand::FIRST_RESPONSE_WORKING_DAYS,
            credit_decision_working_days: xyd_domain::demand::CREDIT_DECISION_WORKING_DAYS,
            default_validity_days: 30,
            holidays: None,
            make_up_workdays: None,
            renewal_window_days: xyd_domain::demand::renewal::DEFAULT_WINDOW_DAYS,
            renewal_decision_working_days: xyd_domain::demand::renewal::DEFAULT_DECISION_WORKING_DAYS,
        }
    }
}

impl DemandsConfig {
    pub fn calendar(&self) -> xyd_domain::demand::WorkCalendar {
        match (&self.holidays, &self.make_up_workdays) {
            (None, None) => xyd_domain::demand::WorkCalendar::china_2026(),
            (h, m) => {
                xyd_domain::demand::WorkCalendar::new(h.clone().unwrap_or_default(), m.clone().unwrap_or_default())
            }
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CreditConfig {
    /// While an objection is open, the disputed record's punitive effect is suspended.
    pub suspend_while_disputed: bool,
    /// The TrueType font embedded (subset) in 公共信用信息报告 PDFs: a CJK font with Latin glyphs from
    /// Debian's `fonts-arphic-gbsn00lp` (AR PL SungtiL GB) by default (`scripts/` and the Dockerfile install it).
    pub report_font: String,
}

impl Default for CreditConfig {
    fn default() -> Self {
        Self {
            suspend_while_disputed: true,
            report_font: "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf".to_string(),
        }
    }
}

impl CreditConfig {
    pub fn flag_policy(&self) -> xyd_domain::credit::FlagPolicy {
        xyd_domain::credit::FlagPolicy { suspend_while_disputed: self.suspend_while_disputed }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProductsConfig {
    /// Highest annual rate a product may offer, in basis points (2400 = 24.00%).
    pub max_rate_bp: i32,
    pub max_term_months: u16,
}

impl Default for ProductsConfig {
    fn default() -> Self {
        Self { max_rate_bp: 2400, max_term_months: 360 }
    }
}

impl ProductsConfig {
    /// The rate ceiling (falls back to the default if the configured one is out of range).
    pub fn max_rate(&self) -> xyd_domain::Rate {
        xyd_domain::Rate::from_bp(self.max_rate_bp).unwrap_or(xyd_domain::product::ProductRules::default().max_rate)
    }

    pub fn rules(&self) -> xyd_domain::product::ProductRules {
        xyd_domain::product::ProductRules { max_rate: self.max_rate(), max_term_months: self.max_term_months }
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CryptoConfig {
    /// 32-byte key, hex, that encrypts personal data at rest (ID numbers). Required in production.
    pub data_key: Secret,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImportsConfig {
    /// Rows handed from the file's reader to its writer at once (one statement per batch; the whole file is one
    /// transaction).
    pub batch_rows: usize,
    /// How long `importRecords` waits for a job before answering with it still RUNNING.
    pub wait_secs: u64,
    /// Rejected rows kept per job for `importJob.errors` (the CLI report file has them all).
    pub stored_errors: usize,
}

impl Default for ImportsConfig {
    fn default() -> Self {
        Self { batch_rows: 2000, wait_secs: 20, stored_errors: 1000 }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Listen address, e.g. `127.0.0.1:8080`.
    pub bind: String,
    /// How many proxies you control stand in front of the API. With N > 0 the client is the N-th address of
    /// `X-Forwarded-For` counted from the right (what the outermost trusted proxy saw); 0 ignores the header.
    pub trusted_proxy_hops: usize,
    /// Seconds granted to in-flight requests on shutdown.
    pub shutdown_grace_secs: u64,
    /// A request is answered (504) if its handler takes longer; an import answers sooner (`imports.wait_secs`).
    pub request_timeout_secs: u64,
    /// A connection must send its request headers within this time.
    pub header_read_timeout_secs: u64,
    /// A request body must arrive within this time (an upload of the largest allowed file included).
    pub body_read_timeout_secs: u64,
    /// Requests in flight at once per client address (IPv6 by /64); more are refused with 429.
    pub concurrent_requests_per_ip: usize,
    /// Connections one peer address (IPv6 by /64) may hold open at once; more are closed on accept. Behind a
    /// proxy every client shares the proxy's address: raise it there.
    pub connections_per_ip: usize,
    /// A refusal for a limit (429, RATE_LIMITED) is answered after this many milliseconds, so a client that
    /// keeps hammering is slowed to a trickle instead of being refused as fast as it can ask.
    pub refusal_delay_ms: u64,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `postgres://…` or `sqlite://path?mode=rwc`.
    pub url: Secret,
    /// Connections of the pool (and of the replica's pool, when there is one).
    pub max_connections: u32,
    /// A read-only PostgreSQL standby streaming from the primary (`postgres://…`), for the readers that may be a
    /// little behind: the indicator report, the bank league and their exports (`Db::reports`). Empty: they read
    /// the primary. Ignored, with a warning at start, on SQLite.
    pub replica_url: Secret,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SearchConfig {
    pub url: String,
    pub master_key: Secret,
    /// The key the application sends. When empty, the application finds or creates, with the master key, a
    /// key limited to the indexes `{index_prefix}_*` and to the actions it needs, and uses that one.
    pub api_key: Secret,
    /// Prefix of every index name, so tenants and tests never collide.
    pub index_prefix: String,
}

/// Prometheus metrics: served on their own address, which should not be reachable from outside.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MetricsConfig {
    /// Listen address of `/metrics` (and `/healthz`), e.g. `127.0.0.1:9090`; empty serves no metrics listener.
    pub bind: String,
    /// When set, the API address also serves `/metrics`, to `Authorization: Bearer <token>` only.
    pub token: Secret,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        Self { bind: "127.0.0.1:9090".into(), token: Secret::default() }
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GraphqlConfig {
    /// Answer introspection queries (`__schema`, `__type`). Default: on in development, off in production.
    pub introspection: Option<bool>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    pub jwt_secret: Secret,
    pub issuer: String,
    pub audience: String,
    pub access_ttl_secs: i64,
    pub refresh_ttl_days: i64,
    /// Failed logins allowed per account within `login_window_secs`.
    pub login_failures_per_account: u32,
    /// Login attempts allowed per client address within `login_window_secs`.
    pub login_attempts_per_ip: u32,
    /// Anonymous registrations (each an Argon2 hash) allowed per client address within `login_window_secs`.
    pub registrations_per_ip: u32,
    /// Session refreshes allowed per client address within `login_window_secs`.
    pub refreshes_per_ip: u32,
    pub login_window_secs: u64,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BootstrapConfig {
    pub admin_email: Option<String>,
    pub admin_password: Secret,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitsConfig {
    /// Largest JSON request body, in bytes.
    pub json_body_bytes: usize,
    /// Largest multipart (file upload) request body, in bytes.
    pub upload_body_bytes: usize,
    pub query_depth: usize,
    pub query_complexity: usize,
    /// The cost a request may have (see `graphql::cost`): a page of 100 products with a dozen fields is about
    /// 1,500; an indicator report about as much.
    pub query_cost: u64,
    /// What an imported file may hold, checked before a workbook is parsed and again while it is read.
    pub import: ImportBounds,
}

/// `[limits.import]`: bounds on an imported file beyond its size (`upload_body_bytes`), so that no file can
/// exhaust the server's memory: a workbook is a ZIP archive whose entries inflate, and its shared strings are
/// held whole while its sheet is read.
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImportBounds {
    /// Uncompressed bytes of any one entry of a workbook (its sheet is streamed, not held).
    pub workbook_entry_bytes: u64,
    /// Uncompressed bytes of a whole workbook.
    pub workbook_bytes: u64,
    /// Uncompressed bytes of a workbook's shared strings (`xl/sharedStrings.xml`), held whole while it is read.
    pub shared_strings_bytes: u64,
    /// Shared strings a workbook may hold.
    pub shared_strings: u64,
    /// Rows of a sheet, the header included (Excel's own limit by default).
    pub rows: u64,
    /// Bytes of one cell, and of one CSV line (Excel keeps at most 32,767 characters in a cell).
    pub cell_bytes: u64,
}

impl Default for ImportBounds {
    fn default() -> Self {
        Self {
            workbook_entry_bytes: 1024 * 1024 * 1024,
            workbook_bytes: 2 * 1024 * 1024 * 1024,
            shared_strings_bytes: 64 * 1024 * 1024,
            shared_strings: 1_000_000,
            rows: 1_048_576,
            cell_bytes: 256 * 1024,
        }
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            trusted_proxy_hops: 0,
            shutdown_grace_secs: 20,
            request_timeout_secs: 30,
            header_read_timeout_secs: 10,
            body_read_timeout_secs: 300,
            concurrent_requests_per_ip: 32,
            connections_per_ip: 64,
            refusal_delay_ms: 500,
        }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: Secret::new("sqlite://data/xinyidai.db?mode=rwc"),
            max_connections: 16,
            replica_url: Secret::default(),
        }
    }
}

impl Default for SearchConfig {
    fn default() -> Self {
        Self {
            url: "http://127.0.0.1:7700".into(),
            master_key: Secret::default(),
            api_key: Secret::default(),
            index_prefix: "xyd".into(),
        }
    }
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            jwt_secret: Secret::default(),
            issuer: "xinyidai".into(),
            audience: "xinyidai-api".into(),
            access_ttl_secs: 15 * 60,
            refresh_ttl_days: 30,
            login_failures_per_account: 5,
            login_attempts_per_ip: 30,
            registrations_per_ip: 20,
            refreshes_per_ip: 120,
            login_window_secs: 15 * 60,
        }
    }
}

impl Default for LimitsConfig {
    fn default() -> Self {
        Self {
            json_body_bytes: 1024 * 1024,
            // A 1,000,000-row registry file with every column is about 150 MB.
            upload_body_bytes: 256 * 1024 * 1024,
            query_depth: 12,
            query_complexity: 1000,
            query_cost: 5000,
            import: ImportBounds::default(),
        }
    }
}

/// The data key used in development when none is configured: data encrypted with it is not protected.
const DEVELOPMENT_DATA_KEY: &str = "6465762d6f6e6c792d6b65792d646f2d6e6f742d7573652d696e2d70726f6421";

/// Shortest JWT secret accepted outside development (HS256 wants at least 256 bits).
const MIN_JWT_SECRET_BYTES: usize = 32;

impl Config {
    /// Load from the file named by `XYD_CONFIG` (or `path`), then apply the process environment.
    pub fn load(path: Option<&Path>) -> anyhow::Result<Self> {
        let env: HashMap<String, String> = std::env::vars().collect();
        let path = path.map(Path::to_path_buf).or_else(|| env.get("XYD_CONFIG").map(Into::into));
        let mut config = match path {
            Some(path) => {
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read configuration file {}", path.display()))?;
                toml::from_str(&text).with_context(|| format!("invalid configuration file {}", path.display()))?
            }
            None => Config::default(),
        };
        config.apply_env(&env)?;
        config.finish()?;
        Ok(config)
    }

    /// Apply overrides from an environment map (the process environment in production, a literal map in tests).
    pub fn apply_env(&mut self, env: &HashMap<String, String>) -> anyhow::Result<()> {
        let get = |name: &str| env.get(name).filter(|v| !v.is_empty()).cloned();
        if let Some(v) = get("XYD_ENV") {
            self.environment = match v.as_str() {
                "development" | "dev" => Environment::Development,
                "production" | "prod" => Environment::Production,
                other => bail!("XYD_ENV must be development or production, not {other:?}"),
            };
        }
        // The secrets (which never print) and the plain names, each a field set as given.
        let secrets = [
            ("DATABASE_URL", &mut self.database.url),
            ("DATABASE_REPLICA_URL", &mut self.database.replica_url),
            ("MEILI_MASTER_KEY", &mut self.search.master_key),
            ("MEILI_API_KEY", &mut self.search.api_key),
            ("XYD_METRICS_TOKEN", &mut self.metrics.token),
            ("XYD_JWT_SECRET", &mut self.auth.jwt_secret),
            ("XYD_DATA_KEY", &mut self.crypto.data_key),
            ("XYD_BOOTSTRAP_ADMIN_PASSWORD", &mut self.bootstrap.admin_password),
        ];
        for (name, field) in secrets {
            if let Some(v) = get(name) {
                *field = Secret::new(v);
            }
        }
        let names = [
            ("MEILI_URL", &mut self.search.url),
            ("XYD_INDEX_PREFIX", &mut self.search.index_prefix),
            ("XYD_BIND", &mut self.server.bind),
            ("XYD_METRICS_BIND", &mut self.metrics.bind),
        ];
        for (name, field) in names {
            if let Some(v) = get(name) {
                *field = v;
            }
        }
        if let Some(v) = get("XYD_TRUSTED_PROXY_HOPS") {
            self.server.trusted_proxy_hops =
                v.parse().map_err(|_| anyhow::anyhow!("XYD_TRUSTED_PROXY_HOPS must be a whole number, not {v:?}"))?;
        }
        if let Some(v) = get("XYD_GRAPHQL_INTROSPECTION") {
            self.graphql.introspection = Some(match v.as_str() {
                "true" | "1" => true,
                "false" | "0" => false,
                other => bail!("XYD_GRAPHQL_INTROSPECTION must be true or false, not {other:?}"),
            });
        }
        if let Some(v) = get("XYD_BOOTSTRAP_ADMIN_EMAIL") {
            self.bootstrap.admin_email = Some(v);
        }
        Ok(())
    }

    /// Check the whole configuration; in development, fill in a random JWT secret when none is given.
    pub fn finish(&mut self) -> anyhow::Result<()> {
        let secret = self.auth.jwt_secret.expose();
        let weak = secret.len() < MIN_JWT_SECRET_BYTES || is_placeholder(secret);
        match self.environment {
            Environment::Production if secret.is_empty() => {
                bail!(
                    "XYD_JWT_SECRET is not set: production needs a random secret of at least {MIN_JWT_SECRET_BYTES} bytes"
                )
            }
            Environment::Production if weak => {
                bail!(
                    "XYD_JWT_SECRET is too weak: production needs a random secret of at least {MIN_JWT_SECRET_BYTES} bytes"
                )
            }
            Environment::Development if secret.is_empty() => {
                self.auth.jwt_secret = Secret::new(random_secret());
            }
            _ => {}
        }
        match (self.environment, self.crypto.data_key.is_empty()) {
            (Environment::Production, true) => bail!("XYD_DATA_KEY is not set: production needs a 64-hex-digit key"),
            (Environment::Development, true) => self.crypto.data_key = Secret::new(DEVELOPMENT_DATA_KEY),
            _ => {}
        }
        crate::crypto::FieldCipher::new(self.crypto.data_key.expose())?;
        if self.auth.access_ttl_secs <= 0 || self.auth.access_ttl_secs > 3600 {
            bail!("auth.access_ttl_secs must be between 1 and 3600");
        }
        let replica = self.database.replica_url.expose();
        if !replica.is_empty() && !["postgres://", "postgresql://"].iter().any(|scheme| replica.starts_with(scheme)) {
            bail!("DATABASE_REPLICA_URL must be a postgres:// URL (a standby of the primary)");
        }
        if self.bootstrap.admin_email.is_some() && self.bootstrap.admin_password.is_empty() {
            bail!("XYD_BOOTSTRAP_ADMIN_EMAIL is set but XYD_BOOTSTRAP_ADMIN_PASSWORD is not");
        }
        Ok(())
    }

    pub fn is_development(&self) -> bool {
        self.environment == Environment::Development
    }

    /// Whether GraphQL answers introspection: as configured, else only in development.
    pub fn introspection_enabled(&self) -> bool {
        self.graphql.introspection.unwrap_or(self.is_development())
    }
}

fn is_placeholder(secret: &str) -> bool {
    let lower = secret.to_ascii_lowercase();
    ["changeme", "change-me", "secret", "password", "example"].iter().any(|p| lower.contains(p))
        || secret.chars().all(|c| secret.starts_with(c))
}

fn random_secret() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn production_refuses_missing_or_weak_secret() {
        for secret in ["", "short", "changeme-changeme-changeme-changeme", &"a".repeat(40)] {
            let mut c = Config::default();
            c.apply_env(&env(&[
                ("XYD_ENV", "production"),
                ("XYD_JWT_SECRET", secret),
                ("XYD_DATA_KEY", &"ab".repeat(32)),
            ]))
            .unwrap();
            assert!(c.finish().is_err(), "accepted {secret:?}");
        }
    }

    #[test]
    fn production_accepts_a_long_random_secret() {
        let mut c = Config::default();
        c.apply_env(&env(&[
            ("XYD_ENV", "production"),
            ("XYD_JWT_SECRET", &random_secret()),
            ("XYD_DATA_KEY", &"ab".repeat(32)),
        ]))
        .unwrap();
        c.finish().unwrap();
    }

    #[test]
    fn production_requires_a_data_key() {
        let mut c = Config::default();
        c.apply_env(&env(&[("XYD_ENV", "production"), ("XYD_JWT_SECRET", &random_secret())])).unwrap();
        assert!(c.finish().is_err());
        c.apply_env(&env(&[("XYD_DATA_KEY", "abcd")])).unwrap();
        assert!(c.finish().is_err(), "a short key is refused");
    }

    #[test]
    fn development_generates_a_secret_and_defaults_to_sqlite() {
        let mut c = Config::default();
        c.finish().unwrap();
        assert!(c.auth.jwt_secret.expose().len() >= MIN_JWT_SECRET_BYTES);
        assert!(c.database.url.expose().starts_with("sqlite://data/"));
    }

    #[test]
    fn fixed_environment_names_override_the_file() {
        let mut c: Config = toml::from_str("[server]\nbind = \"0.0.0.0:1\"").unwrap();
        c.apply_env(&env(&[
            ("DATABASE_URL", "postgres://x"),
            ("DATABASE_REPLICA_URL", "postgres://standby"),
            ("MEILI_URL", "http://m"),
            ("MEILI_MASTER_KEY", "k"),
            ("XYD_BIND", "127.0.0.1:9"),
            ("XYD_BOOTSTRAP_ADMIN_EMAIL", "a@b.cn"),
            ("XYD_BOOTSTRAP_ADMIN_PASSWORD", "pw"),
        ]))
        .unwrap();
        assert_eq!(c.database.url.expose(), "postgres://x");
        assert_eq!(c.database.replica_url.expose(), "postgres://standby");
        assert_eq!(c.search.url, "http://m");
        assert_eq!(c.search.master_key.expose(), "k");
        assert_eq!(c.server.bind, "127.0.0.1:9");
        assert_eq!(c.bootstrap.admin_email.as_deref(), Some("a@b.cn"));
    }

    #[test]
    fn operations_settings_have_safe_defaults_and_environment_names() {
        let mut c = Config::default();
        assert_eq!(c.metrics.bind, "127.0.0.1:9090");
        assert!(c.introspection_enabled(), "on in development");
        c.environment = Environment::Production;
        assert!(!c.introspection_enabled(), "off in production");
        let mut c: Config = toml::from_str("environment = \"production\"\n[graphql]\nintrospection = true").unwrap();
        assert!(c.introspection_enabled(), "unless the file turns it on");
        c.apply_env(&env(&[
            ("XYD_METRICS_BIND", "0.0.0.0:9100"),
            ("XYD_METRICS_TOKEN", "scrape"),
            ("MEILI_API_KEY", "scoped"),
            ("XYD_GRAPHQL_INTROSPECTION", "false"),
        ]))
        .unwrap();
        assert_eq!(c.metrics.bind, "0.0.0.0:9100");
        assert_eq!(c.metrics.token.expose(), "scrape");
        assert_eq!(c.search.api_key.expose(), "scoped");
        assert!(!c.introspection_enabled());
    }

    #[test]
    fn the_replica_is_optional_and_must_be_postgres() {
        let mut c = Config::default();
        c.finish().unwrap();
        assert!(c.database.replica_url.is_empty(), "no replica unless one is configured");
        let mut c: Config = toml::from_str("[database]\nreplica_url = \"sqlite://copy.db\"").unwrap();
        assert!(c.finish().is_err(), "a standby is a PostgreSQL server");
        c.database.replica_url = Secret::new("postgresql://standby:5433/xyd");
        c.finish().unwrap();
    }

    #[test]
    fn secrets_do_not_print() {
        let c = Secret::new("hunter2");
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}
