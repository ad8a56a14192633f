//! 监测指标 (the 信易贷 monitoring indicators), definitions v1: the report period, how a report is broken
//! down, and the formulas that turn counted events into the reported figures (ratios, weighted rates).
//! Counting the events is the database's job; everything here is arithmetic on the counts.

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use xyd_reasons::Reason;

use crate::demand::calendar::local_midnight;
use crate::{DomainError, IndicatorDimension, Rate, RegionPrefix, TaxGrade};

/// The version of the indicator definitions every report states.
pub const DEFINITIONS_VERSION: &str = "v3";

/// Every definitions version a report may be asked for: v2 adds the renewal figures, v3 the average
/// comprehensive cost; every earlier figure is unchanged.
pub const DEFINITIONS_VERSIONS: [&str; 3] = ["v1", "v2", "v3"];

/// Whether the definitions `version` include what `first` introduced (both in [`DEFINITIONS_VERSIONS`]).
pub fn includes(version: &str, first: &str) -> bool {
    let position = |v: &str| DEFINITIONS_VERSIONS.iter().position(|known| *known == v);
    matches!((position(version), position(first)), (Some(v), Some(f)) if v >= f)
}

/// The longest period a report may cover (a month breakdown then has at most 120 rows).
pub const MAX_PERIOD_DAYS: i64 = 3660;

/// 统计期间: the Asia/Shanghai days `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    from: NaiveDate,
    to: NaiveDate,
}

impl Period {
    /// A period of at least one day and at most [`MAX_PERIOD_DAYS`].
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Self, DomainError> {
        if from >= to {
            return Err(DomainError::invalid("to", Reason::InvalidPeriod));
        }
        if (to - from).num_days() > MAX_PERIOD_DAYS {
            return Err(DomainError::invalid("to", Reason::PeriodTooLong));
        }
        Ok(Self { from, to })
    }

    /// First day (inclusive).
    pub fn from(&self) -> NaiveDate {
        self.from
    }

    /// Day after the last (exclusive).
    pub fn to(&self) -> NaiveDate {
        self.to
    }

    /// The instant the period starts: midnight of `from` in Asia/Shanghai.
    pub fn start(&self) -> DateTime<Utc> {
        local_midnight(self.from)
    }

    /// The instant the period ends (exclusive): midnight of `to` in Asia/Shanghai.
    pub fn end(&self) -> DateTime<Utc> {
        local_midnight(self.to)
    }

    /// The instant states ("open objections", "overdue") are read at: the end, or `now` if that is earlier.
    pub fn as_of(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        self.end().min(now)
    }

    /// The calendar months the period touches, each clipped to the period, in order.
    pub fn months(&self) -> Vec<Period> {
        let mut months = Vec::new();
        let mut start = self.from;
        while start < self.to {
            let first = start.with_day(1).unwrap_or(start);
            let next = first.checked_add_months(Months::new(1)).unwrap_or(self.to);
            let end = next.min(self.to);
            months.push(Period { from: start, to: end });
            start = end;
        }
        months
    }

    /// `2026-03` for a period inside March 2026 (the key of a month row).
    pub fn month_key(&self) -> String {
        format!("{:04}-{:02}", self.from.year(), self.from.month())
    }

    /// `2026年3月`.
    pub fn month_label(&self) -> String {
        format!("{}年{}月", self.from.year(), self.from.month())
    }
}

/// What a report's rows are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    /// Totals only.
    None,
    /// By the first `len` digits of the subject's region code (the level below the report's region).
    Region {
        /// Prefix length: 2, 4, 6 or 9.
        len: usize,
    },
    /// By the bank that responded.
    Bank,
    /// By the subject's industry section (门类).
    Industry,
    /// By calendar month.
    Month,
}

impl Grouping {
    /// The rows for `dimension` under the report region `region` (`None`: the whole country). Grouping by
    /// region below a town is refused.
    pub fn resolve(dimension: Option<IndicatorDimension>, region: Option<&RegionPrefix>) -> Result<Self, DomainError> {
        Ok(match dimension {
            None => Grouping::None,
            Some(IndicatorDimension::Region) => {
                let len = match region {
                    None => 2,
                    Some(prefix) => {
                        prefix.next_level_len().ok_or_else(|| DomainError::invalid("groupBy", Reason::NoLowerRegion))?
                    }
                };
                Grouping::Region { len }
            }
            Some(IndicatorDimension::Bank) => Grouping::Bank,
            Some(IndicatorDimension::Industry) => Grouping::Industry,
            Some(IndicatorDimension::Month) => Grouping::Month,
        })
    }
}

