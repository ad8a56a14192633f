//! Outbox rows: enqueue inside a use case's transaction; claim, complete and fail from the relay.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use super::entity;
use crate::error::AppResult;

/// Record that `aggregate_id` changed; call inside the transaction that changed it.
pub async fn enqueue(conn: &impl ConnectionTrait, aggregate: &str, aggregate_id: impl Into<Uuid>) -> AppResult<()> {
    let now = Utc::now();
    entity::Entity::insert(entity::ActiveModel {
        aggregate: Set(aggregate.to_string()),
        aggregate_id: Set(aggregate_id.into()),
        created_at: Set(now),
        next_attempt_at: Set(now),
        claimed_until: Set(None),
        attempts: Set(0),
        last_error: Set(None),
        processed_at: Set(None),
        ..Default::default()
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// A claimed row.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    pub aggregate: String,
    pub aggregate_id: Uuid,
    pub attempts: i32,
}

/// Claim up to `limit` due rows for `lease`, skipping rows other relays hold and every aggregate that has
/// a row held elsewhere (so one document is never applied by two relays at once, out of order).
pub async fn claim(conn: &impl ConnectionTrait, limit: u64, lease: Duration) -> AppResult<Vec<Claimed>> {
    let now = Utc::now();
    let backend = conn.get_database_backend();
    // SQLite has no row locks: its write transactions run one at a time anyway.
    let lock = if backend == DatabaseBackend::Postgres { "FOR UPDATE SKIP LOCKED" } else { "" };
    let sql = CLAIM.replace("{lock}", lock);
    let stmt = crate::db::numbered(backend, &sql, [(now + lease).into(), now.into(), (limit as i64).into()]);
    let rows = conn.query_all_raw(stmt).await?;
    let mut claimed = rows
        .iter()
        .map(|r| {
            Ok(Claimed {
                id: r.try_get("", "id")?,
                aggregate: r.try_get("", "aggregate")?,
                aggregate_id: r.try_get("", "aggregate_id")?,
                attempts: r.try_get("", "attempts")?,
            })
        })
        .collect::<Result<Vec<_>, sea_orm::DbErr>>()?;
    claimed.sort_by_key(|c| c.id);
    Ok(claimed)
}

/// One text for both databases (`db::numbered` adapts the placeholders).
const CLAIM: &str = "UPDATE outbox SET claimed_until = $1 WHERE id IN (
    SELECT id FROM outbox
    WHERE processed_at IS NULL AND next_attempt_at <= $2 AND (claimed_until IS NULL OR claimed_until < $2)
      AND aggregate_id NOT IN (SELECT aggregate_id FROM outbox WHERE processed_at IS NULL AND claimed_until >= $2)
    ORDER BY id LIMIT $3 {lock})
  RETURNING id, aggregate, aggregate_id, attempts";

/// Mark rows applied.
pub async fn complete(conn: &impl ConnectionTrait, ids: &[i64]) -> AppResult<()> {
    entity::Entity::update_many()
        .col_expr(entity::Column::ProcessedAt, Expr::value(Utc::now()))
        .col_expr(entity::Column::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(entity::Column::Id.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    Ok(())
}

/// Release rows after a failure, to be retried after `retry_at`.
pub async fn fail(
    conn: &impl ConnectionTrait,
    rows: &[Claimed],
    error: &str,
    retry_at: DateTime<Utc>,
) -> AppResult<()> {
    let Some(attempts) = rows.iter().map(|r| r.attempts).max() else { return Ok(()) };
    entity::Entity::update_many()
        .col_expr(entity::Column::Attempts, Expr::value(attempts + 1))
        .col_expr(entity::Column::NextAttemptAt, Expr::value(retry_at))
        .col_expr(entity::Column::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(entity::Column::LastError, Expr::value(error.chars().take(500).collect::<String>()))
        .filter(entity::Column::Id.is_in(rows.iter().map(|r| r.id)))
        .exec(conn)
        .await?;
    Ok(())
}

/// How far the index trails the database.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Lag {
    pub pending: u64,
    /// Age of the oldest pending row, seconds.
    pub oldest_secs: f64,
}

pub async fn lag(conn: &impl ConnectionTrait) -> AppResult<Lag> {
    let pending = entity::Entity::find().filter(entity::Column::ProcessedAt.is_null());
    let count = pending.clone().count(conn).await?;
    let oldest = pending.order_by_asc(entity::Column::Id).one(conn).await?;
    Ok(Lag {
        pending: count,
        oldest_secs: oldest.map_or(0.0, |o| (Utc::now() - o.created_at).num_milliseconds().max(0) as f64 / 1000.0),
    })
}
