//! The indicator queries: one aggregation per family of figures, the same SQL on PostgreSQL and SQLite
//! (placeholders and the median aside), each grouped by the report's key. Nothing is loaded row by row: the
//! database returns one row per group.
//!
//! Reports by region (and the totals) read the additive flows from `indicator_days`, whole Shanghai days kept
//! by triggers ([`days`]), and go to the events only for what a day cannot say. Reports by industry section or
//! bank read the events ([`events`]): the day rows are kept per region only.
//!
//! | family | reads | figures |
//! |---|---|---|
//! | registry | `registry_counts` (latest snapshot ≤ `to` per county) | existingSubjects |
//! | subjects | `subject_counts` (days before `to`) | registered, verified |
//! | days (by region) | `indicator_days` of the period's days | posted, amount, responded, within SLA, credit, disbursement, 银税, rate, breaches of whole days |
//! | late answers (by region) | `demands` posted in the period and first answered after it | responded, within SLA: subtracted |
//! | borrowers (by region) | `bank_responses` disbursed in the period | 获贷/首贷 subjects |
//! | demands (events) | `demands` posted in the period | posted, amount, responded, within SLA |
//! | loans (events) | `bank_responses` granted or disbursed in the period | credit, disbursement, 获贷/首贷, 银税, rate |
//! | breaches (events; by region: the as-of day's part only) | deadlines in the window | overdueResponses |
//! | median | the demands' response hours (percentile_cont; a window on SQLite) | medianResponseHours |
//! | objections | `objections` open at the period's end (or now) | open, overdue |
//! | renewals | `renewals` requested in the period | requests, approved |
//! | tax grades | `tax_records`: each registered subject's latest year ended before `to` | subjects per grade |
//! | persons (every key) | `subjects`, `demands` and `bank_responses` of natural persons | their registrations, demands and loans |
//!
//! Natural persons are counted apart: the summaries count every subject, so the persons' families count
//! their part, which [`Counts::set_persons_apart`] then takes out of the market subjects' figures.

mod days;
mod events;

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use futures::future::try_join_all;
use sea_orm::{ConnectionTrait, DatabaseBackend, QueryResult, Value};
use uuid::Uuid;
use xyd_domain::InstitutionId;
use xyd_domain::RegionPrefix;
use xyd_domain::demand::calendar::{local_date, local_midnight};
use xyd_domain::indicators::{Counts, Lending, Period};
use xyd_domain::{SubjectKind, TaxGrade};

use super::snapshot::Snapshot;
use crate::error::AppResult;

/// What a report's rows are keyed by, as SQL sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Total,
    /// The first `n` digits of the subject's region code.
    Region(usize),
    /// The subject's industry section letter ('' when unknown).
    Section,
    /// The responding bank's id.
    Bank,
}

impl Key {
    /// Whether the day rows (kept per region) can answer for this key.
    fn by_days(self) -> bool {
        matches!(self, Key::Total | Key::Region(_))
    }
}

/// The instants and filter of one aggregation.
#[derive(Debug, Clone)]
pub struct Window {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// When states (open objections, missed deadlines) are read: the end, or now if earlier.
    pub as_of: DateTime<Utc>,
    /// The `from` day: the first day whose rows count.
    pub from: NaiveDate,
    /// The `to` day: snapshots on or before it count, registrations and day rows on days before it.
    pub to: NaiveDate,
    /// Region code prefix; empty for everywhere.
    pub prefix: String,
    /// Whether to count the subjects by tax grade (a pass over their tax years, run only when asked for).
    pub tax_grades: bool,
}

impl Window {
    /// The window of `period` over the region `region` (everywhere when `None`), states read at `now` at the latest.
    pub fn new(period: &Period, region: Option<&RegionPrefix>, now: DateTime<Utc>) -> Self {
        Self {
            start: period.start(),
            end: period.end(),
            as_of: period.as_of(now),
            from: period.from(),
            to: period.to(),
            prefix: region.map(|r| r.as_str().to_string()).unwrap_or_default(),
            tax_grades: false,
        }
    }

    /// The LIKE pattern of the region filter.
    fn pattern(&self) -> Value {
        format!("{}%", self.prefix).into()
    }

