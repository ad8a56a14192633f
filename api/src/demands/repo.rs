//! Persistence of demands and responses.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::SelectStatement;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use sea_orm::{Condition, QueryTrait};
use xyd_domain::{DemandId, DemandStatus, InstitutionId, ResponseId};

use super::entity::{demand, response};
use crate::error::{AppError, AppResult};

/// A stored demand and a stored response, as these functions read them: other capabilities name the rows by
/// these, not by `entity`.
pub type DemandRow = demand::Model;
pub type ResponseRow = response::Model;

pub async fn find(conn: &impl ConnectionTrait, id: DemandId) -> AppResult<demand::Model> {
    lookup(conn, id).await?.ok_or_else(|| AppError::not_found("融资需求不存在"))
}

/// The demand with `id`, if there is one.
pub async fn lookup(conn: &impl ConnectionTrait, id: DemandId) -> AppResult<Option<demand::Model>> {
    Ok(demand::Entity::find_by_id(id).one(conn).await?)
}

/// The demands with `ids`, in one query.
pub async fn demands(
    conn: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = DemandId>,
) -> AppResult<std::collections::HashMap<DemandId, demand::Model>> {
    let rows = demand::Entity::find().filter(demand::Column::Id.is_in(ids)).all(conn).await?;
    Ok(rows.into_iter().map(|d| (d.id, d)).collect())
}

/// The responses with `ids`, in one query.
pub async fn responses(
    conn: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = ResponseId>,
) -> AppResult<Vec<response::Model>> {
    Ok(response::Entity::find().filter(response::Column::Id.is_in(ids)).all(conn).await?)
}

/// Whether `bank` holds `demand` or lent on it (its response is one of `SHARING`): what a bank's read for the
/// demand rests on.
pub async fn shares_with(conn: &impl ConnectionTrait, demand: DemandId, bank: InstitutionId) -> AppResult<bool> {
    Ok(response::Entity::find()
        .filter(response::Column::DemandId.eq(demand))
        .filter(response::Column::BankId.eq(bank))
        .filter(response::Column::Status.is_in(xyd_domain::demand::SHARING))
        .one(conn)
        .await?
        .is_some())
}

/// The ids of demands whose reason for sharing still stands: open and not past their expiry (the expiry job may
/// not have closed them yet), or funded (where only the lender still holds a response, see [`shared_with`]).
pub fn live(now: DateTime<Utc>) -> SelectStatement {
    demand::Entity::find()
        .select_only()
        .column(demand::Column::Id)
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(demand::Column::Status.is_in(xyd_domain::demand::OPEN))
                        .add(demand::Column::ExpiresAt.gt(now)),
                )
                .add(demand::Column::Status.eq(DemandStatus::Funded)),
        )
        .into_query()
}

/// The ids of demands `bank` holds or lent on: accepted, credit granted or disbursed (not declined, not
/// superseded).
pub fn shared_with(bank: InstitutionId) -> SelectStatement {
    response::Entity::find()
        .select_only()
        .column(response::Column::DemandId)
        .filter(response::Column::BankId.eq(bank))
        .filter(response::Column::Status.is_in(xyd_domain::demand::SHARING))
        .into_query()
}

/// The demand, locked for the rest of the transaction on PostgreSQL (on SQLite the write gate already
/// serializes writers), so concurrent responses see each other.
pub async fn find_for_update(conn: &impl ConnectionTrait, id: DemandId) -> AppResult<demand::Model> {
    let mut query = demand::Entity::find_by_id(id);
    if conn.get_database_backend() == DatabaseBackend::Postgres {
        query = query.lock_exclusive();
    }
    query.one(conn).await?.ok_or_else(|| AppError::not_found("融资需求不存在"))
}

pub async fn responses_of(conn: &impl ConnectionTrait, demand: DemandId) -> AppResult<Vec<response::Model>> {
    Ok(response::Entity::find()
        .filter(response::Column::DemandId.eq(demand))
        .order_by_asc(response::Column::Id)
        .all(conn)
        .await?)
}

/// The responses to each of `demands`, oldest first, in one query.
pub async fn responses_of_many(
    conn: &impl ConnectionTrait,
    demands: impl IntoIterator<Item = DemandId>,
) -> AppResult<std::collections::HashMap<DemandId, Vec<response::Model>>> {
    let rows = response::Entity::find()
        .filter(response::Column::DemandId.is_in(demands))
        .order_by_asc(response::Column::Id)
        .all(conn)
        .await?;
    let mut by_demand: std::collections::HashMap<DemandId, Vec<response::Model>> = std::collections::HashMap::new();
    for r in rows {
        by_demand.entry(r.demand_id).or_default().push(r);
    }
    Ok(by_demand)
}

pub async fn find_response(conn: &impl ConnectionTrait, id: ResponseId) -> AppResult<response::Model> {
    response::Entity::find_by_id(id).one(conn).await?.ok_or_else(|| AppError::not_found("对接记录不存在"))
}
