//! The indicator queries: one aggregation per family of events, the same SQL on PostgreSQL and SQLite
//! (placeholders and the median aside), each grouped by the report's key. Nothing is loaded row
//! by row: the database returns one row per group.
//!
//! | family | reads | figures |
//! |---|---|---|
//! | registry | `registry_counts` (latest snapshot ≤ `to` per county) | existingSubjects |
//! | subjects | `subject_counts` (days before `to`) | registered, verified |
//! | demands | `demands` posted in the period | posted, amount, responded, within SLA |
//! | median | the same demands' response hours (percentile_cont; a window on SQLite) | medianResponseHours |
//! | loans | `bank_responses` granted or disbursed in the period | credit, disbursement, 获贷/首贷, 银税, rate |
//! | breaches | first-response and credit-decision deadlines in the period | overdueResponses |
//! | objections | `objections` open at the period's end (or now) | open, overdue |

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DatabaseBackend, QueryResult, Value};
use uuid::Uuid;
use xyd_domain::InstitutionId;
use xyd_domain::RegionPrefix;
use xyd_domain::indicators::{Counts, Period};

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

/// The instants and filter of one aggregation.
#[derive(Debug, Clone)]
pub struct Window {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// When states (open objections, missed deadlines) are read: the end, or now if earlier.
    pub as_of: DateTime<Utc>,
    /// The `to` day: snapshots on or before it count, registrations on days before it.
    pub to: NaiveDate,
    /// Region code prefix; empty for everywhere.
    pub prefix: String,
}

impl Window {
    /// The window of `period` over the region `region` (everywhere when `None`), states read at `now` at the latest.
    pub fn new(period: &Period, region: Option<&RegionPrefix>, now: DateTime<Utc>) -> Self {
        Self {
            start: period.start(),
            end: period.end(),
            as_of: period.as_of(now),
            to: period.to(),
            prefix: region.map(|r| r.as_str().to_string()).unwrap_or_default(),
        }
    }

    /// The LIKE pattern of the region filter.
    fn pattern(&self) -> Value {
        format!("{}%", self.prefix).into()
    }
}

/// Counts per key (`""` for [`Key::Total`]; a bank id for [`Key::Bank`]).
pub type Rows = BTreeMap<String, Counts>;

/// Run every family concurrently, in one snapshot, and merge them by key.
pub async fn aggregate(snapshot: &Snapshot, w: &Window, key: Key) -> AppResult<Rows> {
    let q = Queries { backend: snapshot.lane(0).get_database_backend(), w, key };
    let (registry, subjects, demands, median, loans, late, objections, renewals) = tokio::try_join!(
        q.run(snapshot.lane(0), q.registry()),
        q.run(snapshot.lane(1), q.subjects()),
        q.run(snapshot.lane(2), q.demands()),
        q.run(snapshot.lane(3), q.median()),
        q.run(snapshot.lane(4), q.loans()),
        q.run(snapshot.lane(5), q.breaches()),
        q.run(snapshot.lane(6), q.objections()),
        q.run(snapshot.lane(7), q.renewals()),
    )?;
    let mut rows = Rows::new();
    merge(&mut rows, key, registry, |c, r| {
        c.existing_subjects = r.try_get::<Option<i64>>("", "existing")?;
        Ok(())
    })?;
    merge(&mut rows, key, subjects, |c, r| {
        c.registered_subjects = sum(r, "registered")?;
        c.verified_subjects = sum(r, "verified")?;
        Ok(())
    })?;
    merge(&mut rows, key, demands, |c, r| {
        c.demands_posted = sum(r, "posted")?;
        c.demand_amount = sum(r, "amount")?;
        c.responded_demands = sum(r, "responded")?;
        c.responded_within_sla = sum(r, "within_sla")?;
        Ok(())
    })?;
    merge(&mut rows, key, median, |c, r| {
        c.median_response_hours = hours(r)?;
        Ok(())
    })?;
    merge(&mut rows, key, loans, |c, r| {
        c.credit_granted_count = sum(r, "granted_count")?;
        c.credit_granted_amount = sum(r, "granted_amount")?;
        c.disbursed_count = sum(r, "disbursed_count")?;
        c.disbursed_amount = sum(r, "disbursed_amount")?;
        c.loan_obtaining_subjects = sum(r, "loan_subjects")?;
        c.credit_loan_amount = sum(r, "credit_amount")?;
        c.first_loan_subjects = sum(r, "first_loan_subjects")?;
        c.tax_based_loan_count = sum(r, "tax_count")?;
        c.tax_based_loan_amount = sum(r, "tax_amount")?;
        c.rated_amount = sum(r, "rated_amount")?;
        c.rate_weight = sum(r, "rate_weight")?;
        Ok(())
    })?;
    merge(&mut rows, key, late, |c, r| {
        c.overdue_responses += sum(r, "n")?;
        Ok(())
    })?;
    merge(&mut rows, key, objections, |c, r| {
        c.open_objections = sum(r, "open")?;
        c.overdue_objections = sum(r, "overdue")?;
        Ok(())
    })?;
    merge(&mut rows, key, renewals, |c, r| {
        c.renewal_requests = sum(r, "requests")?;
        c.renewals_approved = sum(r, "approved")?;
        Ok(())
    })?;
    Ok(rows)
}

