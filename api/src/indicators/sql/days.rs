//! The families of a report by region (or of the totals) that read the day rows of `indicator_days`
//! (migration `m20261128_000015_indicator_days`), and the two the day rows cannot answer: demands answered
//! only after the period (counted as answered on their posting day) and distinct borrowers.

use super::{Queries, Query};

impl Queries<'_> {
    /// The additive flows of the period's days. Missed deadlines count for the days before the as-of day
    /// (their deadlines are over and their state final); the as-of day's are read from the events.
    pub(super) fn days(&self) -> Query {
        // (day row column, the name the events give the figure)
        let figures = [
            ("posted", "posted"),
            ("amount", "amount"),
            ("responded", "responded"),
            ("within_sla", "within_sla"),
            ("granted", "granted_count"),
            ("granted_amount", "granted_amount"),
            ("paid", "disbursed_count"),
            ("paid_amount", "disbursed_amount"),
            ("credit_amount", "credit_amount"),
            ("tax_count", "tax_count"),
            ("tax_amount", "tax_amount"),
            ("rated_amount", "rated_amount"),
            ("rate_weight", "rate_weight"),
        ];
        let sql = format!(
            "SELECT {k} AS k, {figures},
               CAST(SUM(CASE WHEN c.day < $3 THEN c.late_first + c.late_credit ELSE 0 END) AS BIGINT) AS late
             FROM indicator_days c WHERE c.day >= $1 AND c.day < $2 AND c.region_code LIKE $4 {g}",
            k = self.key("c.region_code", "''"),
            g = self.group("c.region_code", "''"),
            figures = figures.map(|(column, name)| format!("CAST(SUM(c.{column}) AS BIGINT) AS {name}")).join(", "),
        );
        Some((sql, vec![self.w.from.into(), self.w.to.into(), self.w.as_of_day().into(), self.pattern()]))
    }

    /// Demands posted in the period whose first answer came at or after its end: the day rows count them as
    /// answered (on their posting day), the period does not.
    pub(super) fn late_answers(&self) -> Query {
        let sql = format!(
            "SELECT {k} AS k, COUNT(*) AS responded,
                    SUM(CASE WHEN d.first_responded_at <= d.first_response_due_at THEN 1 ELSE 0 END) AS within_sla
             FROM demands d WHERE d.first_responded_at >= $2 AND d.posted_at >= $1 AND d.posted_at < $2
               AND d.region_code LIKE $3 {g}",
            k = self.key("d.region_code", "''"),
            g = self.group("d.region_code", "''"),
        );
        Some((sql, vec![self.w.start.into(), self.w.end.into(), self.pattern()]))
    }

    /// 获贷 and 首贷 subjects: distinct subjects with a disbursement in the period, grouped per subject first
    /// (cheaper than a sort-based COUNT(DISTINCT)); 首贷 as the banks declared it and as computed
    /// (`loans::first_loan`), set-based: a subject's first disbursement of the period is its first loan when it
    /// had no disbursement before the period (one hashed set) and no history loan before that day (the history
    /// aggregated per subject, joined once). Each subject is in one row here, so its first disbursement of the
    /// period is its own. With (v3) the disbursements' comprehensive costs.
    pub(super) fn borrowers(&self) -> Query {
        let total = self.key == super::Key::Total;
        let k = self.key("r.region_code", "''");
        let sql = format!(
            "SELECT {outer} AS k, COUNT(*) AS loan_subjects,
                    SUM(CASE WHEN first_loans > 0 THEN 1 ELSE 0 END) AS first_loan_subjects,
                    SUM(CASE WHEN per_subject.subject_id NOT IN (
                               SELECT e.subject_id FROM bank_responses e
                               WHERE e.disbursed_at < $1 AND e.subject_id IS NOT NULL)
                             AND (history.first_day IS NULL OR history.first_day >= {first_day})
                        THEN 1 ELSE 0 END) AS computed_first_loan_subjects,
                    CAST(SUM(costed_amount) AS BIGINT) AS costed_amount,
                    CAST(SUM(cost_weight) AS BIGINT) AS cost_weight
             FROM (
               SELECT {k} AS k, r.subject_id AS subject_id, MIN(r.disbursed_at) AS first_at,
                      SUM(CASE WHEN r.first_loan THEN 1 ELSE 0 END) AS first_loans,
                      SUM(CASE WHEN r.comprehensive_cost IS NOT NULL THEN r.disbursed_amount ELSE 0 END) AS costed_amount,
                      SUM(CASE WHEN r.comprehensive_cost IS NOT NULL THEN r.disbursed_amount * r.comprehensive_cost
                               ELSE 0 END) AS cost_weight
               FROM bank_responses r
               WHERE r.disbursed_at >= $1 AND r.disbursed_at < $2 AND r.credit_granted_at IS NOT NULL
                 AND r.region_code LIKE $3
               GROUP BY {inner}
             ) per_subject
             LEFT JOIN (SELECT s.id AS subject_id, MIN(h.loan_date) AS first_day
                        FROM loan_history h JOIN subjects s ON s.uscc = h.uscc GROUP BY s.id) history
               ON history.subject_id = per_subject.subject_id
             {g}",
            first_day = crate::loans::first_loan::day(self.backend, "per_subject.first_at"),
            inner = if total { "r.subject_id".to_string() } else { format!("{k}, r.subject_id") },
            outer = if total { "''" } else { "k" },
            g = if total { "" } else { "GROUP BY k" },
        );
        Some((sql, vec![self.w.start.into(), self.w.end.into(), self.pattern()]))
    }
}
