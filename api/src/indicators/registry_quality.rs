//! 重错码率 of the latest registry import into a region: the registry's data quality, shown beside the
//! indicators (a bureau is scored on it). It belongs to the latest import, not to the report's period.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use xyd_domain::registry::erroneous_code_rate;
use xyd_domain::{ImportKind, ImportStatus, InstitutionId, InstitutionKind, RegionPrefix};

use crate::error::AppResult;
use crate::imports::entity::import_job;
use crate::institutions::entity as institution;

/// The rate of the latest completed registry import by a bureau whose jurisdiction lies inside `region` (any
/// import, the CLI's included, for the whole platform); none without such an import, or for an empty one.
pub async fn latest_erroneous_code_rate(
    conn: &impl ConnectionTrait,
    region: Option<&RegionPrefix>,
) -> AppResult<Option<f64>> {
    let mut jobs = import_job::Entity::find()
        .filter(import_job::Column::Kind.eq(ImportKind::Registry))
        .filter(import_job::Column::Status.eq(ImportStatus::Completed))
        .filter(import_job::Column::FinishedAt.is_not_null());
    if let Some(region) = region {
        let bureaus: Vec<InstitutionId> = institution::Entity::find()
            .select_only()
            .column(institution::Column::Id)
            .filter(institution::Column::Kind.eq(InstitutionKind::Bureau))
            .filter(institution::Column::RegionCode.starts_with(region.as_str()))
            .into_tuple()
            .all(conn)
            .await?;
        jobs = jobs.filter(import_job::Column::InstitutionId.is_in(bureaus));
    }
    let latest = jobs.order_by_desc(import_job::Column::FinishedAt).one(conn).await?;
    Ok(latest.and_then(|job| erroneous_code_rate(job.total_rows, job.invalid_code_rows + job.duplicate_code_rows)))
}
