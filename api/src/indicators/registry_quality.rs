//! 重错码率 of the latest registry import into a region: the registry's data quality, shown beside the
//! indicators (a bureau is scored on it). It belongs to the latest import, not to the report's period.

use sea_orm::ConnectionTrait;
use xyd_domain::RegionPrefix;
use xyd_domain::registry::erroneous_code_rate;

use crate::error::AppResult;
use crate::institutions::InstitutionRepo;

/// The rate of the latest completed registry import by a bureau whose jurisdiction lies inside `region` (any
/// import, the CLI's included, for the whole platform); none without such an import, or for an empty one.
pub async fn latest_erroneous_code_rate(
    conn: &impl ConnectionTrait,
    region: Option<&RegionPrefix>,
) -> AppResult<Option<f64>> {
    let bureaus = match region {
        Some(region) => Some(InstitutionRepo::bureaus_in(conn, region).await?),
        None => None,
    };
    let latest = crate::imports::job::latest_registry(conn, bureaus).await?;
    Ok(latest.and_then(|job| erroneous_code_rate(job.total_rows, job.invalid_code_rows + job.duplicate_code_rows)))
}