/// The counted events of one row (or the totals) — what the database aggregates.
///
/// Natural persons are counted apart ([`PersonCounts`]): they are not 存续主体, so they are neither in the
/// registry's denominator nor among the registered, verified or borrowing subjects, and their loans are not in
/// [`Counts::lending`]. The demand and response figures (posted, answered, deadlines) cover every demand: they
/// measure the banks' service, whoever asked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counts {
    /// 存续 subjects in the latest registry snapshot on or before `to`; `None` when there is none.
    pub existing_subjects: Option<i64>,
    /// Market subjects registered before `to`.
    pub registered_subjects: i64,
    /// Market subjects real-name verified before `to`.
    pub verified_subjects: i64,
    /// Demands posted in the period.
    pub demands_posted: i64,
    /// Their amount, fen.
    pub demand_amount: i64,
    /// Of those, demands with a first bank response before `to`.
    pub responded_demands: i64,
    /// Of those, first response within the SLA.
    pub responded_within_sla: i64,
    /// Median hours from posting to first response, over the responded demands.
    pub median_response_hours: Option<f64>,
    /// Credit and loans to market subjects.
    pub lending: Lending,
    /// SLA breaches whose deadline fell in the period. A response superseded because its demand closed
    /// (withdrawn, expired, unfunded, or funded by another bank) before its deadline is not a breach.
    pub overdue_responses: i64,
    /// Objections open at the end of the period (or now).
    pub open_objections: i64,
    /// Of those, past their 20-day deadline.
    pub overdue_objections: i64,
    /// (v2) Renewal and extension requests made in the period.
    pub renewal_requests: i64,
    /// (v2) Of those, approved by the end of the period.
    pub renewals_approved: i64,
    /// Market subjects registered before `to` by the grade of their latest tax year before `to`'s year, in the
    /// order of [`TaxGrade::ALL`] (未参评 apart from M and D); subjects without a tax year are in none.
    pub tax_grades: [i64; TaxGrade::ALL.len()],
    /// Natural persons' figures, apart from the rest.
    pub persons: PersonCounts,
}

/// Credit grants and disbursements in the period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lending {
    /// Credit grants in the period.
    pub credit_granted_count: i64,
    /// Their amount, fen.
    pub credit_granted_amount: i64,
    /// Disbursements in the period.
    pub disbursed_count: i64,
    /// Their amount, fen.
    pub disbursed_amount: i64,
    /// Distinct borrowers with a disbursement in the period (获贷主体).
    pub loan_obtaining_subjects: i64,
    /// Disbursed amount on CREDIT (纯信用) products, fen.
    pub credit_loan_amount: i64,
    /// Distinct borrowers whose disbursement in the period was marked as their first bank loan (首贷户, as the
    /// banks declared it: definitions v1 and v2).
    pub first_loan_subjects: i64,
    /// (v3) Distinct borrowers whose disbursement in the period was their first loan as computed from the
    /// platform's loans and the imported loan history (`loans::first_loan`).
    pub computed_first_loan_subjects: i64,
    /// Disbursements on tax-based products (银税互动).
    pub tax_based_loan_count: i64,
    /// Their amount, fen.
    pub tax_based_loan_amount: i64,
    /// Disbursed amount whose annual rate is known, fen.
    pub rated_amount: i64,
    /// Σ amount × rate (fen × basis points) over those disbursements.
    pub rate_weight: i64,
    /// (v3) Disbursed amount whose 年化综合融资成本 is known, fen.
    pub costed_amount: i64,
    /// (v3) Σ amount × comprehensive cost (fen × basis points) over those disbursements.
    pub cost_weight: i64,
}

