//! 银行响应排名 (the bank league table behind 督办): per bank, for the demands posted in the period, how many it
//! responded to, accepted and rejected, how fast, how many deadlines it missed, and what it granted and lent.

use sea_orm::ConnectionTrait;
use uuid::Uuid;
use xyd_domain::IndicatorDimension;

use super::report::{self, Report, ReportRequest, Row};
use crate::auth::Principal;
use crate::error::AppResult;
use crate::state::AppState;

/// One bank's line.
#[derive(Debug, Clone)]
pub struct LeagueLine {
    pub bank: Uuid,
    pub row: Row,
    pub accepted: i64,
    pub rejected: i64,
}

/// The league for the caller's jurisdiction (or the region asked for inside it), most loans first.
pub async fn league(state: &AppState, principal: &Principal, mut request: ReportRequest) -> AppResult<Vec<LeagueLine>> {
    request.group_by = Some(IndicatorDimension::Bank);
    let report = report::for_principal(state, principal, request).await?;
    let decisions = decisions(state.db.conn(), &report).await?;
    let mut lines: Vec<LeagueLine> = report
        .rows
        .into_iter()
        .filter_map(|row| {
            let bank: Uuid = row.key.parse().ok()?;
            let (accepted, rejected) = decisions.iter().find(|(b, _, _)| *b == bank).map_or((0, 0), |d| (d.1, d.2));
            Some(LeagueLine { bank, row, accepted, rejected })
        })
        .collect();
    lines.sort_by(|a, b| {
        b.row.counts.disbursed_count.cmp(&a.row.counts.disbursed_count).then_with(|| {
            let hours = |l: &LeagueLine| l.row.counts.median_response_hours.unwrap_or(f64::MAX);
            hours(a).total_cmp(&hours(b))
        })
    });
    Ok(lines)
}

/// Accepted and rejected responses per bank, by the end of the period, to the demands posted in it.
async fn decisions(conn: &impl ConnectionTrait, report: &Report) -> AppResult<Vec<(Uuid, i64, i64)>> {
    let backend = conn.get_database_backend();
    let sql = "SELECT r.bank_id AS bank,
                 SUM(CASE WHEN r.accepted_at < $2 THEN 1 ELSE 0 END) AS accepted,
                 SUM(CASE WHEN r.rejected_at < $2 THEN 1 ELSE 0 END) AS rejected
               FROM demands d JOIN bank_responses r ON r.demand_id = d.id
               WHERE d.posted_at >= $1 AND d.posted_at < $2 AND d.region_code LIKE $3 GROUP BY r.bank_id";
    let pattern = format!("{}%", report.region.as_ref().map_or("", |r| r.as_str()));
    let values = [report.period.start().into(), report.period.end().into(), pattern.into()];
    let rows = conn.query_all_raw(crate::db::numbered(backend, sql, values)).await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("", "bank")?,
                r.try_get::<Option<i64>>("", "accepted")?.unwrap_or(0),
                r.try_get::<Option<i64>>("", "rejected")?.unwrap_or(0),
            ))
        })
        .collect()
}
