//! GraphQL of the indicators: `indicators` (the monitoring report) and `bankLeague` (督办 table).

use async_graphql::{Context, InputObject, Object, SimpleObject};
use xyd_domain::Money;

use super::league::{self, LeagueLine};
use super::report::{self, Report, ReportRequest, Row};
use crate::auth::principal::require_principal;
use crate::error::AppResult;
use crate::graphql::{GqlDate, GqlIndicatorDimension, GqlMoney, GqlRate};
use crate::institutions::{Institution, InstitutionRepo};
use crate::state::AppState;

/// A report's period `[from, to)` in Asia/Shanghai days, region prefix (default: the caller's jurisdiction)
/// and breakdown.
#[derive(InputObject, Clone, Debug)]
pub struct IndicatorQuery {
    pub from: GqlDate,
    pub to: GqlDate,
    pub region_code: Option<String>,
    pub group_by: Option<GqlIndicatorDimension>,
    /// "v1" (the first definitions) or "v2" (adds the renewal figures); default the latest, "v2".
    pub definitions_version: Option<String>,
}

impl From<IndicatorQuery> for ReportRequest {
    fn from(q: IndicatorQuery) -> Self {
        ReportRequest {
            from: q.from.0,
            to: q.to.0,
            region: q.region_code,
            group_by: q.group_by.map(Into::into),
            definitions_version: q.definitions_version,
        }
    }
}

/// One row of a report (definitions v1 in the README).
#[derive(SimpleObject, Clone, Debug)]
pub struct IndicatorRow {
    /// Region code, bank id, industry section letter, `YYYY-MM`, or `TOTAL`.
    pub key: String,
    pub label: String,
    /// Null when no registry snapshot covers the row (and for bank rows).
    pub existing_subjects: Option<i64>,
    pub registered_subjects: i64,
    pub verified_subjects: i64,
    pub registration_rate: Option<f64>,
    pub demands_posted: i64,
    pub demand_amount: GqlMoney,
    pub responded_demands: i64,
    pub response_rate: Option<f64>,
    pub responded_within_sla: i64,
    pub median_response_hours: Option<f64>,
    pub credit_granted_count: i64,
    pub credit_granted_amount: GqlMoney,
    pub disbursed_count: i64,
    pub disbursed_amount: GqlMoney,
    pub loan_obtaining_subjects: i64,
    pub loan_obtaining_ratio: Option<f64>,
    pub credit_loan_share: Option<f64>,
    pub first_loan_subjects: i64,
    pub tax_based_loan_count: i64,
    pub tax_based_loan_amount: GqlMoney,
    pub average_annual_rate: Option<GqlRate>,
    pub overdue_responses: i64,
    pub open_objections: i64,
    pub overdue_objections: i64,
    /// (v2) 续贷/展期 requests made in the period; null under v1.
    pub renewal_requests: Option<i64>,
    /// (v2) Of those, approved by the end of the period.
    pub renewals_approved: Option<i64>,
    /// (v2) approved / requested.
    pub renewal_approval_rate: Option<f64>,
}

impl IndicatorRow {
    /// The row under the definitions `version` ("v1" leaves the renewal figures null).
    fn of(row: Row, version: &str) -> Self {
        let c = row.counts;
        let v2 = version != "v1";
        let money = |fen| GqlMoney(Money::from_fen(fen));
        Self {
            registration_rate: c.registration_rate(),
            response_rate: c.response_rate(),
            loan_obtaining_ratio: c.loan_obtaining_ratio(),
            credit_loan_share: c.credit_loan_share(),
            average_annual_rate: c.average_annual_rate().map(GqlRate),
            key: row.key,
            label: row.label,
            existing_subjects: c.existing_subjects,
            registered_subjects: c.registered_subjects,
            verified_subjects: c.verified_subjects,
            demands_posted: c.demands_posted,
            demand_amount: money(c.demand_amount),
            responded_demands: c.responded_demands,
            responded_within_sla: c.responded_within_sla,
            median_response_hours: c.median_response_hours,
            credit_granted_count: c.credit_granted_count,
            credit_granted_amount: money(c.credit_granted_amount),
            disbursed_count: c.disbursed_count,
            disbursed_amount: money(c.disbursed_amount),
            loan_obtaining_subjects: c.loan_obtaining_subjects,
            first_loan_subjects: c.first_loan_subjects,
            tax_based_loan_count: c.tax_based_loan_count,
            tax_based_loan_amount: money(c.tax_based_loan_amount),
            overdue_responses: c.overdue_responses,
            open_objections: c.open_objections,
            overdue_objections: c.overdue_objections,
            renewal_requests: v2.then_some(c.renewal_requests),
            renewals_approved: v2.then_some(c.renewals_approved),
            renewal_approval_rate: c.renewal_approval_rate().filter(|_| v2),
        }
    }
}

