//! Database connection for PostgreSQL and SQLite, migrations, and write transactions.
//!
//! SQLite allows one writer at a time, and a deferred transaction that reads and then writes fails with
//! `SQLITE_BUSY` instead of waiting when another writer got there first. Write transactions therefore pass
//! through an in-process gate on SQLite (one relay, one process per file: the embedded pilot), while
//! PostgreSQL runs them concurrently and relies on row locks and constraints.
//!
//! On PostgreSQL a second, read-only pool may point at a streaming standby: the readers that tolerate being a
//! little behind take their connection from [`Db::reports`], everything else from the primary.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, DatabaseTransaction, DbErr,
    TransactionTrait,
};
use sea_orm_migration::MigratorTrait;
use tokio::sync::{Mutex, OwnedMutexGuard};
use xyd_migrations::Migrator;

use crate::config::DatabaseConfig;

/// The application's handle on its database.
#[derive(Clone, Debug)]
pub struct Db {
    conn: DatabaseConnection,
    /// The read-only standby that [`Db::reports`] hands out, when one is configured (PostgreSQL only).
    replica: Option<DatabaseConnection>,
    write_gate: Option<Arc<Mutex<()>>>,
    max_connections: u32,
    /// SQL statements run so far (every connection and transaction of both pools).
    statements: Arc<AtomicU64>,
}

/// A transaction that may write. On SQLite it holds the write gate until it ends.
pub struct WriteTxn {
    txn: DatabaseTransaction,
    _permit: Option<OwnedMutexGuard<()>>,
}

impl std::ops::Deref for WriteTxn {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

impl WriteTxn {
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }
}

impl Db {
    /// Connect to `url` (`postgres://…` or `sqlite://…`), creating the SQLite file and its folder if needed.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, DbErr> {
        if let Some(path) = sqlite_path(url)
            && let Some(dir) = std::path::Path::new(path).parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", dir.display())))?;
        }
        let statements = Arc::new(AtomicU64::new(0));
        let conn = pool(url, max_connections, &statements, false).await?;
        let write_gate = (conn.get_database_backend() == DatabaseBackend::Sqlite).then(|| Arc::new(Mutex::new(())));
        Ok(Self { conn, replica: None, write_gate, max_connections, statements })
    }

    /// Connect as configured: the primary and, on PostgreSQL, the standby that [`Db::reports`] hands out. The
    /// standby's pool connects lazily: one that is down (or misspelt) is a warning at start and a failed report
    /// later, never an API that does not start. SQLite has no standby: the setting is ignored there, with a warning.
    pub async fn open(config: &DatabaseConfig, max_connections: u32) -> Result<Self, DbErr> {
        let mut db = Self::connect(config.url.expose(), max_connections).await?;
        if config.replica_url.is_empty() {
            return Ok(db);
        }
        if db.backend() != DatabaseBackend::Postgres {
            tracing::warn!(
                "DATABASE_REPLICA_URL (database.replica_url) is ignored on SQLite: reports read the primary"
            );
            return Ok(db);
        }
        let replica = pool(config.replica_url.expose(), max_connections, &db.statements, true).await?;
        match tokio::time::timeout(Duration::from_secs(3), replica.ping()).await {
            Ok(Ok(())) => tracing::info!("reports read the replica (database.replica_url)"),
            _ => tracing::warn!("the replica (database.replica_url) does not answer: reports fail until it does"),
        }
        db.replica = Some(replica);
        Ok(db)
    }

    /// Apply every pending migration (`startup::migrate` also seals the audit chains: use that one).
    pub async fn migrate(&self) -> Result<(), DbErr> {
        let _permit = self.gate().await;
        Migrator::up(&self.conn, None).await
    }

    /// Reads that need no transaction, on the primary: whatever must see the writes just made.
    pub fn conn(&self) -> &DatabaseConnection {
        &self.conn
    }

    /// The one place that decides where the readers that may be a little behind go: the standby when one is
    /// configured (`database.replica_url`), else the primary. They must not need their own writes, and they say
    /// how current they are (`indicators::snapshot`). Today the indicator report, the bank league and their
    /// exports; future bulk readers (the loan ledger, the node export: issue #29) go through here too.
    pub fn reports(&self) -> &DatabaseConnection {
        self.replica.as_ref().unwrap_or(&self.conn)
    }

    pub fn backend(&self) -> DatabaseBackend {
        self.conn.get_database_backend()
    }

    /// Begin a transaction that will write. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`): a
    /// deferred transaction that reads first cannot become a writer once anything else has committed since its
    /// read (SQLITE_BUSY_SNAPSHOT, which no busy timeout waits out) — and an import reads before its first write.
    pub async fn begin_write(&self) -> Result<WriteTxn, DbErr> {
        let permit = self.gate().await;
        let txn = match self.backend() {
            DatabaseBackend::Sqlite => {
                let immediate = sea_orm::TransactionOptions {
                    sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
                    ..Default::default()
                };
                self.conn.begin_with_options(immediate).await?
            }
            _ => self.conn.begin().await?,
        };
        Ok(WriteTxn { txn, _permit: permit })
    }

    /// Begin a read-only transaction (a consistent snapshot for several queries).
    pub async fn begin_read(&self) -> Result<DatabaseTransaction, DbErr> {
        self.conn.begin().await
    }

    /// SQL statements run through this handle so far: what a request costs the database, and the bound that
    /// tests hold list queries to (a page must not cost a statement per row).
    pub fn statements(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> bool {
        self.conn.ping().await.is_ok()
    }

    pub async fn close(self) -> Result<(), DbErr> {
        if let Some(replica) = self.replica {
            replica.close().await?;
        }
        self.conn.close().await
    }

    /// The size of the connection pool.
    pub fn max_connections(&self) -> u32 {
        self.max_connections
    }

    async fn gate(&self) -> Option<OwnedMutexGuard<()>> {
        match &self.write_gate {
            Some(gate) => Some(gate.clone().lock_owned().await),
            None => None,
        }
    }
}

