//! Fixed windows in PostgreSQL (`rate_windows`), shared by every replica: each attempt is one atomic
//! `INSERT … ON CONFLICT DO UPDATE` that opens, counts or refuses in the same statement, so concurrent
//! attempts on any number of replicas never get past the limit.

use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use tokio::sync::watch;

use crate::db::Db;
use crate::error::{AppError, AppResult};

pub struct SharedStore {
    db: Db,
}

/// `$3` is the window in seconds, `$4` the limit. Every expression of the update reads the row as it was, so
/// `granted` says whether this attempt was counted.
const ACQUIRE: &str = "
    INSERT INTO rate_windows AS w (budget, key, started_at, attempts, granted)
    VALUES ($1, $2, now(), 1, $4 > 0)
    ON CONFLICT (budget, key) DO UPDATE SET
        started_at = CASE WHEN w.started_at <= now() - make_interval(secs => $3) THEN now() ELSE w.started_at END,
        granted = w.started_at <= now() - make_interval(secs => $3) OR w.attempts < $4,
        attempts = CASE WHEN w.started_at <= now() - make_interval(secs => $3) THEN 1
                        WHEN w.attempts < $4 THEN w.attempts + 1
                        ELSE w.attempts END
    RETURNING granted,
        CAST(GREATEST(EXTRACT(EPOCH FROM started_at + make_interval(secs => $3) - now()), 0) AS DOUBLE PRECISION)
            AS seconds_left";

impl SharedStore {
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    pub(super) async fn acquire(
        &self,
        budget: &'static str,
        key: &str,
        limit: u32,
        window: Duration,
    ) -> AppResult<Result<(), Duration>> {
        let values: [sea_orm::Value; 4] =
            [budget.into(), key.into(), window.as_secs_f64().into(), i64::from(limit).into()];
        let statement = Statement::from_sql_and_values(DatabaseBackend::Postgres, ACQUIRE, values);
        let row = self
            .db
            .conn()
            .query_one_raw(statement)
            .await?
            .ok_or_else(|| AppError::internal("rate window", "no row returned"))?;
        let granted: bool = row.try_get("", "granted")?;
        let left: f64 = row.try_get("", "seconds_left")?;
        Ok(if granted { Ok(()) } else { Err(Duration::from_secs_f64(left.max(0.0))) })
    }

    pub(super) async fn release(&self, budget: &'static str, key: &str) -> AppResult<()> {
        self.execute(
            "UPDATE rate_windows SET attempts = attempts - 1 WHERE budget = $1 AND key = $2 AND attempts > 0",
            budget,
            key,
        )
        .await
    }

    pub(super) async fn clear(&self, budget: &'static str, key: &str) -> AppResult<()> {
        self.execute("DELETE FROM rate_windows WHERE budget = $1 AND key = $2", budget, key).await
    }

    async fn execute(&self, sql: &str, budget: &'static str, key: &str) -> AppResult<()> {
        let statement = Statement::from_sql_and_values(DatabaseBackend::Postgres, sql, [budget.into(), key.into()]);
        self.db.conn().execute_raw(statement).await?;
        Ok(())
    }
}

/// On PostgreSQL, forget windows that ended long ago, hourly (any replica may).
pub fn spawn_sweep(db: Db, shutdown: watch::Receiver<bool>) -> Option<tokio::task::JoinHandle<()>> {
    (db.backend() == DatabaseBackend::Postgres).then(|| {
        crate::jobs::spawn_every("rate window sweep", Duration::from_secs(3600), db, shutdown, |db| async move {
            let sql = "DELETE FROM rate_windows WHERE started_at < now() - interval '1 day'";
            Ok(db.conn().execute_raw(Statement::from_string(DatabaseBackend::Postgres, sql)).await?)
        })
    })
}
