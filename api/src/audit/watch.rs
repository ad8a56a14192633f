//! The daily walk of the chains on one replica, published as metrics for alerting.

use std::time::Duration;

use chrono::Utc;
use tokio::sync::watch;

use super::chain::ChainTables;
use super::verify::verify;
use crate::db::Db;
use crate::metrics::Metrics;

const EVERY: Duration = Duration::from_secs(24 * 3600);

/// Walk the chains at start and then daily, one replica at a time, and set `xyd_audit_broken_chains` and
/// `xyd_audit_verified_timestamp_seconds` on the replica that walked (alert on the maximum over replicas).
pub fn spawn_verification<T: ChainTables>(
    db: Db,
    metrics: Metrics,
    shutdown: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    let context = (db.clone(), (db, metrics));
    crate::jobs::spawn_exclusive("audit verification", EVERY, context, shutdown, |(db, metrics)| async move {
        let reports = verify::<T>(db.conn(), &[]).await?;
        for report in &reports {
            if let Some(broken) = &report.broken {
                tracing::error!(chain = report.chain.name(), seq = ?broken.seq, row = ?broken.id, code = broken.code,
                    message = %broken.message, "audit chain broken");
            }
        }
        let broken = reports.iter().filter(|r| r.broken.is_some()).count();
        metrics.set_gauge("xyd_audit_broken_chains", broken as f64);
        metrics.set_gauge("xyd_audit_verified_timestamp_seconds", Utc::now().timestamp() as f64);
        Ok(())
    })
}