/// A pool on `url` whose statements count into `statements`; a `lazy` one connects when first used.
async fn pool(
    url: &str,
    max_connections: u32,
    statements: &Arc<AtomicU64>,
    lazy: bool,
) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        .connect_lazy(lazy)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                .create_if_missing(true)
        });
    let mut conn = Database::connect(options).await?;
    let counter = statements.clone();
    conn.set_metric_callback(move |_| {
        counter.fetch_add(1, Ordering::Relaxed);
    });
    Ok(conn)
}

fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then_some(path)
}

/// Keep the last of rows that share a key, in order: one upsert statement may not touch the same key twice
/// (PostgreSQL refuses), and in a file the later row is the correction.
pub fn last_per_key<R, K: std::hash::Hash + Eq>(rows: Vec<R>, key: impl Fn(&R) -> K) -> Vec<R> {
    let mut last = std::collections::HashMap::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        last.insert(key(r), i);
    }
    rows.into_iter().enumerate().filter(|(i, r)| last.get(&key(r)) == Some(i)).map(|(_, r)| r).collect()
}

/// A raw statement written with PostgreSQL's numbered placeholders (`$1`), rewritten to SQLite's (`?1`) there.
/// The SQL must not contain `$` otherwise.
pub fn numbered(
    backend: DatabaseBackend,
    sql: &str,
    values: impl IntoIterator<Item = sea_orm::Value>,
) -> sea_orm::Statement {
    let sql = match backend {
        DatabaseBackend::Postgres => sql.to_string(),
        _ => sql.replace('$', "?"),
    };
    sea_orm::Statement::from_sql_and_values(backend, sql, values)
}

/// True when `err` is a unique-constraint violation, on either database.
fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}

/// How a write that a unique index may refuse fails: the violation as `duplicate` (what the client is told),
/// any other database error as it is. `.map_err(db::duplicate_as(|| AppError::conflict(…)))`.
pub fn duplicate_as(
    duplicate: impl FnOnce() -> crate::error::AppError,
) -> impl FnOnce(DbErr) -> crate::error::AppError {
    move |e| if is_unique_violation(&e) { duplicate() } else { e.into() }
}

/// Run raw SQL that returns nothing (used by the CLI and tests for maintenance).
pub async fn execute_unprepared(conn: &impl ConnectionTrait, sql: &str) -> Result<(), DbErr> {
    conn.execute_unprepared(sql).await.map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::sqlite_path;

    #[test]
    fn finds_the_sqlite_file_in_a_url() {
        assert_eq!(sqlite_path("sqlite://data/x.db?mode=rwc"), Some("data/x.db"));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://localhost/x"), None);
    }
}
