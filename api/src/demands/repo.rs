//! Persistence of demands and responses.

use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use xyd_domain::{DemandId, ResponseId};

use super::entity::{demand, response};
use crate::error::{AppError, AppResult};

pub async fn find(conn: &impl ConnectionTrait, id: DemandId) -> AppResult<demand::Model> {
    demand::Entity::find_by_id(id).one(conn).await?.ok_or_else(|| AppError::not_found("融资需求不存在"))
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
