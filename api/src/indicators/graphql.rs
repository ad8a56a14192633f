//! GraphQL of the indicators: `indicators` (the monitoring report) and `bankLeague` (督办 table).

use async_graphql::{Context, InputObject, Object, SimpleObject};
use xyd_domain::indicators::{PersonCounts, includes};
use xyd_domain::{Money, TaxGrade};

use super::league::{self, League, LeagueLine};
use super::report::{self, Report, ReportRequest, Row};
use crate::auth::principal::require_principal;
use crate::error::AppResult;
use crate::graphql::{GqlDate, GqlDateTime, GqlIndicatorDimension, GqlMoney, GqlRate, GqlTaxGrade};
use crate::institutions::{Institution, InstitutionRepo};
use crate::state::AppState;

/// A report's period `[from, to)` in Asia/Shanghai days, region prefix (default: the caller's jurisdiction)
/// and breakdown.
#[derive(InputObject, Clone, Debug)]
pub struct IndicatorQuery {
    /// 统计期起始日（含），按北京时间。
    pub from: GqlDate,
    /// 统计期截止日（不含），按北京时间。
    pub to: GqlDate,
    /// 统计地区的行政区划代码前缀（也可写6位 GB/T 2260 代码，如 "440800"），须在调用者辖区内；不传为调用者辖区
    /// （管理员为全平台）。
    pub region_code: Option<String>,
    /// 分组维度：下一级地区、银行、行业门类或月份；不传只给合计。
    pub group_by: Option<GqlIndicatorDimension>,
    /// "v1" (the first definitions), "v2" (adds the renewal figures) or "v3" (adds the average comprehensive
    /// cost); default the latest, "v3".
    pub definitions_version: Option<String>,
}

impl IndicatorQuery {
    /// The request, counting subjects by tax grade only when `tax_grades` (the caller selected `taxGrades`).
    fn request(self, tax_grades: bool) -> ReportRequest {
        ReportRequest {
            from: self.from.0,
            to: self.to.0,
            region: self.region_code,
            group_by: self.group_by.map(Into::into),
            definitions_version: self.definitions_version,
            tax_grades,
        }
    }
}

