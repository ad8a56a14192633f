//! One snapshot per report: every aggregation of a report (and of the bank league) reads the same committed
//! state, even while events are written, so totals and rows cannot disagree. On PostgreSQL a REPEATABLE READ,
//! READ ONLY transaction exports its snapshot and a few more import it (`SET TRANSACTION SNAPSHOT`), so the
//! query families still run in parallel, each on its own connection; on SQLite one read transaction (WAL
//! keeps its snapshot from the first read) runs them in turn.
//!
//! The snapshot is taken where [`Db::reports`] points — the standby when one is configured — and says how
//! current it is at least ([`Snapshot::as_of`]): every transaction committed before that time is in it.

use chrono::{DateTime, Utc};
use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseBackend, DatabaseConnection, DatabaseTransaction, IsolationLevel, Statement,
    TransactionTrait,
};

use crate::db::Db;
use crate::error::{AppError, AppResult};

/// Connections sharing the snapshot on PostgreSQL (fewer with a small pool): the families of a report run this many
/// at a time.
const LANES: usize = 3;

/// Memory a report's sorts and hashes may take per operation before spilling to disk: the distinct borrowers of
/// a city's year (about 150,000 subjects) hash in about 22 MB. Only inside the report's own transactions.
const WORK_MEM: &str = "SET LOCAL work_mem = '32MB'";

/// How current a snapshot taken now will be at least, on PostgreSQL. A primary holds every commit: now. A
/// standby holds what it has replayed: the commit time of the last transaction it replayed — or now when it has
/// replayed all it received and still streams (what is in flight on the network, usually milliseconds, is not
/// counted). Null when it can tell neither (no transaction replayed since it started, and not streaming).
/// The WAL receiver's `status` is hidden from roles without `pg_read_all_stats`: for them a running receiver counts.
const AS_OF: &str = "SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN now()
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
        AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE coalesce(status, 'streaming') = 'streaming') THEN now()
    ELSE pg_last_xact_replay_timestamp()
END AS as_of";

/// Read-only transactions that all see one snapshot.
pub struct Snapshot {
    lanes: Vec<DatabaseTransaction>,
    as_of: Option<DateTime<Utc>>,
}

/// Snapshots that span several connections take them one opener at a time: two openers each holding some
/// connections while waiting for the rest could drain the pool and wait on each other until the acquire
/// timeout. One gate for the process (a server has one pool; in tests, openers of several pools only queue).
static OPENING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

impl Snapshot {
    pub async fn open(db: &Db) -> AppResult<Self> {
        let conn = db.reports();
        // Before the snapshot is taken: replay only moves forward, so the snapshot holds at least what this names.
        let as_of = as_of(conn).await?;
        if conn.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(Self { lanes: vec![conn.begin().await?], as_of });
        }
        let read_only = || conn.begin_with_config(Some(IsolationLevel::RepeatableRead), Some(AccessMode::ReadOnly));
        // Leave the pool at least one connection, and take ours as one opener: no two snapshots half-open at once.
        let count = LANES.min(usize::try_from(db.max_connections()).unwrap_or(1).saturating_sub(1)).max(1);
        let _opening = OPENING.lock().await;
        let first = read_only().await?;
        first.execute_unprepared(WORK_MEM).await?;
        let exported = first
            .query_one_raw(Statement::from_string(DatabaseBackend::Postgres, "SELECT pg_export_snapshot() AS id"))
            .await?
            .ok_or_else(|| AppError::internal("snapshot", "pg_export_snapshot returned no row"))?
            .try_get::<String>("", "id")?;
        if !exported.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            return Err(AppError::internal("snapshot", format!("unexpected snapshot id {exported}")));
        }
        let mut lanes = vec![first];
        for _ in 1..count {
            let txn = read_only().await?;
            txn.execute_unprepared(WORK_MEM).await?;
            txn.execute_unprepared(&format!("SET TRANSACTION SNAPSHOT '{exported}'")).await?;
            lanes.push(txn);
        }
        Ok(Self { lanes, as_of })
    }

    /// Every transaction committed before this time is in the snapshot (see [`AS_OF`]); none when a standby
    /// cannot tell.
    pub fn as_of(&self) -> Option<DateTime<Utc>> {
        self.as_of
    }

    /// The connection for the `n`th query of a batch run concurrently.
    pub fn lane(&self, n: usize) -> &DatabaseTransaction {
        &self.lanes[n % self.lanes.len()]
    }

    /// End the transactions (they wrote nothing).
    pub async fn close(self) -> AppResult<()> {
        for txn in self.lanes {
            txn.commit().await?;
        }
        Ok(())
    }
}

/// See [`AS_OF`]; on SQLite, now (one file: nothing is behind).
async fn as_of(conn: &DatabaseConnection) -> AppResult<Option<DateTime<Utc>>> {
    if conn.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(Some(Utc::now()));
    }
    let row = conn
        .query_one_raw(Statement::from_string(DatabaseBackend::Postgres, AS_OF))
        .await?
        .ok_or_else(|| AppError::internal("snapshot", "the as-of query returned no row"))?;
    Ok(row.try_get::<Option<DateTime<Utc>>>("", "as_of")?)
}