    /// The day holding the as-of instant: days before it are over, so their missed deadlines are final.
    fn as_of_day(&self) -> NaiveDate {
        local_date(self.as_of)
    }

    /// Midnight of the as-of day: from there to the as-of instant, missed deadlines are read from the events.
    fn as_of_midnight(&self) -> DateTime<Utc> {
        local_midnight(self.as_of_day()).max(self.start)
    }
}

/// The length of the region code columns (a town's code).
const REGION_CODE_LEN: usize = 9;

/// Counts per key (`""` for [`Key::Total`]; a bank id for [`Key::Bank`]).
pub type Rows = BTreeMap<String, Counts>;

/// A statement, or nothing when the family does not apply to the key.
type Query = Option<(String, Vec<Value>)>;

/// A family of figures: its statement for a key, and where its columns go.
#[derive(Debug, Clone, Copy)]
enum Family {
    Registry,
    Subjects,
    Days,
    LateAnswers,
    Borrowers,
    Demands,
    Loans,
    Breaches,
    Median,
    /// The median over every group, beside the groups' own (a partition's totals cannot add medians up).
    WholeMedian,
    Objections,
    Renewals,
    TaxGrades,
    PersonSubjects,
    PersonDemands,
    PersonLoans,
}

impl Family {
    /// The families a report keyed by `key` runs.
    fn for_key(key: Key, whole: Whole, tax_grades: bool) -> Vec<Family> {
        use Family::*;
        let mut families = if key.by_days() {
            vec![Days, Median, Borrowers, LateAnswers, Breaches, Registry, Subjects, Objections, Renewals]
        } else {
            vec![Loans, Median, Demands, Breaches, Registry, Subjects, Objections, Renewals]
        };
        if tax_grades {
            families.push(TaxGrades);
        }
        families.extend([PersonSubjects, PersonDemands, PersonLoans]);
        if whole == Whole::Median {
            families.push(WholeMedian);
        }
        families
    }

    fn query(self, q: &Queries) -> Query {
        match self {
            Family::Registry => q.registry(),
            Family::Subjects => q.subjects(),
            Family::Days => q.days(),
            Family::LateAnswers => q.late_answers(),
            Family::Borrowers => q.borrowers(),
            Family::Demands => q.demands(),
            Family::Loans => q.loans(),
            // Whole days of missed deadlines are in the day rows; only the as-of day's part is left to the events.
            Family::Breaches if q.key.by_days() => q.breaches(q.w.as_of_midnight(), q.w.as_of),
            Family::Breaches => q.breaches(q.w.start, q.w.as_of),
            Family::Median => q.median(),
            Family::WholeMedian => q.whole_median(),
            Family::Objections => q.objections(),
            Family::Renewals => q.renewals(),
            Family::TaxGrades => q.tax_grades(),
            Family::PersonSubjects => q.person_subjects(),
            Family::PersonDemands => q.persons().demands(),
            Family::PersonLoans => q.persons().loans(),
        }
    }

    /// Put one result row's columns into `c`.
    fn apply(self, c: &mut Counts, r: &QueryResult) -> Result<(), sea_orm::DbErr> {
        match self {
            Family::Registry => c.existing_subjects = r.try_get::<Option<i64>>("", "existing")?,
            Family::Subjects => {
                c.registered_subjects = sum(r, "registered")?;
                c.verified_subjects = sum(r, "verified")?;
            }
            Family::Days => {
                demand_figures(c, r)?;
                loan_figures(&mut c.lending, r)?;
                c.overdue_responses += sum(r, "late")?;
            }
            Family::LateAnswers => {
                c.responded_demands -= sum(r, "responded")?;
                c.responded_within_sla -= sum(r, "within_sla")?;
            }
            Family::Borrowers => borrowers(&mut c.lending, r)?,
            Family::Demands => demand_figures(c, r)?,
            Family::Loans => {
                loan_figures(&mut c.lending, r)?;
                borrowers(&mut c.lending, r)?;
            }
            Family::Breaches => c.overdue_responses += sum(r, "n")?,
            Family::Median | Family::WholeMedian => c.median_response_hours = hours(r)?,
            Family::Objections => {
                c.open_objections = sum(r, "open")?;
                c.overdue_objections = sum(r, "overdue")?;
            }
            Family::Renewals => {
                c.renewal_requests = sum(r, "requests")?;
                c.renewals_approved = sum(r, "approved")?;
            }
            Family::TaxGrades => {
                let grade: String = r.try_get("", "grade")?;
                if let Some(i) = TaxGrade::ALL.iter().position(|g| g.as_str() == grade) {
                    c.tax_grades[i] += sum(r, "n")?;
                }
            }
            Family::PersonSubjects => {
                c.persons.registered = sum(r, "registered")?;
                c.persons.verified = sum(r, "verified")?;
            }
            Family::PersonDemands => {
                c.persons.demands_posted = sum(r, "posted")?;
                c.persons.demand_amount = sum(r, "amount")?;
            }
            Family::PersonLoans => {
                loan_figures(&mut c.persons.lending, r)?;
                borrowers(&mut c.persons.lending, r)?;
            }
        }
        Ok(())
    }
}