/// One row of a report (definitions v1 in the README).
#[derive(SimpleObject, Clone, Debug)]
pub struct IndicatorRow {
    /// Region code, bank id, industry section letter, `YYYY-MM`, or `TOTAL`.
    pub key: String,
    /// 行名称：地区名、银行名、行业门类名、月份，或“合计”。
    pub label: String,
    /// Null when no registry snapshot covers the row (and for bank rows).
    pub existing_subjects: Option<i64>,
    /// 截至统计期末（`to` 零点前）的注册市场主体数（不含自然人，自然人见 `persons`）。
    pub registered_subjects: i64,
    /// 截至统计期末的实名认证市场主体数（不含自然人）。
    pub verified_subjects: i64,
    /// 注册率：注册主体数 / 存续主体数（小数，如 0.75）；无存续数据或分母为 0 时为 null。
    pub registration_rate: Option<f64>,
    /// 统计期内发布的融资需求数（含自然人的需求：需求与响应时效指标衡量银行服务，覆盖全部需求）。
    pub demands_posted: i64,
    /// 这些需求的融资金额合计（元）。
    pub demand_amount: GqlMoney,
    /// 其中在期末前得到银行首次响应的需求数。
    pub responded_demands: i64,
    /// 响应率：已响应 / 已发布（小数）；无需求时为 null。
    pub response_rate: Option<f64>,
    /// 其中在首次响应时限内得到响应的需求数。
    pub responded_within_sla: i64,
    /// 从发布到首次响应的中位小时数（两位小数）；无响应时为 null。
    pub median_response_hours: Option<f64>,
    /// 统计期内对市场主体的授信笔数（授信与放款各项均不含自然人，自然人的见 `persons`）。
    pub credit_granted_count: i64,
    /// 统计期内的授信金额合计（元）。
    pub credit_granted_amount: GqlMoney,
    /// 统计期内的放款笔数。
    pub disbursed_count: i64,
    /// 统计期内的放款金额合计（元）。
    pub disbursed_amount: GqlMoney,
    /// 获贷主体数：统计期内获得放款的不同市场主体。
    pub loan_obtaining_subjects: i64,
    /// 获贷企业占本地存续企业比例（小数）；无存续数据时为 null。
    pub loan_obtaining_ratio: Option<f64>,
    /// 信用贷款占比：信用类（CREDIT）产品放款金额 / 放款金额（小数）；无放款时为 null。
    pub credit_loan_share: Option<f64>,
    /// 首贷户数：统计期内获得首笔贷款的不同主体。v1、v2 按银行申报的首贷标记计；v3 按平台计算：此前在本平台没有
    /// 放款、在导入的贷款历史（LOAN_HISTORY）中也没有更早的贷款。
    pub first_loan_subjects: i64,
    /// 银税互动产品放款笔数。
    pub tax_based_loan_count: i64,
    /// 银税互动产品放款金额合计（元）。
    pub tax_based_loan_amount: GqlMoney,
    /// 按放款金额加权的平均年利率（百分数，精确到基点）；无放款时为 null。
    pub average_annual_rate: Option<GqlRate>,
    /// 截止时间落在统计期内的超时次数：需求首次响应超时与受理后授信决定超时。
    pub overdue_responses: i64,
    /// 期末（或当前，取较早者）仍未办结的异议数；银行行为 0。
    pub open_objections: i64,
    /// 其中已超过 20 天办理时限的异议数；银行行为 0。
    pub overdue_objections: i64,
    /// (v2) 续贷/展期 requests made in the period; null under v1.
    pub renewal_requests: Option<i64>,
    /// (v2) Of those, approved by the end of the period.
    pub renewals_approved: Option<i64>,
    /// (v2) approved / requested.
    pub renewal_approval_rate: Option<f64>,
    /// (v3) 按放款金额加权的平均年化综合融资成本（百分数，精确到基点），与 `averageAnnualRate` 同口径（市场主体的放款）；
    /// v1、v2 及无放款时为 null。
    pub average_comprehensive_cost: Option<GqlRate>,
    /// 重错码率：辖区最近一次完成的存续主体名录导入中（代码无效行数 + 重错码行数）/ 总行数（小数），反映名录数据质量，
    /// 不随统计期变化；仅合计行有值，分组行及无导入时为 null。
    pub erroneous_code_rate: Option<f64>,
    /// 截至统计期末的注册市场主体按纳税信用等级分布：各主体取 `to` 之前已结束的最近纳税年度的等级；
    /// 未参评（NOT_RATED）单独计数，不并入 M 级或 D 级；无纳税记录的主体不计入。依 A、B、M、C、D、NOT_RATED 顺序，每级一项。
    pub tax_grades: Vec<TaxGradeCount>,
    /// 自然人（不属于存续主体，不进入获贷率分母）单独统计的注册、需求与贷款。
    pub persons: PersonFigures,
}

/// The registered market subjects of one tax grade.
#[derive(SimpleObject, Clone, Debug)]
pub struct TaxGradeCount {
    /// 纳税信用等级（含未参评）。
    pub grade: GqlTaxGrade,
    /// 主体数。
    pub subjects: i64,
}

/// 自然人指标：natural persons counted apart from the market subjects.
#[derive(SimpleObject, Clone, Debug)]
pub struct PersonFigures {
    /// 截至统计期末注册的自然人数。
    pub registered: i64,
    /// 其中已核实身份的自然人数。
    pub verified: i64,
    /// 统计期内自然人发布的融资需求数（已计入 `demandsPosted`）。
    pub demands_posted: i64,
    /// 这些需求的金额合计（元）。
    pub demand_amount: GqlMoney,
    /// 统计期内对自然人的授信笔数。
    pub credit_granted_count: i64,
    /// 授信金额合计（元）。
    pub credit_granted_amount: GqlMoney,
    /// 统计期内对自然人的放款笔数。
    pub disbursed_count: i64,
    /// 放款金额合计（元）。
    pub disbursed_amount: GqlMoney,
    /// 获贷自然人数：统计期内获得放款的不同自然人。
    pub borrowers: i64,
    /// 对自然人放款按金额加权的平均年利率（百分数）；无放款时为 null。
    pub average_annual_rate: Option<GqlRate>,
}

