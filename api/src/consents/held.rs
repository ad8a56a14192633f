//! What this capability holds about one subject: its consents (each with the signed text's version and digest).

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;
use xyd_domain::SubjectId;

use super::entity;
use crate::error::AppResult;

pub async fn copy(conn: &impl ConnectionTrait, subject: SubjectId) -> AppResult<Vec<(&'static str, Vec<Value>)>> {
    Ok(vec![(
        "consents",
        entity::Entity::find().filter(entity::Column::SubjectId.eq(subject)).into_json().all(conn).await?,
    )])
}

/// How many consents the subject signed.
pub async fn count(conn: &impl ConnectionTrait, subject: SubjectId) -> AppResult<u64> {
    Ok(entity::Entity::find().filter(entity::Column::SubjectId.eq(subject)).count(conn).await?)
}