impl Lending {
    /// Add `other` times `sign` (1 or -1), figure by figure. Distinct-borrower counts add up only over disjoint
    /// sets of borrowers (a partition of subjects, or persons apart from market subjects).
    pub fn add(&mut self, other: &Lending, sign: i64) {
        self.credit_granted_count += sign * other.credit_granted_count;
        self.credit_granted_amount += sign * other.credit_granted_amount;
        self.disbursed_count += sign * other.disbursed_count;
        self.disbursed_amount += sign * other.disbursed_amount;
        self.loan_obtaining_subjects += sign * other.loan_obtaining_subjects;
        self.credit_loan_amount += sign * other.credit_loan_amount;
        self.first_loan_subjects += sign * other.first_loan_subjects;
        self.computed_first_loan_subjects += sign * other.computed_first_loan_subjects;
        self.tax_based_loan_count += sign * other.tax_based_loan_count;
        self.tax_based_loan_amount += sign * other.tax_based_loan_amount;
        self.rated_amount += sign * other.rated_amount;
        self.rate_weight += sign * other.rate_weight;
        self.costed_amount += sign * other.costed_amount;
        self.cost_weight += sign * other.cost_weight;
    }

    /// 信用贷款占比: disbursed on CREDIT products / disbursed.
    pub fn credit_loan_share(&self) -> Option<f64> {
        ratio(self.credit_loan_amount, Some(self.disbursed_amount))
    }

    /// Disbursement-amount-weighted annual rate, rounded to the basis point; `None` without rated loans.
    pub fn average_annual_rate(&self) -> Option<Rate> {
        weighted_average(self.rate_weight, self.rated_amount)
    }

    /// (v3) Disbursement-amount-weighted 年化综合融资成本, rounded to the basis point; `None` without costed loans.
    pub fn average_comprehensive_cost(&self) -> Option<Rate> {
        weighted_average(self.cost_weight, self.costed_amount)
    }
}

/// Natural persons (自然人) counted apart from the market subjects.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PersonCounts {
    /// Persons registered before `to`.
    pub registered: i64,
    /// Persons verified before `to`.
    pub verified: i64,
    /// Demands persons posted in the period (also in [`Counts::demands_posted`], which covers every demand).
    pub demands_posted: i64,
    /// Their amount, fen.
    pub demand_amount: i64,
    /// Credit and loans to persons.
    pub lending: Lending,
}

impl Counts {
    /// 注册率: registered / existing.
    pub fn registration_rate(&self) -> Option<f64> {
        ratio(self.registered_subjects, self.existing_subjects)
    }

    /// (v2) 续贷审批通过率: approved / requested.
    pub fn renewal_approval_rate(&self) -> Option<f64> {
        ratio(self.renewals_approved, Some(self.renewal_requests))
    }

    /// 响应率: responded / posted.
    pub fn response_rate(&self) -> Option<f64> {
        ratio(self.responded_demands, Some(self.demands_posted))
    }

    /// 获贷企业占本地存续企业比例: loan-obtaining market subjects / existing.
    pub fn loan_obtaining_ratio(&self) -> Option<f64> {
        ratio(self.lending.loan_obtaining_subjects, self.existing_subjects)
    }

    /// Credit and loans to every borrower, persons' included (a bank's whole lending).
    pub fn all_lending(&self) -> Lending {
        let mut all = self.lending.clone();
        all.add(&self.persons.lending, 1);
        all
    }

    /// The market subjects of `grade` (see [`Counts::tax_grades`]).
    pub fn subjects_graded(&self, grade: TaxGrade) -> i64 {
        TaxGrade::ALL.iter().position(|g| *g == grade).map_or(0, |i| self.tax_grades[i])
    }

    /// Move the persons' part out of figures counted over every subject. The database counts registrations,
    /// verifications and loans over everyone and the persons' part beside ([`Counts::persons`]); this leaves
    /// the market subjects' alone. Call it once per row, after every figure is in.
    pub fn set_persons_apart(&mut self) {
        self.registered_subjects -= self.persons.registered;
        self.verified_subjects -= self.persons.verified;
        self.lending.add(&self.persons.lending, -1);
    }
}

