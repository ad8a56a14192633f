//! 年化综合融资成本 (the whole annual cost of a loan), by the IRR method the PBOC's 2021 announcement on annualized
//! loan rates describes, with simple annualization: the monthly internal rate of return of the borrower's cash
//! flows times 12, rounded half up to the basis point (0.01 percentage point).
//!
//! The borrower's cash flows, in fen, month by month:
//! - month 0: the amount received, less the fees deducted at disbursement (UPFRONT) and the annual fees of the
//!   first loan year;
//! - month m (1 to n): the instalment of the repayment schedule ([`super::schedule`]), and at the start of each
//!   later loan year begun within the term (months 12, 24, …) the annual fees again.
//!
//! Without fees the cost is the contract rate itself: the schedule's rounding to the fen moves its IRR by far
//! less than a basis point, and the rate is what the borrower agreed to.

use xyd_reasons::Reason;

use super::schedule::schedule;
use crate::{DomainError, FeeKind, FeeTiming, Money, Rate, RepaymentMethod};

/// The most fees one credit grant carries.
pub const MAX_FEES: usize = 10;

/// How many characters a fee's payee has, trimmed.
const PAYEE_CHARS: std::ops::RangeInclusive<usize> = 1..=100;

/// A fee charged with a loan, besides its interest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fee {
    /// 担保费, 服务费, 保险费, 评估费 or other.
    pub kind: FeeKind,
    /// Each time it is charged.
    pub amount: Money,
    /// Deducted at disbursement, or due at the start of each loan year.
    pub timing: FeeTiming,
    /// Who receives it (the guarantor, the bank, the insurer …).
    pub payee: String,
}

/// The fees of a grant of `principal`, checked: each amount positive, each payee named (1 to 100 characters,
/// trimmed), at most [`MAX_FEES`], and what is deducted at disbursement (with the first year's annual fees)
/// less than the principal. Errors are on `fees`, naming the fee by its position (from 1).
pub fn fees(raw: Vec<Fee>, principal: Money) -> Result<Vec<Fee>, DomainError> {
    if raw.len() > MAX_FEES {
        return Err(DomainError::invalid("fees", Reason::TooManyFees { max: MAX_FEES }));
    }
    let mut checked = Vec::with_capacity(raw.len());
    for (i, fee) in raw.into_iter().enumerate() {
        if !fee.amount.is_positive() {
            return Err(DomainError::invalid("fees", Reason::FeeAmount { n: i + 1 }));
        }
        let payee = fee.payee.trim().to_string();
        if !PAYEE_CHARS.contains(&payee.chars().count()) || payee.chars().any(char::is_control) {
            return Err(DomainError::invalid("fees", Reason::FeePayee { n: i + 1 }));
        }
        checked.push(Fee { payee, ..fee });
    }
    let at_start: i64 = checked.iter().map(|f| f.amount.fen()).sum();
    if at_start >= principal.fen() {
        let (fees, amount) = (Money::from_fen(at_start).to_yuan_string(), principal.to_yuan_string());
        return Err(DomainError::invalid("fees", Reason::FeesExceedAmount { fees, amount }));
    }
    Ok(checked)
}

/// The 年化综合融资成本 of `principal` at annual `rate` over `months` by `method` with `fees` (checked by
/// [`fees`]); `None` when it is over 100% a year, which no rate can say.
pub fn comprehensive_cost(
    principal: Money,
    rate: Rate,
    months: u16,
    method: RepaymentMethod,
    fees: &[Fee],
) -> Option<Rate> {
    if fees.is_empty() {
        return Some(rate);
    }
    let flows = cash_flows(principal, rate, months, method, fees);
    let monthly = irr(&flows)?;
    let bp = (monthly * 12.0 * 10_000.0 + 0.5).floor();
    Rate::from_bp(bp as i32).ok().filter(|_| bp.is_finite() && bp >= 0.0)
}

/// The borrower's cash flows in fen, month 0 to n (see the module).
fn cash_flows(principal: Money, rate: Rate, months: u16, method: RepaymentMethod, fees: &[Fee]) -> Vec<i64> {
    let (upfront, annual) = fees.iter().fold((0, 0), |(u, a), f| match f.timing {
        FeeTiming::Upfront => (u + f.amount.fen(), a),
        FeeTiming::Annual => (u, a + f.amount.fen()),
    });
    let mut flows = vec![principal.fen() - upfront - annual];
    flows.extend(schedule(principal, rate, months, method).iter().map(|m| -(m.principal + m.interest)));
    let n = flows.len() - 1;
    for year_start in (12..n).step_by(12) {
        flows[year_start] -= annual;
    }
    flows
}

