//! 还款计划: each month's payment of a credit grant, and what it costs in interest, so offers can be compared side
//! by side (货比三家).
//!
//! Rounding, stated once: the monthly rate is the annual rate / 12; each month's interest is the outstanding
//! balance × the monthly rate, rounded half up to the fen (四舍五入到分). 等额本息's level payment is
//! P·r·(1+r)ⁿ / ((1+r)ⁿ − 1) rounded half up to the fen; 等额本金's monthly principal is P / n rounded down
//! to the fen. The last month repays whatever principal is left, so the principal paid is always exactly P.

use crate::{Money, Rate, RepaymentMethod};

/// What an offer costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repayment {
    /// Principal and interest due in month 1.
    pub first_month_payment: Money,
    /// Interest over the whole term.
    pub total_interest: Money,
}

/// The repayment of `principal` at annual `rate` over `months` by `method` (see the module's rounding).
/// A term of 0 months is treated as 1.
pub fn repayment(principal: Money, rate: Rate, months: u16, method: RepaymentMethod) -> Repayment {
    let months = schedule(principal, rate, months, method);
    let total: i64 = months.iter().map(|m| m.interest).sum();
    Repayment {
        first_month_payment: Money::from_fen(months.first().map_or(0, |m| m.principal + m.interest)),
        total_interest: Money::from_fen(total),
    }
}

/// One month of a repayment schedule, in fen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Month {
    /// Principal repaid this month.
    pub principal: i64,
    /// Interest paid this month.
    pub interest: i64,
}

/// Each month's principal and interest of `principal` at annual `rate` over `months` by `method`, months 1 to n
/// (see the module's rounding). A term of 0 months is treated as 1.
pub fn schedule(principal: Money, rate: Rate, months: u16, method: RepaymentMethod) -> Vec<Month> {
    let n = i64::from(months.max(1));
    let p = principal.fen().max(0);
    let bp = i64::from(rate.bp().max(0));
    let level = match method {
        RepaymentMethod::EqualInstallment => level_payment(p, bp, n),
        RepaymentMethod::EqualPrincipal | RepaymentMethod::InterestFirst => 0,
    };
    let mut balance = p;
    (1..=n)
        .map(|month| {
            let interest = monthly_interest(balance, bp);
            let principal = if month == n {
                balance
            } else {
                match method {
                    RepaymentMethod::EqualInstallment => (level - interest).clamp(0, balance),
                    RepaymentMethod::EqualPrincipal => p / n,
                    RepaymentMethod::InterestFirst => 0,
                }
            };
            balance -= principal;
            Month { principal, interest }
        })
        .collect()
}

/// One month's interest on `balance` fen at `bp` basis points a year, rounded half up to the fen.
fn monthly_interest(balance: i64, bp: i64) -> i64 {
    let (num, den) = (i128::from(balance) * i128::from(bp), 120_000i128);
    ((2 * num + den) / (2 * den)) as i64
}

/// 等额本息's level payment, rounded half up to the fen; with a zero rate, P / n rounded up.
fn level_payment(p: i64, bp: i64, n: i64) -> i64 {
    if bp == 0 {
        return (p + n - 1) / n;
    }
    let r = bp as f64 / 120_000.0;
    let growth = (1.0 + r).powi(n as i32);
    let exact = p as f64 * r * growth / (growth - 1.0);
    (exact + 0.5).floor() as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// 1,000,000 yuan, 12 months, 3.85% a year; computed by hand (Python `decimal`, 60 digits).
    fn million() -> (Money, Rate) {
        (Money::from_fen(100_000_000), Rate::from_bp(385).unwrap())
    }

    #[test]
    fn equal_installment_by_hand() {
        let (p, r) = million();
        let got = repayment(p, r, 12, RepaymentMethod::EqualInstallment);
        assert_eq!(got.first_month_payment, Money::from_fen(8_508_139)); // 85,081.39 yuan
        assert_eq!(got.total_interest, Money::from_fen(2_097_663)); // 20,976.63 yuan
    }

    #[test]
    fn equal_principal_by_hand() {
        let (p, r) = million();
        let got = repayment(p, r, 12, RepaymentMethod::EqualPrincipal);
        assert_eq!(got.first_month_payment, Money::from_fen(8_654_166)); // 83,333.33 + 3,208.33
        assert_eq!(got.total_interest, Money::from_fen(2_085_416)); // 20,854.16 yuan
    }

    #[test]
    fn interest_first_by_hand() {
        let (p, r) = million();
        let got = repayment(p, r, 12, RepaymentMethod::InterestFirst);
        assert_eq!(got.first_month_payment, Money::from_fen(320_833)); // 3,208.33 yuan
        assert_eq!(got.total_interest, Money::from_fen(3_849_996)); // 12 × 3,208.33
    }

    #[test]
    fn a_single_month_repays_everything_at_once() {
        let (p, r) = million();
        for method in RepaymentMethod::ALL {
            let got = repayment(p, r, 1, *method);
            assert_eq!(got.total_interest, Money::from_fen(320_833));
            assert_eq!(got.first_month_payment, Money::from_fen(100_320_833));
        }
    }

    proptest! {
        #[test]
        fn interest_first_costs_most_and_equal_principal_least(
            fen in 100_000i64..10_000_000_000, bp in 1i32..2400, months in 2u16..=360,
        ) {
            let (p, r) = (Money::from_fen(fen), Rate::from_bp(bp).unwrap());
            let cost = |m| repayment(p, r, months, m).total_interest.fen();
            let (installment, principal, interest_first) = (
                cost(RepaymentMethod::EqualInstallment),
                cost(RepaymentMethod::EqualPrincipal),
                cost(RepaymentMethod::InterestFirst),
            );
            // Rounding may move each by a few fen a month.
            let slack = i64::from(months);
            prop_assert!(principal <= installment + slack);
            prop_assert!(installment <= interest_first + slack);
            prop_assert!(installment >= 0);
        }
    }
}
