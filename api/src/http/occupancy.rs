//! Things a client holds at once (open connections, requests in flight), counted per key until each is let go.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Per key, how many are held.
#[derive(Clone, Default)]
pub struct Occupancy(Arc<Mutex<HashMap<String, usize>>>);

/// One held thing, counted until dropped.
pub struct Occupied {
    table: Occupancy,
    key: String,
}

impl Occupancy {
    /// Count one more for `key`, unless `cap` are held already.
    pub fn admit(&self, key: String, cap: usize) -> Option<Occupied> {
        let mut table = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let n = table.entry(key.clone()).or_default();
        if *n >= cap {
            return None;
        }
        *n += 1;
        Some(Occupied { table: self.clone(), key })
    }
}

impl Drop for Occupied {
    fn drop(&mut self) {
        let mut table = self.table.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(n) = table.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                table.remove(&self.key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_holds_at_most_its_cap_and_gets_slots_back_on_drop() {
        let o = Occupancy::default();
        let a = o.admit("a".into(), 2);
        let b = o.admit("a".into(), 2);
        assert!(a.is_some() && b.is_some());
        assert!(o.admit("a".into(), 2).is_none());
        assert!(o.admit("b".into(), 2).is_some(), "another key is not affected");
        drop(a);
        assert!(o.admit("a".into(), 2).is_some());
    }
}
