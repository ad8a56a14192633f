//! What this capability holds about one subject: its credit reports (the copy keeps their digests, not the PDFs;
//! an erasure deletes them, since they print the person's name and income).

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::Value;
use xyd_domain::SubjectId;

use super::entity;
use crate::error::AppResult;

pub async fn copy(conn: &impl ConnectionTrait, subject: SubjectId) -> AppResult<Vec<(&'static str, Vec<Value>)>> {
    Ok(vec![(
        "credit_reports",
        entity::Entity::find().filter(entity::Column::SubjectId.eq(subject)).into_json().all(conn).await?,
    )])
}

/// Delete the subject's credit reports.
pub async fn erase(conn: &impl ConnectionTrait, subject: SubjectId) -> AppResult<()> {
    entity::Entity::delete_many().filter(entity::Column::SubjectId.eq(subject)).exec(conn).await?;
    Ok(())
}
