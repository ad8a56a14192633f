//! Rate limits on the expensive and guessable operations: logins (per account and per client address), and
//! the anonymous mutations that cost an Argon2 hash or a token lookup (`registerSubject`, `refreshSession`).
//!
//! An attempt is counted *before* the expensive work (reserve, then settle): N concurrent attempts never run
//! more than the limit. A login reserves a failure slot of its account and gives it back only on success.
//!
//! Counters live in a [`RateStore`]: on PostgreSQL in a table every replica shares (`shared`: one atomic
//! statement per attempt), so N replicas still allow one limit per window; on SQLite — one process per
//! file — in this process's memory (`memory`).

mod memory;
mod shared;

use std::net::IpAddr;
use std::time::Duration;

pub use memory::MemoryStore;
pub use shared::{SharedStore, spawn_sweep};

use crate::config::AuthConfig;
use crate::db::Db;
use crate::error::{AppError, AppResult};

/// The client's address, as used for rate limits.
#[derive(Clone, Copy, Debug)]
pub struct ClientIp(pub IpAddr);

impl ClientIp {
    /// The address of the request `ctx` belongs to. Every transport sets it; a request without one (a bug) is
    /// refused rather than limited as nobody.
    pub fn of(ctx: &async_graphql::Context<'_>) -> crate::error::AppResult<std::net::IpAddr> {
        ctx.data_opt::<ClientIp>()
            .map(|ip| ip.0)
            .ok_or_else(|| crate::error::AppError::internal("client address", "the transport set none"))
    }
}

/// Where attempt counters are kept: fixed windows per (budget, key).
pub enum RateStore {
    Memory(MemoryStore),
    Shared(SharedStore),
}

impl RateStore {
    /// The store for `db`: shared through PostgreSQL, in memory for SQLite's single process.
    pub fn for_db(db: &Db) -> Self {
        match db.backend() {
            sea_orm::DatabaseBackend::Postgres => RateStore::Shared(SharedStore::new(db.clone())),
            _ => RateStore::Memory(MemoryStore::default()),
        }
    }

    /// Count one attempt of `key` against `budget` unless `limit` attempts were already counted in the
    /// current window; else how long until the window ends. Check and count are one atomic step.
    async fn acquire(
        &self,
        budget: &'static str,
        key: &str,
        limit: u32,
        window: Duration,
    ) -> AppResult<Result<(), Duration>> {
        match self {
            RateStore::Memory(m) => Ok(m.acquire(budget, key, limit, window)),
            RateStore::Shared(s) => s.acquire(budget, key, limit, window).await,
        }
    }

    /// Take back one attempt counted by `acquire` (it turned out not to count).
    async fn release(&self, budget: &'static str, key: &str) -> AppResult<()> {
        match self {
            RateStore::Memory(m) => {
                m.release(budget, key);
                Ok(())
            }
            RateStore::Shared(s) => s.release(budget, key).await,
        }
    }

    /// Forget `key`'s attempts.
    async fn clear(&self, budget: &'static str, key: &str) -> AppResult<()> {
        match self {
            RateStore::Memory(m) => {
                m.clear(budget, key);
                Ok(())
            }
            RateStore::Shared(s) => s.clear(budget, key).await,
        }
    }
}

/// The key of a client address: IPv4 as is, IPv6 by its /64 (one subscriber's whole prefix is one client).
pub fn address_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// The platform's budgets over one store.
pub struct RateLimits {
    store: RateStore,
    window: Duration,
    failures_per_account: u32,
    logins_per_address: u32,
    registrations_per_address: u32,
    refreshes_per_address: u32,
}

/// A failed-login slot of an account, held while its password is checked. Dropped without `succeeded`, the
/// failure counts.
#[must_use]
pub struct LoginAttempt<'a> {
    limits: &'a RateLimits,
    account: String,
}

impl LoginAttempt<'_> {
    /// The password matched: the account's failures are forgotten.
    pub async fn succeeded(self) -> AppResult<()> {
        self.limits.store.clear("login_failures", &self.account).await
    }
}

