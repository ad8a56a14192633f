//! 续贷 / 展期: near maturity of a disbursed loan the enterprise asks its lending bank to renew it (无还本续贷) or
//! extend it (展期); only that bank decides, within a working-day SLA.

use chrono::{DateTime, Duration, Months, Utc};
use xyd_reasons::Reason;

use crate::written_reason::written_reason;
use crate::{DomainError, Money, RenewalKind};

/// How many days before maturity a request may be made, by default.
pub const DEFAULT_WINDOW_DAYS: i64 = 90;
/// The bank's decision is due this many working days after the request, by default.
pub const DEFAULT_DECISION_WORKING_DAYS: u32 = 10;

/// When a loan disbursed at `disbursed_at` for `term_months` falls due.
pub fn maturity(disbursed_at: DateTime<Utc>, term_months: u32) -> DateTime<Utc> {
    disbursed_at.checked_add_months(Months::new(term_months)).unwrap_or(disbursed_at)
}

/// A request at `now` is allowed from `window_days` before `maturity` until maturity itself.
pub fn ensure_in_window(now: DateTime<Utc>, maturity: DateTime<Utc>, window_days: i64) -> Result<(), DomainError> {
    let opens = maturity - Duration::days(window_days);
    if now < opens {
        let day = super::local_date(opens);
        return Err(DomainError::refused(Reason::RenewalTooEarly { window_days, day: day.to_string() }));
    }
    if now > maturity {
        return Err(DomainError::refused(Reason::LoanMatured));
    }
    Ok(())
}

/// A valid request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRenewal {
    /// 续贷 or 展期.
    pub kind: RenewalKind,
    /// Positive, at most the amount lent.
    pub amount: Money,
    /// 1 to 360 months.
    pub term_months: u16,
    /// Why, 2 to 500 characters (trimmed).
    pub reason: String,
}

impl NewRenewal {
    /// Validates a request on a loan of `lent`; errors name `amount`, `termMonths` or `reason`.
    pub fn parse(
        kind: RenewalKind,
        amount: Money,
        term_months: i32,
        reason: &str,
        lent: Money,
    ) -> Result<Self, DomainError> {
        if !amount.is_positive() || amount > lent {
            return Err(DomainError::invalid("amount", Reason::RenewalAmount));
        }
        let term_months = u16::try_from(term_months)
            .ok()
            .filter(|t| (1..=360).contains(t))
            .ok_or_else(|| DomainError::invalid("termMonths", Reason::RenewalTerm))?;
        let reason = written_reason(reason, "reason", Reason::InvalidRenewalReason)?;
        Ok(Self { kind, amount, term_months, reason })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn the_window_opens_before_maturity_and_closes_at_it() {
        let due = maturity(at("2025-12-15T02:00:00Z"), 12);
        assert_eq!(due, at("2026-12-15T02:00:00Z"));
        assert_eq!(ensure_in_window(at("2026-09-15T01:00:00Z"), due, 90).unwrap_err().code(), "RENEWAL_TOO_EARLY");
        assert!(ensure_in_window(at("2026-09-16T03:00:00Z"), due, 90).is_ok());
        assert!(ensure_in_window(due, due, 90).is_ok());
        assert_eq!(ensure_in_window(due + Duration::seconds(1), due, 90).unwrap_err().code(), "LOAN_MATURED");
    }

    #[test]
    fn a_request_is_checked_against_the_loan() {
        let lent = Money::from_fen(100_000_000);
        assert!(NewRenewal::parse(RenewalKind::Renewal, lent, 12, "周转需要", lent).is_ok());
        let field = |r: Result<NewRenewal, DomainError>| match r {
            Err(DomainError::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(NewRenewal::parse(RenewalKind::Renewal, Money::from_fen(100_000_001), 12, "周转", lent)),
            "amount"
        );
        assert_eq!(field(NewRenewal::parse(RenewalKind::Extension, lent, 0, "周转", lent)), "termMonths");
        assert_eq!(field(NewRenewal::parse(RenewalKind::Extension, lent, 12, " 急 ", lent)), "reason");
    }
}