impl Counts {
    /// The totals of rows that partition the subjects (by region or by industry section: every subject,
    /// demand, response and objection belongs to exactly one row), except the median, which does not add up
    /// and is left `None` for the caller to compute. Distinct-subject counts add up because a subject is in one
    /// row only. Not valid for bank rows: a subject may borrow from two banks.
    pub fn sum_of_partition<'a>(rows: impl IntoIterator<Item = &'a Counts>) -> Counts {
        let mut t = Counts::default();
        for c in rows {
            t.existing_subjects = match (t.existing_subjects, c.existing_subjects) {
                (Some(a), Some(b)) => Some(a + b),
                (a, b) => a.or(b),
            };
            t.registered_subjects += c.registered_subjects;
            t.verified_subjects += c.verified_subjects;
            t.demands_posted += c.demands_posted;
            t.demand_amount += c.demand_amount;
            t.responded_demands += c.responded_demands;
            t.responded_within_sla += c.responded_within_sla;
            t.lending.add(&c.lending, 1);
            t.overdue_responses += c.overdue_responses;
            t.open_objections += c.open_objections;
            t.overdue_objections += c.overdue_objections;
            t.renewal_requests += c.renewal_requests;
            t.renewals_approved += c.renewals_approved;
            for (total, n) in t.tax_grades.iter_mut().zip(c.tax_grades) {
                *total += n;
            }
            t.persons.registered += c.persons.registered;
            t.persons.verified += c.persons.verified;
            t.persons.demands_posted += c.persons.demands_posted;
            t.persons.demand_amount += c.persons.demand_amount;
            t.persons.lending.add(&c.persons.lending, 1);
        }
        t
    }
}

/// Σ amount × rate / Σ amount, rounded half up to the basis point; `None` without an amount.
fn weighted_average(weight: i64, amount: i64) -> Option<Rate> {
    if amount <= 0 {
        return None;
    }
    let amount = i128::from(amount);
    let bp = (i128::from(weight) * 2 + amount) / (2 * amount);
    i32::try_from(bp).ok().and_then(|bp| Rate::from_bp(bp).ok())
}

