//! The scheduled job that closes demands past their expiry: EXPIRED, or UNFUNDED when every bank that
//! responded declined.

use std::time::Duration;

use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use tokio::sync::watch;

use super::entity::demand;
use super::repo;
use crate::error::AppResult;
use crate::state::AppState;

const EVERY: Duration = Duration::from_secs(60);

/// Close expired demands; returns how many were closed.
pub async fn close_expired(state: &AppState) -> AppResult<usize> {
    let open = xyd_domain::demand::OPEN.map(|s| s.as_str());
    let due = demand::Entity::find()
        .filter(demand::Column::Status.is_in(open))
        .filter(demand::Column::ExpiresAt.lte(Utc::now()))
        .limit(500)
        .all(state.db.conn())
        .await?;
    for d in &due {
        let txn = state.db.begin_write().await?;
        let current = repo::find_for_update(&*txn, d.id).await?;
        if xyd_domain::demand::is_open(current.status) {
            let statuses = repo::responses_of(&*txn, d.id).await?.iter().map(|r| r.status).collect::<Vec<_>>();
            super::respond::save_status(&*txn, &current, xyd_domain::demand::on_expiry(&statuses)).await?;
        }
        txn.commit().await?;
    }
    Ok(due.len())
}

/// The scheduled job's name, which is also its lock across replicas (`jobs::exclusively`).
pub const EXPIRY_JOB: &str = "demand expiry";

/// Run the expiry job every minute, on one replica at a time, until shutdown.
pub fn spawn_expiry(state: AppState, shutdown: watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
    crate::jobs::spawn_exclusive(EXPIRY_JOB, EVERY, (state.db.clone(), state), shutdown, |state| async move {
        close_expired(&state).await
    })
}
