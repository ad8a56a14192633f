//! What this capability holds about one subject: the reads of its data (the access log), its credit records,
//! objections and tax records.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;
use xyd_domain::SubjectId;

use super::entity::{access_log, credit_record, objection, tax_record};
use crate::error::AppResult;
use crate::subjects::SubjectRow;

pub async fn copy(conn: &impl ConnectionTrait, s: &SubjectRow) -> AppResult<Vec<(&'static str, Vec<Value>)>> {
    let code = s.filed_under();
    Ok(vec![
        (
            "access_log",
            access_log::Entity::find().filter(access_log::Column::SubjectId.eq(s.id)).into_json().all(conn).await?,
        ),
        (
            "credit_records",
            credit_record::Entity::find().filter(credit_record::Column::Uscc.eq(code)).into_json().all(conn).await?,
        ),
        (
            "objections",
            objection::Entity::find().filter(objection::Column::SubjectId.eq(s.id)).into_json().all(conn).await?,
        ),
        (
            "tax_records",
            tax_record::Entity::find().filter(tax_record::Column::Uscc.eq(code)).into_json().all(conn).await?,
        ),
    ])
}

/// How many reads of the subject's data are logged.
pub async fn reads(conn: &impl ConnectionTrait, subject: SubjectId) -> AppResult<u64> {
    Ok(access_log::Entity::find().filter(access_log::Column::SubjectId.eq(subject)).count(conn).await?)
}
