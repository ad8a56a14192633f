//! Scheduled work: a job runs at start, then once per period, until the server shuts down. Every replica
//! schedules its jobs; a job whose effects must not overlap runs `exclusively`: on PostgreSQL under an advisory
//! lock, so while one replica runs it the others skip their tick.

use std::future::Future;
use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseBackend, Statement, TransactionTrait};
use sha2::{Digest, Sha256};
use tokio::sync::watch;

use crate::db::Db;
use crate::error::{AppError, AppResult};

/// Run `job` on `context` (what the job uses) now and then every `period` until `shutdown` turns true; a failed
/// run is logged and the next one tried on time.
pub fn spawn_every<C, T, F, Fut>(
    name: &'static str,
    period: Duration,
    context: C,
    mut shutdown: watch::Receiver<bool>,
    job: F,
) -> tokio::task::JoinHandle<()>
where
    C: Clone + Send + 'static,
    F: Fn(C) -> Fut + Send + 'static,
    Fut: Future<Output = AppResult<T>> + Send,
{
    tokio::spawn(async move {
        loop {
            if let Err(error) = job(context.clone()).await {
                tracing::warn!(job = name, error = %error.message(), "scheduled job failed");
            }
            tokio::select! {
                () = tokio::time::sleep(period) => {}
                _ = shutdown.changed() => {}
            }
            if *shutdown.borrow() {
                break;
            }
        }
    })
}

/// `spawn_every`, each run `exclusively` under the job's name on `db`: a tick another replica is running is
/// skipped.
pub fn spawn_exclusive<C, T, F, Fut>(
    name: &'static str,
    period: Duration,
    (db, context): (Db, C),
    shutdown: watch::Receiver<bool>,
    job: F,
) -> tokio::task::JoinHandle<()>
where
    C: Clone + Send + Sync + 'static,
    F: Fn(C) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = AppResult<T>> + Send,
    T: Send,
{
    let job = std::sync::Arc::new(job);
    spawn_every(name, period, (db, context), shutdown, move |(db, context)| {
        let job = job.clone();
        async move { exclusively(&db, name, move || job(context)).await }
    })
}

/// Run `job` unless another replica is running the job `name` right now; `None` when skipped. On PostgreSQL a
/// transaction-scoped advisory lock is held for the run (released however the run ends); SQLite has one
/// process, which always runs it.
pub async fn exclusively<T, Fut>(db: &Db, name: &str, job: impl FnOnce() -> Fut) -> AppResult<Option<T>>
where
    Fut: Future<Output = AppResult<T>>,
{
    if db.backend() != DatabaseBackend::Postgres {
        return job().await.map(Some);
    }
    let holder = db.conn().begin().await?;
    let statement = Statement::from_sql_and_values(
        DatabaseBackend::Postgres,
        "SELECT pg_try_advisory_xact_lock($1) AS locked",
        [lock_key(name).into()],
    );
    let row = holder.query_one_raw(statement).await?.ok_or_else(|| AppError::internal("advisory lock", name))?;
    if !row.try_get::<bool>("", "locked")? {
        return Ok(None);
    }
    let done = job().await;
    holder.commit().await?;
    done.map(Some)
}

/// A job's advisory-lock key: the first 8 bytes of the SHA-256 of its name.
fn lock_key(name: &str) -> i64 {
    let digest = Sha256::digest(format!("xinyidai job {name}").as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(bytes)
}