/// A monitoring report.
#[derive(SimpleObject, Clone, Debug)]
pub struct IndicatorReport {
    pub from: GqlDate,
    pub to: GqlDate,
    /// The region reported on; null for the whole platform.
    pub region_code: Option<String>,
    pub definitions_version: String,
    pub totals: IndicatorRow,
    pub rows: Vec<IndicatorRow>,
}

impl From<Report> for IndicatorReport {
    fn from(r: Report) -> Self {
        Self {
            from: GqlDate(r.period.from()),
            to: GqlDate(r.period.to()),
            region_code: r.region.map(|p| p.as_str().to_string()),
            definitions_version: r.definitions_version.to_string(),
            totals: IndicatorRow::of(r.totals, r.definitions_version),
            rows: r.rows.into_iter().map(|row| IndicatorRow::of(row, r.definitions_version)).collect(),
        }
    }
}

/// One bank in the league table: its handling of the demands posted in the period.
#[derive(SimpleObject, Clone, Debug)]
pub struct BankLeagueRow {
    pub bank: Institution,
    /// Demands posted in the period that the bank responded to (accepted or rejected).
    pub responded_demands: i64,
    pub accepted: i64,
    pub rejected: i64,
    pub responded_within_sla: i64,
    pub median_response_hours: Option<f64>,
    /// Late first responses and missed credit-decision deadlines that fell in the period.
    pub sla_breaches: i64,
    pub credit_granted_count: i64,
    pub credit_granted_amount: GqlMoney,
    pub disbursed_count: i64,
    pub disbursed_amount: GqlMoney,
    pub average_annual_rate: Option<GqlRate>,
}

#[derive(Default)]
pub struct IndicatorQueryRoot;

#[Object]
impl IndicatorQueryRoot {
    /// 监测指标 for a period and region inside the caller's jurisdiction (bureau; the admin sees all).
    async fn indicators(&self, ctx: &Context<'_>, input: IndicatorQuery) -> AppResult<IndicatorReport> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        Ok(report::for_principal(state, principal, input.into()).await?.into())
    }

    /// 银行响应排名: every bank that responded to a demand of the period, most disbursements first.
    async fn bank_league(&self, ctx: &Context<'_>, input: IndicatorQuery) -> AppResult<Vec<BankLeagueRow>> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let lines = league::league(state, principal, input.into()).await?;
        let banks = InstitutionRepo::find_many(state.db.conn(), lines.iter().map(|l| l.bank)).await?;
        Ok(lines
            .into_iter()
            .filter_map(|l: LeagueLine| {
                let bank = banks.get(&l.bank)?.clone();
                let c = l.row.counts;
                Some(BankLeagueRow {
                    bank,
                    responded_demands: c.responded_demands,
                    accepted: l.accepted,
                    rejected: l.rejected,
                    responded_within_sla: c.responded_within_sla,
                    median_response_hours: c.median_response_hours,
                    sla_breaches: c.overdue_responses,
                    credit_granted_count: c.credit_granted_count,
                    credit_granted_amount: GqlMoney(Money::from_fen(c.credit_granted_amount)),
                    disbursed_count: c.disbursed_count,
                    disbursed_amount: GqlMoney(Money::from_fen(c.disbursed_amount)),
                    average_annual_rate: c.average_annual_rate().map(GqlRate),
                })
            })
            .collect())
    }
}
