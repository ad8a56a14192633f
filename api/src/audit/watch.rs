//! The daily walk of the chains on one replica, published as metrics for alerting.

use std::time::Duration;

use chrono::Utc;
use tokio::sync::watch;

use super::verify::verify;
use crate::error::AppError;
use crate::state::AppState;

const EVERY: Duration = Duration::from_secs(24 * 3600);

/// Walk the chains at start and then daily, one replica at a time, and set `xyd_audit_broken_chains` and
/// `xyd_audit_verified_timestamp_seconds` on the replica that walked (alert on the maximum over replicas).
pub fn spawn_verification(state: AppState, shutdown: watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
    crate::jobs::spawn_every("audit verification", EVERY, shutdown, move || {
        let state = state.clone();
        async move {
            let walk = || async { verify(state.db.conn(), &[]).await.map_err(AppError::from) };
            let Some(reports) = crate::jobs::exclusively(&state.db, "audit verification", walk)
                .await
                .map_err(|e| e.message().to_string())?
            else {
                return Ok(());
            };
            for report in &reports {
                if let Some(broken) = &report.broken {
                    tracing::error!(chain = report.chain.name(), seq = ?broken.seq, row = ?broken.id, code = broken.code,
                        message = %broken.message, "audit chain broken");
                }
            }
            let broken = reports.iter().filter(|r| r.broken.is_some()).count();
            state.metrics.set_gauge("xyd_audit_broken_chains", broken as f64);
            state.metrics.set_gauge("xyd_audit_verified_timestamp_seconds", Utc::now().timestamp() as f64);
            Ok(())
        }
    })
}