/// `numerator / denominator`, `None` when the denominator is zero or unknown.
pub fn ratio(numerator: i64, denominator: Option<i64>) -> Option<f64> {
    match denominator {
        Some(d) if d > 0 => Some(numerator as f64 / d as f64),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_period_is_shanghai_days() {
        let p = Period::new(day("2026-03-01"), day("2026-04-01")).unwrap();
        assert_eq!(p.start().to_rfc3339(), "2026-02-28T16:00:00+00:00");
        assert_eq!(p.end().to_rfc3339(), "2026-03-31T16:00:00+00:00");
        assert_eq!(p.as_of(p.start()), p.start());
        assert_eq!(p.as_of(p.end() + chrono::Duration::days(3)), p.end());
    }

    #[test]
    fn empty_reversed_and_overlong_periods_are_refused() {
        assert_eq!(Period::new(day("2026-03-01"), day("2026-03-01")).unwrap_err().code(), "INVALID_PERIOD");
        assert_eq!(Period::new(day("2026-03-02"), day("2026-03-01")).unwrap_err().code(), "INVALID_PERIOD");
        assert_eq!(Period::new(day("2010-01-01"), day("2026-03-01")).unwrap_err().code(), "PERIOD_TOO_LONG");
    }

    #[test]
    fn months_are_clipped_to_the_period() {
        let p = Period::new(day("2025-12-15"), day("2026-02-10")).unwrap();
        let months: Vec<_> = p.months().iter().map(|m| (m.from(), m.to(), m.month_key())).collect();
        assert_eq!(
            months,
            vec![
                (day("2025-12-15"), day("2026-01-01"), "2025-12".to_string()),
                (day("2026-01-01"), day("2026-02-01"), "2026-01".to_string()),
                (day("2026-02-01"), day("2026-02-10"), "2026-02".to_string()),
            ]
        );
        assert_eq!(p.months()[1].month_label(), "2026年1月");
    }

    #[test]
    fn region_grouping_goes_one_level_down_and_stops_at_towns() {
        let prefix = |s: &str| RegionPrefix::parse(s).unwrap();
        let region = Some(IndicatorDimension::Region);
        assert_eq!(Grouping::resolve(region, None).unwrap(), Grouping::Region { len: 2 });
        assert_eq!(Grouping::resolve(region, Some(&prefix("4408"))).unwrap(), Grouping::Region { len: 6 });
        assert_eq!(Grouping::resolve(region, Some(&prefix("440882"))).unwrap(), Grouping::Region { len: 9 });
        let err = Grouping::resolve(region, Some(&prefix("440882100"))).unwrap_err();
        assert_eq!(err.code(), "NO_LOWER_REGION");
        assert_eq!(Grouping::resolve(None, Some(&prefix("4408"))).unwrap(), Grouping::None);
    }

    #[test]
    fn ratios_are_null_on_zero_or_unknown_denominators() {
        let mut c = Counts { registered_subjects: 3, demands_posted: 0, ..Default::default() };
        assert_eq!(c.registration_rate(), None, "no registry snapshot");
        assert_eq!(c.response_rate(), None, "no demands");
        assert_eq!(c.lending.credit_loan_share(), None, "nothing disbursed");
        c.existing_subjects = Some(0);
        assert_eq!(c.registration_rate(), None);
        c.existing_subjects = Some(4);
        assert_eq!(c.registration_rate(), Some(0.75));
    }

    #[test]
    fn partition_totals_add_up_and_leave_the_median_out() {
        let a = Counts {
            existing_subjects: Some(3),
            registered_subjects: 2,
            lending: Lending { loan_obtaining_subjects: 1, ..Default::default() },
            median_response_hours: Some(5.0),
            tax_grades: [1, 0, 0, 0, 0, 2],
            persons: PersonCounts { registered: 4, ..Default::default() },
            ..Default::default()
        };
        let b = Counts {
            existing_subjects: None,
            registered_subjects: 1,
            lending: Lending { loan_obtaining_subjects: 2, ..Default::default() },
            tax_grades: [0, 0, 0, 0, 0, 1],
            ..Default::default()
        };
        let t = Counts::sum_of_partition([&a, &b]);
        assert_eq!(t.existing_subjects, Some(3), "rows without a snapshot add nothing");
        assert_eq!((t.registered_subjects, t.lending.loan_obtaining_subjects), (3, 3));
        assert_eq!(
            (t.subjects_graded(TaxGrade::NotRated), t.subjects_graded(TaxGrade::A), t.persons.registered),
            (3, 1, 4)
        );
        assert_eq!(t.median_response_hours, None);
        assert_eq!(Counts::sum_of_partition([&b]).existing_subjects, None);
    }

    #[test]
    fn the_average_rate_is_weighted_by_amount_and_rounded_to_the_basis_point() {
        // 100 yuan at 4.00% and 300 yuan at 3.00%: (100×400 + 300×300) / 400 = 325 bp.
        let c = Lending { rated_amount: 40_000, rate_weight: 10_000 * 400 + 30_000 * 300, ..Default::default() };
        assert_eq!(c.average_annual_rate().unwrap().bp(), 325);
        // 1 fen at 1 bp and 1 fen at 2 bp: 1.5 bp rounds half up to 2.
        let c = Lending { rated_amount: 2, rate_weight: 3, ..Default::default() };
        assert_eq!(c.average_annual_rate().unwrap().bp(), 2);
        assert_eq!(Lending::default().average_annual_rate(), None);
    }

    #[test]
    fn persons_are_moved_out_of_the_market_subjects_figures() {
        let mut c = Counts {
            registered_subjects: 10,
            verified_subjects: 8,
            demands_posted: 5,
            lending: Lending {
                disbursed_count: 4,
                loan_obtaining_subjects: 3,
                rated_amount: 400,
                ..Default::default()
            },
            persons: PersonCounts {
                registered: 2,
                verified: 1,
                demands_posted: 1,
                lending: Lending {
                    disbursed_count: 1,
                    loan_obtaining_subjects: 1,
                    rated_amount: 100,
                    ..Default::default()
                },
                ..Default::default()
            },
            ..Default::default()
        };
        c.set_persons_apart();
        assert_eq!((c.registered_subjects, c.verified_subjects, c.demands_posted), (8, 7, 5), "demands stay whole");
        assert_eq!((c.lending.disbursed_count, c.lending.loan_obtaining_subjects, c.lending.rated_amount), (3, 2, 300));
        assert_eq!(c.persons.lending.disbursed_count, 1);
    }
}