/// The demands posted and answered, named alike by the day rows and the events. Answers add up: the day rows'
/// count demands answered after the period too, which [`Family::LateAnswers`] takes away.
fn demand_figures(c: &mut Counts, r: &QueryResult) -> Result<(), sea_orm::DbErr> {
    c.demands_posted = sum(r, "posted")?;
    c.demand_amount = sum(r, "amount")?;
    c.responded_demands += sum(r, "responded")?;
    c.responded_within_sla += sum(r, "within_sla")?;
    Ok(())
}

/// The distinct borrowers and (v3) the disbursements' comprehensive costs, named alike by the per-subject
/// groupings.
fn borrowers(c: &mut Lending, r: &QueryResult) -> Result<(), sea_orm::DbErr> {
    c.loan_obtaining_subjects = sum(r, "loan_subjects")?;
    c.first_loan_subjects = sum(r, "first_loan_subjects")?;
    c.computed_first_loan_subjects = sum(r, "computed_first_loan_subjects")?;
    c.costed_amount = sum(r, "costed_amount")?;
    c.cost_weight = sum(r, "cost_weight")?;
    Ok(())
}

/// The additive credit and loan figures, named alike by the day rows and the events.
fn loan_figures(c: &mut Lending, r: &QueryResult) -> Result<(), sea_orm::DbErr> {
    c.credit_granted_count = sum(r, "granted_count")?;
    c.credit_granted_amount = sum(r, "granted_amount")?;
    c.disbursed_count = sum(r, "disbursed_count")?;
    c.disbursed_amount = sum(r, "disbursed_amount")?;
    c.credit_loan_amount = sum(r, "credit_amount")?;
    c.tax_based_loan_count = sum(r, "tax_count")?;
    c.tax_based_loan_amount = sum(r, "tax_amount")?;
    c.rated_amount = sum(r, "rated_amount")?;
    c.rate_weight = sum(r, "rate_weight")?;
    Ok(())
}

/// What a report needs over every group besides the groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whole {
    Nothing,
    /// The median over every group, in the row keyed [`WHOLE`].
    Median,
}

/// The key of the row holding the figures over every group, when [`Whole`] asks for them.
pub const WHOLE: &str = "*";

/// Run every family of the key concurrently, in one snapshot, and merge them by key.
pub async fn aggregate(snapshot: &Snapshot, w: &Window, key: Key, whole: Whole) -> AppResult<Rows> {
    let q = Queries { backend: snapshot.lane(0).get_database_backend(), w, key, whole, persons: false };
    let families = Family::for_key(key, whole, w.tax_grades);
    let results =
        try_join_all(families.iter().enumerate().map(|(lane, family)| q.run(snapshot.lane(lane), family.query(&q))))
            .await?;
    let mut rows = Rows::new();
    for (family, results) in families.iter().zip(results) {
        for r in &results {
            let k = match family {
                Family::WholeMedian => WHOLE.to_string(),
                Family::Median if r.try_get::<i32>("", "whole")? == 1 => WHOLE.to_string(),
                _ => match key {
                    Key::Bank => r.try_get::<Uuid>("", "k")?.to_string(),
                    Key::Total => String::new(),
                    _ => r.try_get::<Option<String>>("", "k")?.unwrap_or_default(),
                },
            };
            family.apply(rows.entry(k).or_default(), r)?;
        }
    }
    for counts in rows.values_mut() {
        counts.set_persons_apart();
    }
    Ok(rows)
}

