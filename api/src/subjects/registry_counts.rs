//! The registry snapshot summary (`registry_counts`, what the indicators count 存续主体 by): recomputed for whole
//! snapshot dates from `registry_entries` when a registry import ends, so it equals the entries whatever an
//! import upserted, corrected or left half done.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, Value};

use xyd_domain::RegistryStatus;

use crate::error::AppResult;

/// Recount `registry_counts` for `dates` from the entries, in the caller's transaction.
pub async fn refresh(conn: &impl ConnectionTrait, dates: &BTreeSet<NaiveDate>) -> AppResult<()> {
    let backend = conn.get_database_backend();
    for date in dates {
        let date_only = vec![Value::from(*date)];
        conn.execute_raw(crate::db::numbered(
            backend,
            "DELETE FROM registry_counts WHERE snapshot_date = $1",
            date_only,
        ))
        .await?;
        let insert = "INSERT INTO registry_counts (snapshot_date, region_code, industry_section, entries, existing)
             SELECT snapshot_date, region_code, COALESCE(substr(industry_code, 1, 1), ''), COUNT(*),
                    SUM(CASE WHEN status = $2 THEN 1 ELSE 0 END)
             FROM registry_entries WHERE snapshot_date = $1
             GROUP BY snapshot_date, region_code, COALESCE(substr(industry_code, 1, 1), '')";
        let existing = RegistryStatus::Active.as_str();
        conn.execute_raw(crate::db::numbered(backend, insert, [Value::from(*date), Value::from(existing)])).await?;
    }
    Ok(())
}
