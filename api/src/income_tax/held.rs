//! What this capability holds about one subject: its collection authorizations and the income-tax records
//! received under them.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;
use xyd_domain::SubjectId;

use super::entity::{authorization, record};
use crate::error::AppResult;

pub async fn copy(conn: &impl ConnectionTrait, subject: SubjectId) -> AppResult<Vec<(&'static str, Vec<Value>)>> {
    Ok(vec![
        (
            "tax_collection_authorizations",
            authorization::Entity::find()
                .filter(authorization::Column::SubjectId.eq(subject))
                .into_json()
                .all(conn)
                .await?,
        ),
        (
            "income_tax_records",
            record::Entity::find().filter(record::Column::SubjectId.eq(subject)).into_json().all(conn).await?,
        ),
    ])
}

/// How many collection authorizations the person signed.
pub async fn authorizations(conn: &impl ConnectionTrait, subject: SubjectId) -> AppResult<u64> {
    Ok(authorization::Entity::find().filter(authorization::Column::SubjectId.eq(subject)).count(conn).await?)
}

/// Delete the person's income-tax records.
pub async fn erase(conn: &impl ConnectionTrait, subject: SubjectId) -> AppResult<()> {
    record::Entity::delete_many().filter(record::Column::SubjectId.eq(subject)).exec(conn).await?;
    Ok(())
}