/// Every figure over the whole window.
pub async fn totals(snapshot: &Snapshot, w: &Window) -> AppResult<Counts> {
    Ok(aggregate(snapshot, w, Key::Total, Whole::Nothing).await?.remove("").unwrap_or_default())
}

/// Per bank, its responses to the demands posted in the window that were accepted, and rejected, by the end.
pub async fn bank_decisions(snapshot: &Snapshot, w: &Window) -> AppResult<HashMap<InstitutionId, (i64, i64)>> {
    let conn = snapshot.lane(0);
    let q = Queries { backend: conn.get_database_backend(), w, key: Key::Bank, whole: Whole::Nothing, persons: false };
    let sql = "SELECT r.bank_id AS k,
                 SUM(CASE WHEN r.accepted_at < $2 THEN 1 ELSE 0 END) AS accepted,
                 SUM(CASE WHEN r.rejected_at < $2 THEN 1 ELSE 0 END) AS rejected
               FROM demands d JOIN bank_responses r ON r.demand_id = d.id
               WHERE d.posted_at >= $1 AND d.posted_at < $2 AND d.region_code LIKE $3 GROUP BY r.bank_id";
    let rows = q.run(conn, Some((sql.to_string(), vec![w.start.into(), w.end.into(), w.pattern()]))).await?;
    rows.iter().map(|r| Ok((r.try_get("", "k")?, (sum(r, "accepted")?, sum(r, "rejected")?)))).collect()
}

fn hours(r: &QueryResult) -> Result<Option<f64>, sea_orm::DbErr> {
    Ok(r.try_get::<Option<f64>>("", "median")?.map(|h| (h * 100.0).round() / 100.0))
}

fn sum(r: &QueryResult, column: &str) -> Result<i64, sea_orm::DbErr> {
    Ok(r.try_get::<Option<i64>>("", column)?.unwrap_or(0))
}

/// The statements of one aggregation.
#[derive(Clone, Copy)]
struct Queries<'a> {
    backend: DatabaseBackend,
    w: &'a Window,
    key: Key,
    whole: Whole,
    /// Whether the events are narrowed to natural persons' (see [`Queries::persons`]).
    persons: bool,
}

impl Queries<'_> {
    /// The same statements over natural persons' demands and responses only.
    fn persons(&self) -> Self {
        Self { persons: true, ..*self }
    }

    /// The condition narrowing rows whose subject is `subject` (a column) to natural persons' when asked.
    fn who(&self, subject: &str) -> String {
        if self.persons {
            format!("AND {subject} IN (SELECT id FROM subjects WHERE kind = '{}')", SubjectKind::NaturalPerson.as_str())
        } else {
            String::new()
        }
    }

    async fn run<C: ConnectionTrait>(&self, conn: &C, query: Query) -> AppResult<Vec<QueryResult>> {
        let Some((sql, values)) = query else { return Ok(Vec::new()) };
        Ok(conn.query_all_raw(crate::db::numbered(self.backend, &sql, values)).await?)
    }

    fn pattern(&self) -> Value {
        self.w.pattern()
    }

    /// The key expression over a table with `region` and `section` columns (or expressions).
    fn key(&self, region: &str, section: &str) -> String {
        match self.key {
            Key::Total => "''".to_string(),
            // Whole codes (towns) group by the column itself, so an index ordered by region needs no sort.
            Key::Region(n) if n >= REGION_CODE_LEN => region.to_string(),
            Key::Region(n) => format!("substr({region}, 1, {n})"),
            Key::Section => section.to_string(),
            Key::Bank => "r.bank_id".to_string(),
        }
    }

    fn group(&self, region: &str, section: &str) -> String {
        match self.key {
            Key::Total => String::new(),
            _ => format!("GROUP BY {}", self.key(region, section)),
        }
    }

    fn is_bank(&self) -> bool {
        self.key == Key::Bank
    }
}
