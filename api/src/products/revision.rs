//! Where the product catalogue stands ([`Revision`]), and how a search learns it without asking the database.
//!
//! On PostgreSQL the revision is heard: a transaction that moves the change counter or the outbox sends
//! `NOTIFY xyd_catalog` when it commits (migration `m20261206_000018_catalog_notify`), and this replica's
//! listener (`events::spawn_listener`) reads the revision again and keeps it here, so a search reads nothing.
//! Without a listener — SQLite, whose other processes cannot notify this one, or PostgreSQL while the listener
//! reconnects — every search reads the revision itself, as it always may.
//!
//! Freshness: this process's own product writes are seen by its next request (the writer reads the revision
//! again once it has committed, [`super::ProductSearch::changed`]); another replica's as soon as the
//! notification arrives, about a millisecond after the commit. A notification missed while the listener's
//! connection was down is made good by reading the revision once it listens again.

use std::sync::{Mutex, PoisonError};

use sea_orm::{ConnectionTrait, Statement};

use crate::error::AppResult;

/// Where the catalogue stands: its change counter (`catalog_changes`, bumped by a trigger in every transaction
/// that writes `products`, and by [`super::ProductSearch::invalidate`]), and whether the search index has
/// caught up with it (no outbox row pending). Ordered as time runs: the counter only grows, and at one count the
/// index only catches up (an outbox row is only ever written with a product, which bumps the counter).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Revision {
    pub changes: i64,
    pub indexed: bool,
}

/// One row, and one probe of the outbox for a pending row (`ix_outbox_pending` leads with `processed_at`).
const REVISION: &str = "SELECT changes, \
    (SELECT COUNT(*) FROM (SELECT 1 FROM outbox WHERE processed_at IS NULL LIMIT 1) p) AS pending \
    FROM catalog_changes WHERE id = 1";

/// The revision as the database has it now.
pub(super) async fn read(conn: &impl ConnectionTrait) -> AppResult<Revision> {
    let row = conn.query_one_raw(Statement::from_string(conn.get_database_backend(), REVISION)).await?;
    Ok(match row {
        Some(r) => Revision { changes: r.try_get("", "changes")?, indexed: r.try_get::<i64>("", "pending")? == 0 },
        None => Revision { changes: 0, indexed: false },
    })
}

/// The revision as this process last heard it, trusted only while a listener hears every change.
#[derive(Default)]
pub(super) struct Heard {
    inner: Mutex<Hearing>,
}

#[derive(Default)]
struct Hearing {
    /// A listener is connected and LISTENing.
    listening: bool,
    /// The newest revision read since it began; none until the first read succeeds (or after one failed).
    latest: Option<Revision>,
}

impl Heard {
    fn lock(&self) -> std::sync::MutexGuard<'_, Hearing> {
        // Every statement under the lock leaves it consistent, so a poisoned lock is still usable.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The revision a search may take without reading it: none unless a listener hears every change.
    pub(super) fn current(&self) -> Option<Revision> {
        let hearing = self.lock();
        hearing.latest.filter(|_| hearing.listening)
    }

    /// Whether a listener hears every change (else nothing heard is used, and nothing need be read for it).
    pub(super) fn is_listening(&self) -> bool {
        self.lock().listening
    }

    /// A listener hears every change from now on (or, with `false`, no longer does: what it misses is unknown).
    pub(super) fn listening(&self, listening: bool) {
        *self.lock() = Hearing { listening, latest: None };
    }

    /// The revision was read again: keep the newest read (reads finishing out of order never move it back); a
    /// failed read leaves it unknown until the next one.
    pub(super) fn read(&self, read: Option<Revision>) {
        let mut hearing = self.lock();
        let latest = hearing.latest;
        hearing.latest = read.map(|read| latest.map_or(read, |latest| latest.max(read)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(changes: i64, indexed: bool) -> Revision {
        Revision { changes, indexed }
    }

    #[test]
    fn a_heard_revision_is_used_only_while_listening_and_never_moves_back() {
        let heard = Heard::default();
        heard.read(Some(at(3, true)));
        assert_eq!(heard.current(), None, "nobody listens: searches read the revision themselves");
        heard.listening(true);
        assert_eq!(heard.current(), None, "listening, but nothing read since");
        heard.read(Some(at(4, false)));
        heard.read(Some(at(4, true)));
        heard.read(Some(at(4, false)));
        assert_eq!(heard.current(), Some(at(4, true)), "a read that finished late does not move it back");
        heard.read(None);
        assert_eq!(heard.current(), None, "a failed read makes it unknown");
        heard.read(Some(at(5, true)));
        heard.listening(false);
        assert_eq!(heard.current(), None, "the listener lost its connection");
    }
}
