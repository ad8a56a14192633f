//! 银行响应排名 (the bank league table behind 督办): per bank, for the demands posted in the period, how many it
//! responded to, accepted and rejected, how fast, how many deadlines it missed, and what it granted and lent.

use chrono::{DateTime, Utc};
use xyd_domain::InstitutionId;

use super::report::{self, Plan, ReportRequest, Row};
use super::snapshot::Snapshot;
use super::sql::{self, Window};
use crate::auth::Principal;
use crate::error::AppResult;
use crate::institutions::Scope;
use crate::state::AppState;

/// One bank's line.
#[derive(Debug, Clone)]
pub struct LeagueLine {
    pub bank: InstitutionId,
    pub row: Row,
    pub accepted: i64,
    pub rejected: i64,
}

/// The league table and how current it is.
#[derive(Debug, Clone)]
pub struct League {
    pub lines: Vec<LeagueLine>,
    /// Every transaction committed before this time is counted (see `Snapshot::as_of`).
    pub as_of: Option<DateTime<Utc>>,
    /// The definitions the figures follow.
    pub definitions_version: &'static str,
}

/// The league for the caller's jurisdiction (or the region asked for inside it), most loans first.
/// Only the rows per bank are read: no totals, names or registry figures that the table does not show.
/// Who may ask is read on the primary, the rows where `Db::reports` points (as `report::for_principal`, for the
/// same reason).
pub async fn league(state: &AppState, principal: &Principal, request: ReportRequest) -> AppResult<League> {
    let scope = Scope::of_official(state.db.conn(), principal).await?;
    let plan = Plan::of(&scope, &request)?;
    let window = Window::new(&plan.period, plan.region.as_ref(), Utc::now());
    let snapshot = Snapshot::open(&state.db).await?;
    let rows = report::bank_rows(&snapshot, &window).await?;
    let decisions = sql::bank_decisions(&snapshot, &window).await?;
    let as_of = snapshot.as_of();
    snapshot.close().await?;
    let mut lines: Vec<LeagueLine> = rows
        .into_iter()
        .filter_map(|row| {
            let bank: InstitutionId = row.key.parse().ok()?;
            let (accepted, rejected) = decisions.get(&bank).copied().unwrap_or_default();
            Some(LeagueLine { bank, row, accepted, rejected })
        })
        .collect();
    lines.sort_by(|a, b| {
        let loans = |l: &LeagueLine| l.row.counts.all_lending().disbursed_count;
        loans(b).cmp(&loans(a)).then_with(|| {
            let hours = |l: &LeagueLine| l.row.counts.median_response_hours.unwrap_or(f64::MAX);
            hours(a).total_cmp(&hours(b))
        })
    });
    Ok(League { lines, as_of, definitions_version: plan.definitions_version })
}
