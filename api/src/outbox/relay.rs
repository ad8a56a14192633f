//! The relay loop: claim due rows, apply them to Meilisearch, complete or back off. Woken right after a
//! commit that enqueued something, and every second otherwise.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{Duration, Utc};
use tokio::sync::{Notify, watch};

use futures::future::BoxFuture;
use xyd_domain::ProductId;

use super::repo::{self, Claimed};
use crate::db::Db;
use crate::error::AppResult;
use crate::metrics::Metrics;

const BATCH: u64 = 200;
const LEASE_SECS: i64 = 60;
const IDLE_POLL: StdDuration = StdDuration::from_secs(1);

/// Wakes the relay after a commit.
#[derive(Clone, Default)]
pub struct Relay {
    notify: Arc<Notify>,
}

impl Relay {
    pub fn wake(&self) {
        self.notify.notify_one();
    }
}

/// Applying product rows: the documents whose ids are given, indexed as they stand now; `Err` says why not.
pub type Projection = BoxFuture<'static, Result<(), String>>;

/// What a round needs: the database, the metrics, and how products are projected into the engine (given by
/// start-up, so the outbox names no capability).
struct Rounds<P> {
    db: Db,
    metrics: Metrics,
    project: P,
}

/// Run the relay until `shutdown` turns true: woken by `relay`, projecting product rows with `project`.
pub fn spawn_relay<P>(
    db: Db,
    metrics: Metrics,
    relay: Relay,
    project: P,
    mut shutdown: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()>
where
    P: Fn(Vec<ProductId>) -> Projection + Send + Sync + 'static,
{
    let rounds = Rounds { db, metrics, project };
    tokio::spawn(async move {
        let (db, metrics) = (&rounds.db, &rounds.metrics);
        loop {
            let busy = match rounds.round().await {
                Ok(n) => n > 0,
                Err(e) => {
                    tracing::warn!(error = %e.message(), "outbox relay round failed");
                    false
                }
            };
            if let Ok(lag) = repo::lag(db.conn()).await {
                metrics.set_gauge("xyd_outbox_pending", lag.pending as f64);
                metrics.set_gauge("xyd_outbox_oldest_seconds", lag.oldest_secs);
            }
            if busy {
                continue;
            }
            tokio::select! {
                () = relay.notify.notified() => {}
                () = tokio::time::sleep(IDLE_POLL) => {}
                _ = shutdown.changed() => {}
            }
            if *shutdown.borrow() {
                break;
            }
        }
    })
}

impl<P: Fn(Vec<ProductId>) -> Projection> Rounds<P> {
    /// One round: returns how many rows were handled.
    async fn round(&self) -> AppResult<usize> {
        let txn = self.db.begin_write().await?;
        let claimed = repo::claim(&*txn, BATCH, Duration::seconds(LEASE_SECS)).await?;
        txn.commit().await?;
        if claimed.is_empty() {
            return Ok(0);
        }
        // Rows are grouped by aggregate; each projection indexes the document's current state, so older rows
        // of the same document (stale versions) are simply marked done with it.
        let products: Vec<Claimed> = claimed.iter().filter(|c| c.aggregate == super::PRODUCT).cloned().collect();
        let unknown: Vec<i64> = claimed.iter().filter(|c| c.aggregate != super::PRODUCT).map(|c| c.id).collect();
        let mut ids: Vec<ProductId> = products.iter().map(|c| ProductId::from_uuid(c.aggregate_id)).collect();
        ids.sort();
        ids.dedup();
        let outcome = (self.project)(ids).await;
        let txn = self.db.begin_write().await?;
        match outcome {
            Ok(()) => {
                let done: Vec<i64> = products.iter().map(|c| c.id).chain(unknown).collect();
                repo::complete(&*txn, &done).await?;
                self.metrics.incr("xyd_outbox_applied_total", done.len() as u64);
            }
            Err(error) => {
                let attempts = products.iter().map(|c| c.attempts).max().unwrap_or(0);
                // Capped low: when Meilisearch comes back, the index should converge within seconds.
                let backoff = Duration::seconds(2i64.saturating_pow(attempts.clamp(0, 4) as u32).min(15));
                tracing::warn!(error = %error, attempts, "outbox apply failed; will retry");
                self.metrics.incr("xyd_outbox_failures_total", 1);
                repo::fail(&*txn, &products, &error, Utc::now() + backoff).await?;
                if !unknown.is_empty() {
                    repo::complete(&*txn, &unknown).await?;
                }
            }
        }
        txn.commit().await?;
        Ok(claimed.len())
    }
}
