//! 首贷, computed: a disbursement is the borrower's first loan when the borrower had no earlier disbursement on
//! the platform and no loan in the imported history dated before the disbursement's day (Asia/Shanghai). The
//! bank's declaration (`bank_responses.first_loan`) is kept beside it; the two disagreeing is a mismatch the
//! bureau follows up. One SQL expression, for the ledger and the indicators by section or bank (definitions
//! v3); the indicators by region count the same set-based (`indicators::sql::days::borrowers`).

use sea_orm::DatabaseBackend;

/// Whether the disbursed response `r` (a `bank_responses` alias with `subject_id` and `disbursed_at`) is its
/// borrower's first loan; `s` is the borrower's `subjects` row.
pub fn computed(backend: DatabaseBackend, r: &str, s: &str) -> String {
    let day = day(backend, &format!("{r}.disbursed_at"));
    format!(
        "(NOT EXISTS (SELECT 1 FROM bank_responses earlier
                       WHERE earlier.subject_id = {r}.subject_id AND earlier.disbursed_at < {r}.disbursed_at)
          AND NOT EXISTS (SELECT 1 FROM loan_history h WHERE h.uscc = {s}.uscc AND h.loan_date < {day}))"
    )
}

/// The Asia/Shanghai day of the timestamp `at` (an expression), comparable with `loan_history.loan_date`.
pub fn day(backend: DatabaseBackend, at: &str) -> String {
    match backend {
        DatabaseBackend::Postgres => format!("({at} AT TIME ZONE 'Asia/Shanghai')::date"),
        _ => format!("date({at}, '+8 hours')"),
    }
}

/// The bank's declaration disagrees with the computed flag (a loan without a declaration declared no first loan).
pub fn mismatch(backend: DatabaseBackend, r: &str, s: &str) -> String {
    format!("(COALESCE({r}.first_loan, FALSE) <> {})", computed(backend, r, s))
}