impl RateLimits {
    pub fn new(config: &AuthConfig, store: RateStore) -> Self {
        Self {
            store,
            window: Duration::from_secs(config.login_window_secs),
            failures_per_account: config.login_failures_per_account,
            logins_per_address: config.login_attempts_per_ip,
            registrations_per_address: config.registrations_per_ip,
            refreshes_per_address: config.refreshes_per_ip,
        }
    }

    async fn acquire(&self, budget: &'static str, key: &str, limit: u32) -> AppResult<()> {
        self.store
            .acquire(budget, key, limit, self.window)
            .await?
            .map_err(|left| AppError::RateLimited { retry_after_secs: left.as_secs().max(1) })
    }

    /// Reserve a login attempt from `ip` against `account` before its password is checked: counted against the
    /// address at once, and as a failure of the account until it `succeeded`.
    pub async fn login(&self, ip: IpAddr, account: &str) -> AppResult<LoginAttempt<'_>> {
        self.acquire("login_address", &address_key(ip), self.logins_per_address).await?;
        if let Err(e) = self.acquire("login_failures", account, self.failures_per_account).await {
            // Refused before any work: it does not use up the address's budget.
            self.store.release("login_address", &address_key(ip)).await?;
            return Err(e);
        }
        Ok(LoginAttempt { limits: self, account: account.to_string() })
    }

    /// Reserve an anonymous registration (an Argon2 hash) from `ip`.
    pub async fn registration(&self, ip: IpAddr) -> AppResult<()> {
        self.acquire("registration_address", &address_key(ip), self.registrations_per_address).await
    }

    /// Reserve a session refresh from `ip`.
    pub async fn refresh(&self, ip: IpAddr) -> AppResult<()> {
        self.acquire("refresh_address", &address_key(ip), self.refreshes_per_address).await
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn limits(per_account: u32, per_ip: u32) -> RateLimits {
        let config = AuthConfig {
            login_failures_per_account: per_account,
            login_attempts_per_ip: per_ip,
            registrations_per_ip: 2,
            ..Default::default()
        };
        RateLimits::new(&config, RateStore::Memory(MemoryStore::default()))
    }

    #[tokio::test]
    async fn failures_lock_the_account_until_a_success_clears_them() {
        let l = limits(2, 100);
        let ip = IpAddr::from([127, 0, 0, 1]);
        for _ in 0..2 {
            drop(l.login(ip, "a@x.cn").await.unwrap());
        }
        assert!(matches!(l.login(ip, "a@x.cn").await, Err(AppError::RateLimited { .. })));
        assert!(l.login(ip, "b@x.cn").await.is_ok(), "another account is not affected");
        l.store.clear("login_failures", "a@x.cn").await.unwrap();
        l.login(ip, "a@x.cn").await.unwrap().succeeded().await.unwrap();
        assert!(l.login(ip, "a@x.cn").await.is_ok());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_attempts_never_exceed_the_limit() {
        let l = Arc::new(limits(5, 1000));
        let attempts = (0..30).map(|_| {
            let l = l.clone();
            // Hold the slot as a password check would, then fail.
            tokio::spawn(async move { l.login(IpAddr::from([10, 0, 0, 9]), "v@x.cn").await.map(drop).is_ok() })
        });
        let granted = futures::future::join_all(attempts).await.into_iter().filter(|r| matches!(r, Ok(true))).count();
        assert_eq!(granted, 5);
    }

    #[tokio::test]
    async fn an_address_is_limited_across_accounts_and_ipv6_by_its_prefix() {
        let l = limits(100, 3);
        let ip = IpAddr::from([10, 0, 0, 1]);
        for i in 0..3 {
            drop(l.login(ip, &format!("u{i}@x.cn")).await.unwrap());
        }
        assert!(matches!(l.login(ip, "u9@x.cn").await, Err(AppError::RateLimited { .. })));
        assert!(l.login(IpAddr::from([10, 0, 0, 2]), "u9@x.cn").await.is_ok());

        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        assert_eq!(address_key(a), address_key(b));
        assert_ne!(address_key(a), address_key("2001:db8:1:3::1".parse().unwrap()));
        assert_eq!(address_key("::ffff:10.0.0.1".parse().unwrap()), "10.0.0.1");
        l.registration(a).await.unwrap();
        l.registration(b).await.unwrap();
        assert!(l.registration(a).await.is_err(), "the /64 shares one budget");
    }
}