impl From<&PersonCounts> for PersonFigures {
    fn from(p: &PersonCounts) -> Self {
        let money = |fen| GqlMoney(Money::from_fen(fen));
        Self {
            registered: p.registered,
            verified: p.verified,
            demands_posted: p.demands_posted,
            demand_amount: money(p.demand_amount),
            credit_granted_count: p.lending.credit_granted_count,
            credit_granted_amount: money(p.lending.credit_granted_amount),
            disbursed_count: p.lending.disbursed_count,
            disbursed_amount: money(p.lending.disbursed_amount),
            borrowers: p.lending.loan_obtaining_subjects,
            average_annual_rate: p.lending.average_annual_rate().map(GqlRate),
        }
    }
}

impl IndicatorRow {
    /// The row under the definitions `version` ("v1" leaves the renewal figures null).
    fn of(row: Row, version: &str) -> Self {
        let c = row.counts;
        let (v2, v3) = (includes(version, "v2"), includes(version, "v3"));
        let money = |fen| GqlMoney(Money::from_fen(fen));
        Self {
            registration_rate: c.registration_rate(),
            response_rate: c.response_rate(),
            loan_obtaining_ratio: c.loan_obtaining_ratio(),
            credit_loan_share: c.lending.credit_loan_share(),
            average_annual_rate: c.lending.average_annual_rate().map(GqlRate),
            tax_grades: TaxGrade::ALL
                .iter()
                .map(|&grade| TaxGradeCount { grade: grade.into(), subjects: c.subjects_graded(grade) })
                .collect(),
            persons: PersonFigures::from(&c.persons),
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
            credit_granted_count: c.lending.credit_granted_count,
            credit_granted_amount: money(c.lending.credit_granted_amount),
            disbursed_count: c.lending.disbursed_count,
            disbursed_amount: money(c.lending.disbursed_amount),
            loan_obtaining_subjects: c.lending.loan_obtaining_subjects,
            first_loan_subjects: if v3 {
                c.lending.computed_first_loan_subjects
            } else {
                c.lending.first_loan_subjects
            },
            tax_based_loan_count: c.lending.tax_based_loan_count,
            tax_based_loan_amount: money(c.lending.tax_based_loan_amount),
            overdue_responses: c.overdue_responses,
            open_objections: c.open_objections,
            overdue_objections: c.overdue_objections,
            renewal_requests: v2.then_some(c.renewal_requests),
            renewals_approved: v2.then_some(c.renewals_approved),
            renewal_approval_rate: c.renewal_approval_rate().filter(|_| v2),
            average_comprehensive_cost: c.lending.average_comprehensive_cost().filter(|_| v3).map(GqlRate),
            erroneous_code_rate: None,
        }
    }
}

/// A monitoring report.
#[derive(SimpleObject, Clone, Debug)]
pub struct IndicatorReport {
    /// 统计期起始日（含）。
    pub from: GqlDate,
    /// 统计期截止日（不含）。
    pub to: GqlDate,
    /// The region reported on; null for the whole platform.
    pub region_code: Option<String>,
    /// 所用指标口径版本，"v1" 或 "v2"。
    pub definitions_version: String,
    /// 整个报告的合计（重新统计，不是各行相加）。
    pub totals: IndicatorRow,
    /// 按 `groupBy` 分组的各行；未分组时为空。
    pub rows: Vec<IndicatorRow>,
    /// 数据截至时间（UTC）：此前提交的每笔业务都已计入。报表可由只读副本（备库）回答，副本可能略为滞后；
    /// 主库上即为回答时刻。副本无法判断时（启动后尚未重放任何事务且未在同步）为 null。
    pub as_of: Option<GqlDateTime>,
}

impl From<Report> for IndicatorReport {
    fn from(r: Report) -> Self {
        Self {
            from: GqlDate(r.period.from()),
            to: GqlDate(r.period.to()),
            region_code: r.region.map(|p| p.as_str().to_string()),
            definitions_version: r.definitions_version.to_string(),
            totals: IndicatorRow {
                erroneous_code_rate: r.erroneous_code_rate,
                ..IndicatorRow::of(r.totals, r.definitions_version)
            },
            rows: r.rows.into_iter().map(|row| IndicatorRow::of(row, r.definitions_version)).collect(),
            as_of: r.as_of.map(GqlDateTime),
        }
    }
}

