//! The chain itself: what a link covers, appending a row under the head's lock, and linking the rows written
//! before the chains existed.

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::sea_query::{CaseStatement, Expr, ExprTrait};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    ModelTrait, QueryFilter, QueryOrder, QuerySelect, Select, Value,
};
use sha2::{Digest, Sha256};

use super::entity::audit_head;
use crate::db::Db;

/// One hash chain, named after the table whose rows it links.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Chain {
    /// `access_log`: every read of a subject's data by a bank or bureau.
    AccessLog,
    /// `record_events`: every status change of a credit record (objections, repair).
    RecordEvents,
}

impl Chain {
    pub const ALL: [Chain; 2] = [Chain::AccessLog, Chain::RecordEvents];

    pub fn name(self) -> &'static str {
        match self {
            Chain::AccessLog => "access_log",
            Chain::RecordEvents => "record_events",
        }
    }

    pub fn parse(name: &str) -> Option<Chain> {
        Chain::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// The previous hash of a chain's first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

pub(super) type Column<M> = <<M as ModelTrait>::Entity as EntityTrait>::Column;

/// A row of a chained table.
pub trait Chained: ModelTrait<Entity: EntityTrait<Model = Self>> + IntoActiveModel<Self::Active> + Sync {
    type Active: ActiveModelTrait<Entity = Self::Entity> + ActiveModelBehavior + Send;
    const CHAIN: Chain;
    /// The primary key.
    fn id_column() -> Column<Self>;
    /// When the row was written: the order in which rows older than the chain were linked.
    fn at_column() -> Column<Self>;
    fn seq_column() -> Column<Self>;
    fn hash_column() -> Column<Self>;
    /// The columns a link covers, in a fixed order. A column added to the table later is not covered, so the
    /// links made before it stay valid.
    fn covered() -> &'static [Column<Self>];
    /// The row's place in the chain and its hash (`None` for a row no link covers).
    fn link(&self) -> (Option<i64>, Option<&str>);
    fn set_link(&mut self, seq: i64, hash: String);
    /// Set the time the row was written.
    fn stamp(&mut self, at: DateTime<Utc>);
}

/// The hash of `row` at place `seq` after a row whose hash is `prev`: SHA-256 over a format tag, `prev`,
/// `seq` and each covered value, length-prefixed so that no two contents encode alike.
pub fn link_hash<M: Chained>(prev: &str, seq: i64, row: &M) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"xyd-audit-v1\n");
    hasher.update(prev.as_bytes());
    hasher.update(format!("\n{seq}").as_bytes());
    for column in M::covered() {
        match canonical(row.get(*column)) {
            Some(text) => {
                hasher.update(format!("\n{}:", text.len()).as_bytes());
                hasher.update(text.as_bytes());
            }
            None => hasher.update(b"\n-"),
        }
    }
    hex::encode(hasher.finalize())
}

/// A column value as the link covers it: the same whichever database stored it.
fn canonical(value: Value) -> Option<String> {
    match value {
        Value::String(text) => text,
        Value::Uuid(id) => id.map(|id| id.to_string()),
        // Microseconds: what PostgreSQL keeps (rows are stamped at that precision before they are written).
        Value::ChronoDateTimeUtc(at) => at.map(|at| at.timestamp_micros().to_string()),
        Value::BigInt(n) => n.map(|n| n.to_string()),
        Value::Int(n) => n.map(|n| n.to_string()),
        Value::Bool(b) => b.map(|b| b.to_string()),
        other => Some(format!("{other:?}")),
    }
}

/// Write `row` as the next link of its chain, in the caller's transaction: the chain's head stays locked until
/// that transaction ends, so concurrent writers (on any replica) append one at a time and in one order.
pub async fn append<M: Chained>(conn: &impl ConnectionTrait, mut row: M) -> Result<M, DbErr> {
    let head = lock_head(conn, M::CHAIN).await?;
    let seq = head.seq + 1;
    row.stamp(Utc::now().trunc_subsecs(6));
    let hash = link_hash(&head.hash, seq, &row);
    row.set_link(seq, hash.clone());
    M::Entity::insert(row.clone().into_active_model()).exec_without_returning(conn).await?;
    move_head(conn, M::CHAIN, seq, hash).await?;
    Ok(row)
}

/// The chain's head as committed.
pub(super) async fn head(conn: &impl ConnectionTrait, chain: Chain) -> Result<audit_head::Model, DbErr> {
    one_head(conn, chain, audit_head::Entity::find_by_id(chain.name())).await
}

