//! What this capability holds about one subject: its demands and the banks' responses to them (acceptance,
//! credit, offers, disbursements).

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect};
use serde_json::Value;
use xyd_domain::{DemandId, SubjectId};

use super::entity::{demand, response};
use crate::error::AppResult;

pub async fn copy(conn: &impl ConnectionTrait, subject: SubjectId) -> AppResult<Vec<(&'static str, Vec<Value>)>> {
    let ids: Vec<DemandId> = demand::Entity::find()
        .filter(demand::Column::SubjectId.eq(subject))
        .select_only()
        .column(demand::Column::Id)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(vec![
        ("demands", demand::Entity::find().filter(demand::Column::SubjectId.eq(subject)).into_json().all(conn).await?),
        (
            "bank_responses",
            response::Entity::find().filter(response::Column::DemandId.is_in(ids)).into_json().all(conn).await?,
        ),
    ])
}

/// How many demands the subject posted.
pub async fn count(conn: &impl ConnectionTrait, subject: SubjectId) -> AppResult<u64> {
    Ok(demand::Entity::find().filter(demand::Column::SubjectId.eq(subject)).count(conn).await?)
}
