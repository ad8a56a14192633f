//! Login rate limits, per account (failed attempts) and per client address (all attempts).
//!
//! Fixed windows kept in memory: each API replica limits on its own, which bounds a guessing attacker to
//! replicas × limit per window — acceptable for a handful of replicas, and it needs no shared store.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::config::AuthConfig;
use crate::error::{AppError, AppResult};

/// Entries kept before old windows are swept out, to bound memory under a flood of distinct keys.
const SWEEP_AT: usize = 10_000;

struct Windows<K> {
    limit: u32,
    window: Duration,
    entries: Mutex<HashMap<K, (Instant, u32)>>,
}

impl<K: Eq + Hash> Windows<K> {
    fn new(limit: u32, window: Duration) -> Self {
        Self { limit, window, entries: Mutex::new(HashMap::new()) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, (Instant, u32)>> {
        // A poisoned lock only means another thread panicked mid-update of a counter; the counts stay usable.
        self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Fail with RATE_LIMITED when `key` has used up its window.
    fn check(&self, key: &K, now: Instant) -> AppResult<()> {
        let entries = self.lock();
        match entries.get(key) {
            Some((start, count)) if now.duration_since(*start) < self.window && *count >= self.limit => {
                let left = self.window.saturating_sub(now.duration_since(*start));
                Err(AppError::RateLimited { retry_after_secs: left.as_secs().max(1) })
            }
            _ => Ok(()),
        }
    }

    fn hit(&self, key: K, now: Instant) {
        let mut entries = self.lock();
        if entries.len() >= SWEEP_AT {
            let window = self.window;
            entries.retain(|_, (start, _)| now.duration_since(*start) < window);
        }
        let entry = entries.entry(key).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 += 1;
    }

    fn clear(&self, key: &K) {
        self.lock().remove(key);
    }
}

/// The login limiter held in application state.
pub struct LoginLimiter {
    per_account: Windows<String>,
    per_ip: Windows<IpAddr>,
}

impl LoginLimiter {
    pub fn new(config: &AuthConfig) -> Self {
        let window = Duration::from_secs(config.login_window_secs);
        Self {
            per_account: Windows::new(config.login_failures_per_account, window),
            per_ip: Windows::new(config.login_attempts_per_ip, window),
        }
    }

    /// Count an attempt from `ip` against `account`, refusing it when either limit is reached.
    pub fn attempt(&self, ip: IpAddr, account: &str) -> AppResult<()> {
        let now = Instant::now();
        self.per_ip.check(&ip, now)?;
        self.per_account.check(&account.to_string(), now)?;
        self.per_ip.hit(ip, now);
        Ok(())
    }

    pub fn failed(&self, account: &str) {
        self.per_account.hit(account.to_string(), Instant::now());
    }

    pub fn succeeded(&self, account: &str) {
        self.per_account.clear(&account.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(per_account: u32, per_ip: u32) -> LoginLimiter {
        LoginLimiter::new(&AuthConfig {
            login_failures_per_account: per_account,
            login_attempts_per_ip: per_ip,
            ..Default::default()
        })
    }

    #[test]
    fn failures_lock_the_account_until_a_success_clears_them() {
        let l = limiter(2, 100);
        let ip = IpAddr::from([127, 0, 0, 1]);
        for _ in 0..2 {
            l.attempt(ip, "a@x.cn").unwrap();
            l.failed("a@x.cn");
        }
        assert!(matches!(l.attempt(ip, "a@x.cn"), Err(AppError::RateLimited { .. })));
        assert!(l.attempt(ip, "b@x.cn").is_ok(), "another account is not affected");
        l.succeeded("a@x.cn");
        assert!(l.attempt(ip, "a@x.cn").is_ok());
    }

    #[test]
    fn an_address_is_limited_across_accounts() {
        let l = limiter(100, 3);
        let ip = IpAddr::from([10, 0, 0, 1]);
        for i in 0..3 {
            l.attempt(ip, &format!("u{i}@x.cn")).unwrap();
        }
        assert!(matches!(l.attempt(ip, "u9@x.cn"), Err(AppError::RateLimited { .. })));
        assert!(l.attempt(IpAddr::from([10, 0, 0, 2]), "u9@x.cn").is_ok());
    }
}
