//! Rate limits on the expensive and guessable operations: logins (per account and per client address), and
//! the anonymous mutations that cost an Argon2 hash or a token lookup (`registerSubject`, `refreshSession`).
//!
//! An attempt is counted *before* the expensive work (reserve, then settle): N concurrent attempts never run
//! more than the limit. A login reserves a failure slot of its account and gives it back only on success.
//!
//! Counters live behind [`RateStore`]. [`MemoryStore`] keeps fixed windows in this process, so each API
//! replica limits on its own (an attacker gets replicas × limit per window); a store in PostgreSQL can take
//! its place when the platform runs several replicas.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::config::AuthConfig;
use crate::error::{AppError, AppResult};

/// Where attempt counters are kept: fixed windows per (budget, key).
pub trait RateStore: Send + Sync {
    /// Count one attempt of `key` against `budget` unless `limit` attempts were already counted in the
    /// current window; else how long until the window ends. Check and count are one atomic step.
    fn acquire(&self, budget: &'static str, key: &str, limit: u32, window: Duration) -> Result<(), Duration>;
    /// Take back one attempt counted by `acquire` (it turned out not to count).
    fn release(&self, budget: &'static str, key: &str);
    /// Forget `key`'s attempts.
    fn clear(&self, budget: &'static str, key: &str);
}

/// Entries kept before old windows are swept out, to bound memory under a flood of distinct keys.
const SWEEP_AT: usize = 10_000;

/// A window: when it started, attempts counted, how long it lasts.
type Window = (Instant, u32, Duration);
type Windows = HashMap<(&'static str, String), Window>;

/// Fixed windows in memory, for one replica.
#[derive(Default)]
pub struct MemoryStore {
    entries: Mutex<Windows>,
}

impl MemoryStore {
    fn lock(&self) -> std::sync::MutexGuard<'_, Windows> {
        // A poisoned lock only means another thread panicked mid-update of a counter; the counts stay usable.
        self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl RateStore for MemoryStore {
    fn acquire(&self, budget: &'static str, key: &str, limit: u32, window: Duration) -> Result<(), Duration> {
        let now = Instant::now();
        let mut entries = self.lock();
        if entries.len() >= SWEEP_AT {
            entries.retain(|_, (start, _, window)| now.duration_since(*start) < *window);
        }
        let entry = entries.entry((budget, key.to_string())).or_insert((now, 0, window));
        if now.duration_since(entry.0) >= window {
            *entry = (now, 0, window);
        }
        if entry.1 >= limit {
            return Err(window.saturating_sub(now.duration_since(entry.0)));
        }
        entry.1 += 1;
        Ok(())
    }

    fn release(&self, budget: &'static str, key: &str) {
        if let Some(entry) = self.lock().get_mut(&(budget, key.to_string())) {
            entry.1 = entry.1.saturating_sub(1);
        }
    }

    fn clear(&self, budget: &'static str, key: &str) {
        self.lock().remove(&(budget, key.to_string()));
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
    store: Box<dyn RateStore>,
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
    pub fn succeeded(self) {
        self.limits.store.clear("login_failures", &self.account);
    }
}

impl RateLimits {
    pub fn new(config: &AuthConfig) -> Self {
        Self::with_store(config, Box::new(MemoryStore::default()))
    }

    pub fn with_store(config: &AuthConfig, store: Box<dyn RateStore>) -> Self {
        Self {
            store,
            window: Duration::from_secs(config.login_window_secs),
            failures_per_account: config.login_failures_per_account,
            logins_per_address: config.login_attempts_per_ip,
            registrations_per_address: config.registrations_per_ip,
            refreshes_per_address: config.refreshes_per_ip,
        }
    }

    fn acquire(&self, budget: &'static str, key: &str, limit: u32) -> AppResult<()> {
        self.store
            .acquire(budget, key, limit, self.window)
            .map_err(|left| AppError::RateLimited { retry_after_secs: left.as_secs().max(1) })
    }

    /// Reserve a login attempt from `ip` against `account` before its password is checked: counted against the
    /// address at once, and as a failure of the account until it `succeeded`.
    pub fn login(&self, ip: IpAddr, account: &str) -> AppResult<LoginAttempt<'_>> {
        self.acquire("login_address", &address_key(ip), self.logins_per_address)?;
        if let Err(e) = self.acquire("login_failures", account, self.failures_per_account) {
            // Refused before any work: it does not use up the address's budget.
            self.store.release("login_address", &address_key(ip));
            return Err(e);
        }
        Ok(LoginAttempt { limits: self, account: account.to_string() })
    }

    /// Reserve an anonymous registration (an Argon2 hash) from `ip`.
    pub fn registration(&self, ip: IpAddr) -> AppResult<()> {
        self.acquire("registration_address", &address_key(ip), self.registrations_per_address)
    }

    /// Reserve a session refresh from `ip`.
    pub fn refresh(&self, ip: IpAddr) -> AppResult<()> {
        self.acquire("refresh_address", &address_key(ip), self.refreshes_per_address)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn limits(per_account: u32, per_ip: u32) -> RateLimits {
        RateLimits::new(&AuthConfig {
            login_failures_per_account: per_account,
            login_attempts_per_ip: per_ip,
            registrations_per_ip: 2,
            ..Default::default()
        })
    }

    #[test]
    fn failures_lock_the_account_until_a_success_clears_them() {
        let l = limits(2, 100);
        let ip = IpAddr::from([127, 0, 0, 1]);
        for _ in 0..2 {
            drop(l.login(ip, "a@x.cn").unwrap());
        }
        assert!(matches!(l.login(ip, "a@x.cn"), Err(AppError::RateLimited { .. })));
        assert!(l.login(ip, "b@x.cn").is_ok(), "another account is not affected");
        l.store.clear("login_failures", "a@x.cn");
        l.login(ip, "a@x.cn").unwrap().succeeded();
        assert!(l.login(ip, "a@x.cn").is_ok());
    }

    #[test]
    fn concurrent_attempts_never_exceed_the_limit() {
        let l = Arc::new(limits(5, 1000));
        let granted: usize = std::thread::scope(|s| {
            let handles: Vec<_> = (0..30)
                .map(|_| {
                    let l = l.clone();
                    s.spawn(move || {
                        // Hold the slot as a password check would, then fail.
                        l.login(IpAddr::from([10, 0, 0, 9]), "v@x.cn").map(drop).is_ok()
                    })
                })
                .collect();
            handles.into_iter().map(|h| usize::from(h.join().unwrap_or(false))).sum()
        });
        assert_eq!(granted, 5);
    }

    #[test]
    fn an_address_is_limited_across_accounts_and_ipv6_by_its_prefix() {
        let l = limits(100, 3);
        let ip = IpAddr::from([10, 0, 0, 1]);
        for i in 0..3 {
            drop(l.login(ip, &format!("u{i}@x.cn")).unwrap());
        }
        assert!(matches!(l.login(ip, "u9@x.cn"), Err(AppError::RateLimited { .. })));
        assert!(l.login(IpAddr::from([10, 0, 0, 2]), "u9@x.cn").is_ok());

        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        assert_eq!(address_key(a), address_key(b));
        assert_ne!(address_key(a), address_key("2001:db8:1:3::1".parse().unwrap()));
        assert_eq!(address_key("::ffff:10.0.0.1".parse().unwrap()), "10.0.0.1");
        l.registration(a).unwrap();
        l.registration(b).unwrap();
        assert!(l.registration(a).is_err(), "the /64 shares one budget");
    }
}
