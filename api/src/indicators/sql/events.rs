//! The families read from the event tables (and the per-subject summaries every key can use).

use chrono::{DateTime, Datelike, Utc};
use sea_orm::DatabaseBackend;

use super::{Key, Queries, Query, Whole};

impl Queries<'_> {
    /// 存续 subjects of the latest snapshot on or before `to`, per county (counties import on their own dates).
    pub(super) fn registry(&self) -> Query {
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

    pub(super) fn subjects(&self) -> Query {
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
    pub(super) fn demands(&self) -> Query {
        let (from, first) = self.demand_source();
        let sql = format!(
            "SELECT {k} AS k, COUNT(*) AS posted, CAST(SUM(d.amount) AS BIGINT) AS amount,
                    SUM(CASE WHEN {first} < $2 THEN 1 ELSE 0 END) AS responded,
                    SUM(CASE WHEN {first} < $2 AND {first} <= d.first_response_due_at THEN 1 ELSE 0 END) AS within_sla
             FROM {from} WHERE d.posted_at >= $1 AND d.posted_at < $2 AND d.region_code LIKE $3 {who} {g}",
            k = self.key("d.region_code", "d.industry_section"),
            g = self.group("d.region_code", "d.industry_section"),
            who = self.who("d.subject_id"),
        );
        Some((sql, vec![self.w.start.into(), self.w.end.into(), self.pattern()]))
    }

    /// The median of hours from posting to first response: the middle one or two values of each group. When the
    /// report asks for [`Whole::Median`], PostgreSQL adds the median over every group in the same pass (the row
    /// whose `whole` is 1).
    pub(super) fn median(&self) -> Query {
        let (from, first) = self.demand_source();
        let filter = format!("d.posted_at >= $1 AND d.posted_at < $2 AND d.region_code LIKE $3 AND {first} < $2");
        let k = self.key("d.region_code", "d.industry_section");
        let sql = match self.backend {
            // An ordered-set aggregate sorts each group's hours alone: three times faster than the window below.
            // percentile_cont(0.5) interpolates halfway between the two middle values, the same median.
            // date_part gives double precision (EXTRACT gives numeric, much slower to compute and sort).
            DatabaseBackend::Postgres => {
                let (whole_flag, g) = match (self.whole, self.key) {
                    (_, Key::Total) => ("0".to_string(), String::new()),
                    (Whole::Median, _) => (format!("GROUPING({k})"), format!("GROUP BY GROUPING SETS (({k}), ())")),
                    (Whole::Nothing, _) => ("0".to_string(), format!("GROUP BY {k}")),
                };
                format!(
                    "SELECT {k} AS k, {whole_flag} AS whole, percentile_cont(0.5) WITHIN GROUP (
                       ORDER BY date_part('epoch', {first} - d.posted_at) / 3600) AS median
                     FROM {from} WHERE {filter} {g}"
                )
            }
            // SQLite has no percentile function: the middle one or two values of each group (the whole median is
            // its own statement, see `whole_median`).
            _ => format!(
                "SELECT k, 0 AS whole, CAST(AVG(h) AS DOUBLE PRECISION) AS median FROM (
                   SELECT k, h, ROW_NUMBER() OVER (PARTITION BY k ORDER BY h) AS rn, COUNT(*) OVER (PARTITION BY k) AS n
                   FROM (SELECT {k} AS k, (julianday({first}) - julianday(d.posted_at)) * 24 AS h FROM {from}
                         WHERE {filter}) x
                 ) y WHERE rn = (n + 1) / 2 OR rn = (n + 2) / 2 GROUP BY k"
            ),
        };
        Some((sql, vec![self.w.start.into(), self.w.end.into(), self.pattern()]))
    }

    /// On SQLite, the median over every group as its own statement (PostgreSQL has it from [`Self::median`]).
    pub(super) fn whole_median(&self) -> Query {
        if self.backend == DatabaseBackend::Postgres {
            return None;
        }
        Queries { key: Key::Total, whole: Whole::Nothing, ..*self }.median()
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
    pub(super) fn loans(&self) -> Query {
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
               SUM(CASE WHEN computed_firsts > 0 THEN 1 ELSE 0 END) AS computed_first_loan_subjects,
               CAST(SUM(tax_count) AS BIGINT) AS tax_count,
               CAST(SUM(tax_amount) AS BIGINT) AS tax_amount,
               CAST(SUM(rated_amount) AS BIGINT) AS rated_amount,
               CAST(SUM(rate_weight) AS BIGINT) AS rate_weight,
               CAST(SUM(costed_amount) AS BIGINT) AS costed_amount,
               CAST(SUM(cost_weight) AS BIGINT) AS cost_weight
             FROM (
               SELECT {k} AS k,
                 SUM(CASE WHEN {granted} THEN 1 ELSE 0 END) AS granted_count,
                 SUM(CASE WHEN {granted} THEN r.credit_amount ELSE 0 END) AS granted_amount,
                 SUM(CASE WHEN {paid} THEN 1 ELSE 0 END) AS paid_count,
                 SUM(CASE WHEN {paid} THEN r.disbursed_amount ELSE 0 END) AS paid_amount,
                 SUM(CASE WHEN {paid} AND p.product_type = $4 THEN r.disbursed_amount ELSE 0 END) AS credit_amount,
                 SUM(CASE WHEN {paid} AND r.first_loan THEN 1 ELSE 0 END) AS first_loans,
                 SUM(CASE WHEN {paid} AND {computed} THEN 1 ELSE 0 END) AS computed_firsts,
                 SUM(CASE WHEN {paid} AND p.tax_based THEN 1 ELSE 0 END) AS tax_count,
                 SUM(CASE WHEN {paid} AND p.tax_based THEN r.disbursed_amount ELSE 0 END) AS tax_amount,
                 SUM(CASE WHEN {paid} AND r.credit_rate IS NOT NULL THEN r.disbursed_amount ELSE 0 END) AS rated_amount,
                 SUM(CASE WHEN {paid} AND r.credit_rate IS NOT NULL THEN r.disbursed_amount * r.credit_rate ELSE 0 END)
                   AS rate_weight,
                 SUM(CASE WHEN {paid} AND r.comprehensive_cost IS NOT NULL THEN r.disbursed_amount ELSE 0 END)
                   AS costed_amount,
                 SUM(CASE WHEN {paid} AND r.comprehensive_cost IS NOT NULL
                          THEN r.disbursed_amount * r.comprehensive_cost ELSE 0 END) AS cost_weight
               FROM bank_responses r LEFT JOIN products p ON p.id = r.product_id JOIN subjects s ON s.id = r.subject_id
               WHERE r.credit_granted_at IS NOT NULL AND (({granted}) OR ({paid})) AND r.region_code LIKE $3 {who}
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
            who = self.who("r.subject_id"),
            computed = crate::loans::first_loan::computed(self.backend, "r", "s"),
        );
        let credit: sea_orm::Value = xyd_domain::ProductType::Credit.into();
        Some((sql, vec![self.w.start.into(), self.w.end.into(), self.pattern(), credit]))
    }

    /// SLA breaches whose deadline fell in [from, until): a demand with no response by its first-response
    /// deadline (for a bank: its own late first responses), and an accepted response with no credit decision
    /// by its deadline — unless the demand was closed before the deadline.
    pub(super) fn breaches(&self, from: DateTime<Utc>, until: DateTime<Utc>) -> Query {
        if until <= from {
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
        Some((sql, vec![from.into(), until.into(), self.pattern()]))
    }

    /// (v2) Renewal and extension requests made in the period, and those of them approved by its end.
    pub(super) fn renewals(&self) -> Query {
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
    pub(super) fn objections(&self) -> Query {
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

    /// Registered market subjects by the grade of their latest tax year ended before `to` (a year's grade is
    /// published the next spring, so the year ending the day before `to` is the latest that can be known).
    pub(super) fn tax_grades(&self) -> Query {
        if self.is_bank() {
            return None;
        }
        let sql = format!(
            "SELECT k, grade, COUNT(*) AS n FROM (
               SELECT {k} AS k, t.grade AS grade,
                      ROW_NUMBER() OVER (PARTITION BY t.uscc ORDER BY t.year DESC) AS rn
               FROM subjects s JOIN tax_records t ON t.uscc = s.uscc
               WHERE s.registered_at < $1 AND t.year < $2 AND s.region_code LIKE $3
             ) latest WHERE rn = 1 GROUP BY k, grade",
            k = self.key("s.region_code", "COALESCE(substr(s.industry_code, 1, 1), '')"),
        );
        Some((sql, vec![self.w.end.into(), self.w.to.year().into(), self.pattern()]))
    }

    /// Natural persons registered, and verified, before the period's end.
    pub(super) fn person_subjects(&self) -> Query {
        if self.is_bank() {
            return None;
        }
        let section = "COALESCE(substr(s.industry_code, 1, 1), '')";
        let sql = format!(
            "SELECT {k} AS k, SUM(CASE WHEN s.registered_at < $1 THEN 1 ELSE 0 END) AS registered,
                    SUM(CASE WHEN s.verified_at < $1 THEN 1 ELSE 0 END) AS verified
             FROM subjects s WHERE s.kind = '{person}' AND s.region_code LIKE $2 {g}",
            k = self.key("s.region_code", section),
            g = self.group("s.region_code", section),
            // A literal, as `ix_subjects_persons` states it (a bound value would not match the partial index).
            person = xyd_domain::SubjectKind::NaturalPerson.as_str(),
        );
        Some((sql, vec![self.w.end.into(), self.pattern()]))
    }
}