/// Every figure over the whole window.
pub async fn totals(snapshot: &Snapshot, w: &Window) -> AppResult<Counts> {
    Ok(aggregate(snapshot, w, Key::Total).await?.remove("").unwrap_or_default())
}

/// The median response time over the whole window: the one figure of the totals that cannot be summed from
/// the rows of a partition.
pub async fn total_median(snapshot: &Snapshot, w: &Window) -> AppResult<Option<f64>> {
    let conn = snapshot.lane(1);
    let q = Queries { backend: conn.get_database_backend(), w, key: Key::Total };
    match q.run(conn, q.median()).await?.first() {
        Some(r) => Ok(hours(r)?),
        None => Ok(None),
    }
}

/// Per bank, its responses to the demands posted in the window that were accepted, and rejected, by the end.
pub async fn bank_decisions(snapshot: &Snapshot, w: &Window) -> AppResult<HashMap<InstitutionId, (i64, i64)>> {
    let conn = snapshot.lane(0);
    let q = Queries { backend: conn.get_database_backend(), w, key: Key::Bank };
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

fn merge(
    rows: &mut Rows,
    key: Key,
    results: Vec<QueryResult>,
    apply: impl Fn(&mut Counts, &QueryResult) -> Result<(), sea_orm::DbErr>,
) -> AppResult<()> {
    for r in &results {
        let k = match key {
            Key::Bank => r.try_get::<Uuid>("", "k")?.to_string(),
            Key::Total => String::new(),
            _ => r.try_get::<Option<String>>("", "k")?.unwrap_or_default(),
        };
        apply(rows.entry(k).or_default(), r)?;
    }
    Ok(())
}

/// A statement, or nothing when the family does not apply to the key.
type Query = Option<(String, Vec<Value>)>;

struct Queries<'a> {
    backend: DatabaseBackend,
    w: &'a Window,
    key: Key,
}