/// The chain's head, locked until the caller's transaction ends: FOR UPDATE on PostgreSQL; SQLite has one
/// writer at a time (`Db::begin_write`).
pub(super) async fn lock_head(conn: &impl ConnectionTrait, chain: Chain) -> Result<audit_head::Model, DbErr> {
    one_head(conn, chain, audit_head::Entity::find_by_id(chain.name()).lock_exclusive()).await
}

async fn one_head(
    conn: &impl ConnectionTrait,
    chain: Chain,
    query: Select<audit_head::Entity>,
) -> Result<audit_head::Model, DbErr> {
    query.one(conn).await?.ok_or_else(|| DbErr::RecordNotFound(format!("audit head {}", chain.name())))
}

/// Move the head from place `from` to `to`, if it still stands at `from` (the row is locked either way until the
/// caller's transaction ends). Whether it moved.
pub(super) async fn advance(
    conn: &impl ConnectionTrait,
    chain: Chain,
    from: i64,
    to: &(i64, String),
) -> Result<bool, DbErr> {
    let moved = set_head(chain, to.0, to.1.clone())
        .filter(audit_head::Column::Seq.eq(from))
        .filter(audit_head::Column::Sealed.eq(true))
        .exec(conn)
        .await?;
    Ok(moved.rows_affected == 1)
}

pub(super) async fn move_head(conn: &impl ConnectionTrait, chain: Chain, seq: i64, hash: String) -> Result<(), DbErr> {
    set_head(chain, seq, hash).col_expr(audit_head::Column::Sealed, Expr::value(true)).exec(conn).await?;
    Ok(())
}

/// The update that puts the chain's head at `seq` with `hash`.
fn set_head(chain: Chain, seq: i64, hash: String) -> sea_orm::UpdateMany<audit_head::Entity> {
    audit_head::Entity::update_many()
        .col_expr(audit_head::Column::Seq, Expr::value(seq))
        .col_expr(audit_head::Column::Hash, Expr::value(hash))
        .filter(audit_head::Column::Chain.eq(chain.name()))
}

/// Rows linked per statement when sealing.
const SEAL_PAGE: u64 = 500;

/// The rows of each chain, given by the tables' owner (`credit::Chains`): the audit seals and walks them
/// through `Chained` alone and names no other capability.
pub trait ChainTables: 'static {
    // `FromQueryResult + Send` follow from `Chained`; stated so a task generic over the tables is `Send`.
    type AccessLog: Chained + sea_orm::FromQueryResult + Send;
    type RecordEvents: Chained + sea_orm::FromQueryResult + Send;
}

/// Link the rows written before the chains existed, oldest first, once per chain (run after migrating).
pub async fn seal_legacy<T: ChainTables>(db: &Db) -> Result<(), DbErr> {
    for chain in Chain::ALL {
        match chain {
            Chain::AccessLog => seal::<T::AccessLog>(db).await?,
            Chain::RecordEvents => seal::<T::RecordEvents>(db).await?,
        }
    }
    Ok(())
}

async fn seal<M: Chained>(db: &Db) -> Result<(), DbErr> {
    let txn = db.begin_write().await?;
    let head = lock_head(&*txn, M::CHAIN).await?;
    if head.sealed {
        return Ok(());
    }
    let (mut seq, mut hash) = (head.seq, head.hash);
    loop {
        // The partial index of unlinked rows (migration 16) serves each page in time order; linked rows leave it.
        let rows = M::Entity::find()
            .filter(M::seq_column().is_null())
            .order_by_asc(M::at_column())
            .order_by_asc(M::id_column())
            .limit(SEAL_PAGE)
            .all(&*txn)
            .await?;
        if rows.is_empty() {
            break;
        }
        // One statement links the page: CASE id WHEN … THEN its place / its hash.
        let (mut places, mut hashes, mut ids) = (CaseStatement::new(), CaseStatement::new(), Vec::new());
        for row in &rows {
            seq += 1;
            hash = link_hash(&hash, seq, row);
            let id = row.get(M::id_column());
            places = places.case(Expr::col(M::id_column()).eq(id.clone()), seq);
            hashes = hashes.case(Expr::col(M::id_column()).eq(id.clone()), hash.clone());
            ids.push(id);
        }
        M::Entity::update_many()
            .col_expr(M::seq_column(), Expr::Case(Box::new(places)))
            .col_expr(M::hash_column(), Expr::Case(Box::new(hashes)))
            .filter(M::id_column().is_in(ids))
            .exec(&*txn)
            .await?;
    }
    move_head(&*txn, M::CHAIN, seq, hash).await?;
    txn.commit().await
}
