//! Fixed windows in this process's memory: the store of a single process (SQLite).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Entries kept before old windows are swept out, to bound memory under a flood of distinct keys.
const SWEEP_AT: usize = 10_000;

/// A window: when it started, attempts counted, how long it lasts.
type Window = (Instant, u32, Duration);
type Windows = HashMap<(&'static str, String), Window>;

#[derive(Default)]
pub struct MemoryStore {
    entries: Mutex<Windows>,
}

impl MemoryStore {
    fn lock(&self) -> std::sync::MutexGuard<'_, Windows> {
        // A poisoned lock only means another thread panicked mid-update of a counter; the counts stay usable.
        self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(super) fn acquire(
        &self,
        budget: &'static str,
        key: &str,
        limit: u32,
        window: Duration,
    ) -> Result<(), Duration> {
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

    pub(super) fn release(&self, budget: &'static str, key: &str) {
        if let Some(entry) = self.lock().get_mut(&(budget, key.to_string())) {
            entry.1 = entry.1.saturating_sub(1);
        }
    }

    pub(super) fn clear(&self, budget: &'static str, key: &str) {
        self.lock().remove(&(budget, key.to_string()));
    }
}