impl Queries<'_> {
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

    /// 存续 subjects of the latest snapshot on or before `to`, per county (counties import on their own dates).
    fn registry(&self) -> Query {
        if self.is_bank() {
            return None;
        }
        let sql = format!(
            "SELECT {k} AS k, CAST(SUM(c.existing) AS BIGINT) AS existing
             FROM registry_counts c
             JOIN (SELECT substr(region_code, 1, 6) AS county, MAX(snapshot_date) AS latest FROM registry_counts
                   WHERE snapshot_date <= $1 AND region_code LIKE $2 GROUP BY substr(region_code, 1, 6)) l
               ON l.county = substr(c.region_code, 1, 6) AND c.snapshot_date = l.latest
             WHERE c.region_code LIKE $2 {g}",
            k = self.key("c.region_code", "c.industry_section"),
            g = self.group("c.region_code", "c.industry_section"),
        );
        Some((sql, vec![self.w.to.into(), self.pattern()]))
    }

    fn subjects(&self) -> Query {
        if self.is_bank() {
            return None;
        }
        let sql = format!(
            "SELECT {k} AS k, CAST(SUM(c.registered) AS BIGINT) AS registered,
                    CAST(SUM(c.verified) AS BIGINT) AS verified
             FROM subject_counts c WHERE c.day < $1 AND c.region_code LIKE $2 {g}",
            k = self.key("c.region_code", "c.industry_section"),
            g = self.group("c.region_code", "c.industry_section"),
        );
        Some((sql, vec![self.w.to.into(), self.pattern()]))
    }

    /// Demands posted in the period (for a bank: those it responded to, judged by its own response).
    fn demands(&self) -> Query {
        let (from, first) = self.demand_source();
        let sql = format!(
            "SELECT {k} AS k, COUNT(*) AS posted, CAST(SUM(d.amount) AS BIGINT) AS amount,
                    SUM(CASE WHEN {first} < $2 THEN 1 ELSE 0 END) AS responded,
                    SUM(CASE WHEN {first} < $2 AND {first} <= d.first_response_due_at THEN 1 ELSE 0 END) AS within_sla
             FROM {from} WHERE d.posted_at >= $1 AND d.posted_at < $2 AND d.region_code LIKE $3 {g}",
            k = self.key("d.region_code", "d.industry_section"),
            g = self.group("d.region_code", "d.industry_section"),
        );
        Some((sql, vec![self.w.start.into(), self.w.end.into(), self.pattern()]))
    }

    /// The median of hours from posting to first response: the middle one or two values of each group.
    fn median(&self) -> Query {
        let (from, first) = self.demand_source();
        let filter = format!("d.posted_at >= $1 AND d.posted_at < $2 AND d.region_code LIKE $3 AND {first} < $2");
        let k = self.key("d.region_code", "d.industry_section");
        let sql = match self.backend {
            // An ordered-set aggregate sorts each group's hours alone: three times faster than the window below.
            // percentile_cont(0.5) interpolates halfway between the two middle values, the same median.
            DatabaseBackend::Postgres => format!(
                "SELECT {k} AS k, percentile_cont(0.5) WITHIN GROUP (
                   ORDER BY CAST(EXTRACT(EPOCH FROM ({first} - d.posted_at)) AS DOUBLE PRECISION) / 3600) AS median
                 FROM {from} WHERE {filter} {g}",
                g = self.group("d.region_code", "d.industry_section"),
            ),
            // SQLite has no percentile function: the middle one or two values of each group.
            _ => format!(
                "SELECT k, CAST(AVG(h) AS DOUBLE PRECISION) AS median FROM (
                   SELECT k, h, ROW_NUMBER() OVER (PARTITION BY k ORDER BY h) AS rn, COUNT(*) OVER (PARTITION BY k) AS n
                   FROM (SELECT {k} AS k, (julianday({first}) - julianday(d.posted_at)) * 24 AS h FROM {from}
                         WHERE {filter}) x
                 ) y WHERE rn = (n + 1) / 2 OR rn = (n + 2) / 2 GROUP BY k"
            ),
        };
        Some((sql, vec![self.w.start.into(), self.w.end.into(), self.pattern()]))
    }

    fn demand_source(&self) -> (&'static str, &'static str) {
        if self.is_bank() {
            ("demands d JOIN bank_responses r ON r.demand_id = d.id", "r.first_responded_at")
        } else {
            ("demands d", "d.first_responded_at")
        }
    }

    /// Credit grants and disbursements in the period, with their products. The responses carry their demand's
    /// subject, region and section; the inner grouping per subject makes 获贷/首贷 subjects distinct without a
    /// sort-based COUNT(DISTINCT).
    fn loans(&self) -> Query {
        let granted = "r.credit_granted_at >= $1 AND r.credit_granted_at < $2";
        let paid = "r.disbursed_at >= $1 AND r.disbursed_at < $2";
        let total = self.key == Key::Total;
        let sql = format!(
            "SELECT {outer} AS k,
               CAST(SUM(granted_count) AS BIGINT) AS granted_count,
               CAST(SUM(granted_amount) AS BIGINT) AS granted_amount,
               CAST(SUM(paid_count) AS BIGINT) AS disbursed_count,
               CAST(SUM(paid_amount) AS BIGINT) AS disbursed_amount,
               SUM(CASE WHEN paid_count > 0 THEN 1 ELSE 0 END) AS loan_subjects,
               CAST(SUM(credit_amount) AS BIGINT) AS credit_amount,
               SUM(CASE WHEN first_loans > 0 THEN 1 ELSE 0 END) AS first_loan_subjects,
               CAST(SUM(tax_count) AS BIGINT) AS tax_count,
               CAST(SUM(tax_amount) AS BIGINT) AS tax_amount,
               CAST(SUM(rated_amount) AS BIGINT) AS rated_amount,
               CAST(SUM(rate_weight) AS BIGINT) AS rate_weight
             FROM (
               SELECT {k} AS k,
                 SUM(CASE WHEN {granted} THEN 1 ELSE 0 END) AS granted_count,
                 SUM(CASE WHEN {granted} THEN r.credit_amount ELSE 0 END) AS granted_amount,
                 SUM(CASE WHEN {paid} THEN 1 ELSE 0 END) AS paid_count,
                 SUM(CASE WHEN {paid} THEN r.disbursed_amount ELSE 0 END) AS paid_amount,
                 SUM(CASE WHEN {paid} AND p.product_type = $4 THEN r.disbursed_amount ELSE 0 END) AS credit_amount,
                 SUM(CASE WHEN {paid} AND r.first_loan THEN 1 ELSE 0 END) AS first_loans,
                 SUM(CASE WHEN {paid} AND p.tax_based THEN 1 ELSE 0 END) AS tax_count,
                 SUM(CASE WHEN {paid} AND p.tax_based THEN r.disbursed_amount ELSE 0 END) AS tax_amount,
                 SUM(CASE WHEN {paid} AND r.credit_rate IS NOT NULL THEN r.disbursed_amount ELSE 0 END) AS rated_amount,
                 SUM(CASE WHEN {paid} AND r.credit_rate IS NOT NULL THEN r.disbursed_amount * r.credit_rate ELSE 0 END)
                   AS rate_weight
               FROM bank_responses r LEFT JOIN products p ON p.id = r.product_id
               WHERE r.credit_granted_at IS NOT NULL AND (({granted}) OR ({paid})) AND r.region_code LIKE $3
               GROUP BY {inner}
             ) per_subject {g}",
            k = self.key("r.region_code", "r.industry_section"),
            inner = if total {
                "r.subject_id".to_string()
            } else {
                format!("{}, r.subject_id", self.key("r.region_code", "r.industry_section"))
            },
            outer = if total { "''" } else { "k" },
            g = if total { "" } else { "GROUP BY k" },
        );
        let credit: sea_orm::Value = xyd_domain::ProductType::Credit.into();
        Some((sql, vec![self.w.start.into(), self.w.end.into(), self.pattern(), credit]))
    }

    /// SLA breaches whose deadline fell in [start, as of): a demand with no response by its first-response
    /// deadline (for a bank: its own late first responses), and an accepted response with no credit decision
    /// by its deadline — unless the demand was closed before the deadline.
    fn breaches(&self) -> Query {
        if self.w.as_of <= self.w.start {
            return None;
        }
        let first = if self.is_bank() {
            "SELECT r.bank_id AS k FROM demands d JOIN bank_responses r ON r.demand_id = d.id
             WHERE d.first_response_due_at >= $1 AND d.first_response_due_at < $2 AND d.region_code LIKE $3
               AND r.first_responded_at > d.first_response_due_at"
                .to_string()
        } else {
            format!(
                "SELECT {k} AS k FROM demands d
                 WHERE d.first_response_due_at >= $1 AND d.first_response_due_at < $2 AND d.region_code LIKE $3
                   AND (d.first_responded_at IS NULL OR d.first_responded_at > d.first_response_due_at)
                   AND (d.closed_at IS NULL OR d.closed_at > d.first_response_due_at)",
                k = self.key("d.region_code", "d.industry_section"),
            )
        };
        let sql = format!(
            "SELECT {outer} AS k, COUNT(*) AS n FROM (
               {first}
               UNION ALL
               SELECT {k} AS k FROM bank_responses r JOIN demands d ON d.id = r.demand_id
               WHERE r.credit_due_at >= $1 AND r.credit_due_at < $2 AND d.region_code LIKE $3
                 AND (r.credit_granted_at IS NULL OR r.credit_granted_at > r.credit_due_at)
                 AND (r.rejected_at IS NULL OR r.rejected_at > r.credit_due_at)
                 AND (d.closed_at IS NULL OR d.closed_at > r.credit_due_at)
             ) late {g}",
            k = self.key("d.region_code", "d.industry_section"),
            outer = if self.key == Key::Total { "''" } else { "k" },
            g = if self.key == Key::Total { "" } else { "GROUP BY k" },
        );
        Some((sql, vec![self.w.start.into(), self.w.as_of.into(), self.pattern()]))
    }

    /// (v2) Renewal and extension requests made in the period, and those of them approved by its end.
    fn renewals(&self) -> Query {
        let sql = format!(
            "SELECT {k} AS k, COUNT(*) AS requests,
                    SUM(CASE WHEN r.status = $4 AND r.decided_at < $2 THEN 1 ELSE 0 END) AS approved
             FROM renewals r WHERE r.requested_at >= $1 AND r.requested_at < $2 AND r.region_code LIKE $3 {g}",
            k = self.key("r.region_code", "r.industry_section"),
            g = self.group("r.region_code", "r.industry_section"),
        );
        let approved: sea_orm::Value = xyd_domain::RenewalStatus::Approved.into();
        Some((sql, vec![self.w.start.into(), self.w.end.into(), self.pattern(), approved]))
    }

    /// Objections open at the as-of instant, and those of them past their deadline.
    fn objections(&self) -> Query {
        if self.is_bank() {
            return None;
        }
        let section = "COALESCE(substr(s.industry_code, 1, 1), '')";
        let open = "(o.resolved_at IS NULL OR o.resolved_at >= $1)";
        let sql = format!(
            "SELECT {k} AS k, SUM(CASE WHEN {open} THEN 1 ELSE 0 END) AS open,
                    SUM(CASE WHEN {open} AND o.due_at < $1 THEN 1 ELSE 0 END) AS overdue
             FROM objections o JOIN subjects s ON s.id = o.subject_id
             WHERE o.filed_at < $1 AND s.region_code LIKE $2 {g}",
            k = self.key("s.region_code", section),
            g = self.group("s.region_code", section),
        );
        Some((sql, vec![self.w.as_of.into(), self.pattern()]))
    }
}
