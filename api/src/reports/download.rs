//! Who may download a report: the subject's own users and the issuing institution.

use sea_orm::{ConnectionTrait, EntityTrait};
use xyd_domain::ReportId;

use super::entity;
use crate::auth::Principal;
use crate::error::{AppError, AppResult};

/// Report `id` (as the path gave it) for `principal`: its subject's own users or the issuing institution;
/// NOT_FOUND for anyone else, as for an unknown id, so a report's existence is not disclosed.
pub async fn downloadable(conn: &impl ConnectionTrait, principal: &Principal, id: &str) -> AppResult<entity::Model> {
    let not_found = || AppError::not_found("信用报告不存在");
    let id: ReportId = id.parse().map_err(|_| not_found())?;
    let report = entity::Entity::find_by_id(id).one(conn).await?.ok_or_else(not_found)?;
    let own = principal.subject_id == Some(report.subject_id);
    let issuer = report.institution_id.is_some() && principal.institution_id == report.institution_id;
    if own || issuer { Ok(report) } else { Err(not_found()) }
}