/// One bank in the league table: its handling of the demands posted in the period.
#[derive(SimpleObject, Clone, Debug)]
pub struct BankLeagueRow {
    /// 银行。
    pub bank: Institution,
    /// Demands posted in the period that the bank responded to (accepted or rejected).
    pub responded_demands: i64,
    /// 其中本行在期末前受理的需求数。
    pub accepted: i64,
    /// 其中本行在期末前拒绝的需求数（先受理后拒绝的两边都计）。
    pub rejected: i64,
    /// 其中在首次响应时限内响应的需求数。
    pub responded_within_sla: i64,
    /// 本行从需求发布到首次响应的中位小时数（两位小数）；无响应时为 null。
    pub median_response_hours: Option<f64>,
    /// Late first responses and missed credit-decision deadlines that fell in the period.
    pub sla_breaches: i64,
    /// 统计期内本行的授信笔数（含对自然人的授信）。
    pub credit_granted_count: i64,
    /// 统计期内本行的授信金额合计（元）。
    pub credit_granted_amount: GqlMoney,
    /// 统计期内本行的放款笔数（含对自然人的放款）。
    pub disbursed_count: i64,
    /// 统计期内本行的放款金额合计（元）。
    pub disbursed_amount: GqlMoney,
    /// 本行放款按金额加权的平均年利率（百分数）；无放款时为 null。
    pub average_annual_rate: Option<GqlRate>,
    /// (v3) 本行放款按金额加权的平均年化综合融资成本（百分数）；v1、v2 及无放款时为 null。
    pub average_comprehensive_cost: Option<GqlRate>,
    /// 数据截至时间（UTC），同一次回答的各行相同：此前提交的每笔业务都已计入（见 `IndicatorReport.asOf`）。
    pub as_of: Option<GqlDateTime>,
}

#[derive(Default)]
pub struct IndicatorQueryRoot;

#[Object]
impl IndicatorQueryRoot {
    /// 监测指标 for a period and region inside the caller's jurisdiction (bureau; the admin sees all).
    async fn indicators(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "统计期、地区、分组和口径版本。")] input: IndicatorQuery,
    ) -> AppResult<IndicatorReport> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let look = ctx.look_ahead();
        let grades = look.field("totals").field("taxGrades").exists() || look.field("rows").field("taxGrades").exists();
        Ok(report::for_principal(state, principal, input.request(grades)).await?.into())
    }

    /// 银行响应排名: every bank that responded to a demand of the period, most disbursements first.
    async fn bank_league(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "统计期和地区（`groupBy` 不适用）。")] input: IndicatorQuery,
    ) -> AppResult<Vec<BankLeagueRow>> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let League { lines, as_of, definitions_version } =
            league::league(state, principal, input.request(false)).await?;
        let v3 = includes(definitions_version, "v3");
        // Where the rows were read: every bank they name is there.
        let banks = InstitutionRepo::find_many(state.db.reports(), lines.iter().map(|l| l.bank)).await?;
        let as_of = as_of.map(GqlDateTime);
        Ok(lines
            .into_iter()
            .filter_map(|l: LeagueLine| {
                let bank = banks.get(&l.bank)?.clone();
                let c = l.row.counts;
                let lending = c.all_lending();
                Some(BankLeagueRow {
                    bank,
                    responded_demands: c.responded_demands,
                    accepted: l.accepted,
                    rejected: l.rejected,
                    responded_within_sla: c.responded_within_sla,
                    median_response_hours: c.median_response_hours,
                    sla_breaches: c.overdue_responses,
                    credit_granted_count: lending.credit_granted_count,
                    credit_granted_amount: GqlMoney(Money::from_fen(lending.credit_granted_amount)),
                    disbursed_count: lending.disbursed_count,
                    disbursed_amount: GqlMoney(Money::from_fen(lending.disbursed_amount)),
                    average_annual_rate: lending.average_annual_rate().map(GqlRate),
                    average_comprehensive_cost: lending.average_comprehensive_cost().filter(|_| v3).map(GqlRate),
                    as_of,
                })
            })
            .collect())
    }
}