/// The monthly rate at which the flows' present value is zero, by bisection: with one inflow first and outflows
/// after, the present value rises with the rate, so the root is unique. `None` when it is not in (−99%, 100%].
fn irr(flows: &[i64]) -> Option<f64> {
    let npv = |r: f64| flows.iter().rev().fold(0.0, |acc, &f| acc / (1.0 + r) + f as f64);
    let (mut lo, mut hi) = (-0.99_f64, 1.0_f64);
    if npv(lo) > 0.0 || npv(hi) < 0.0 {
        return None;
    }
    for _ in 0..200 {
        let mid = (lo + hi) / 2.0;
        if npv(mid) > 0.0 {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Some((lo + hi) / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn million() -> (Money, Rate) {
        (Money::from_fen(100_000_000), Rate::from_bp(385).unwrap())
    }

    fn fee(timing: FeeTiming, yuan: i64) -> Fee {
        Fee {
            kind: FeeKind::Guarantee,
            amount: Money::from_fen(yuan * 100),
            timing,
            payee: "湛江市融资担保有限公司".into(),
        }
    }

    /// `method`'s cost in percent, 1,000,000 yuan at 3.85%, over `months` with `fees`.
    fn cost(method: RepaymentMethod, months: u16, fees: &[Fee]) -> String {
        let (p, r) = million();
        comprehensive_cost(p, r, months, method, fees).unwrap().to_string()
    }

    /// Computed by hand: the same flows' IRR with Python's `decimal` at 60 digits, by bisection, × 12, rounded
    /// half up to 0.01.
    #[test]
    fn each_method_with_and_without_fees_by_hand() {
        use FeeTiming::*;
        use RepaymentMethod::*;
        let upfront = [fee(Upfront, 10_000)];
        let annual = [fee(Annual, 5_000)];
        let both = [fee(Upfront, 3_000), fee(Annual, 5_000)];
        let by_hand = [
            (EqualInstallment, "3.85", "5.73", "4.81", "5.10"),
            (EqualPrincipal, "3.85", "5.74", "4.82", "5.12"),
            (InterestFirst, "3.85", "4.88", "4.36", "4.52"),
        ];
        for (method, free, with_upfront, with_annual, with_both) in by_hand {
            assert_eq!(cost(method, 12, &[]), free, "{method:?} fee-free is the contract rate");
            assert_eq!(cost(method, 12, &upfront), with_upfront, "{method:?}, 12 months, 10,000 upfront");
            assert_eq!(cost(method, 24, &annual), with_annual, "{method:?}, 24 months, 5,000 a year");
            assert_eq!(cost(method, 24, &both), with_both, "{method:?}, 24 months, 3,000 upfront and 5,000 a year");
        }
    }

    #[test]
    fn without_fees_the_irr_is_the_contract_rate() {
        let (p, _) = million();
        for method in RepaymentMethod::ALL {
            for (bp, months) in [(385, 12), (435, 36), (1, 6), (2400, 360)] {
                let rate = Rate::from_bp(bp).unwrap();
                let monthly = irr(&cash_flows(p, rate, months, *method, &[])).unwrap();
                assert!((monthly * 120_000.0 - f64::from(bp)).abs() < 0.01, "{method:?} {bp}bp {months}m: {monthly}");
            }
        }
    }

    #[test]
    fn fees_are_checked() {
        let (p, _) = million();
        let code = |raw: Vec<Fee>| fees(raw, p).unwrap_err();
        let err = code(vec![fee(FeeTiming::Upfront, 0)]);
        assert_eq!((err.code(), err.to_string()), ("INVALID_FEE", "第1项费用的金额必须大于0元".to_string()));
        let err = code(vec![fee(FeeTiming::Upfront, 1), Fee { payee: "  ".into(), ..fee(FeeTiming::Annual, 1) }]);
        assert_eq!(err.to_string(), "第2项费用的收费方应为1至100个字");
        assert_eq!(code(vec![fee(FeeTiming::Annual, 1); 11]).to_string(), "每笔授信的费用最多10项");
        let err = code(vec![fee(FeeTiming::Upfront, 600_000), fee(FeeTiming::Annual, 400_000)]);
        assert!(err.to_string().contains("1000000.00"), "{err}");
        let kept = fees(vec![Fee { payee: " 担保公司 ".into(), ..fee(FeeTiming::Upfront, 1) }], p).unwrap();
        assert_eq!(kept[0].payee, "担保公司");
    }

    #[test]
    fn a_cost_over_a_hundred_percent_is_none() {
        let (p, r) = million();
        let heavy = [fee(FeeTiming::Upfront, 500_000)];
        assert_eq!(comprehensive_cost(p, r, 1, RepaymentMethod::InterestFirst, &heavy), None);
    }
}
