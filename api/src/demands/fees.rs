//! A credit grant's fees as stored (`bank_responses.fees`: a JSON array, amounts in fen) and shown, and its
//! 年化综合融资成本 (`xyd_domain::loan::cost`), computed once, when the credit is granted, and kept with it
//! (`bank_responses.comprehensive_cost`): the offer, the loan and the indicators read what was kept.

use async_graphql::{InputObject, SimpleObject};
use serde::{Deserialize, Serialize};
use xyd_domain::loan::{Fee, comprehensive_cost};
use xyd_domain::{FeeKind, FeeTiming, Money, Rate, RepaymentMethod};

use super::entity::response;
use crate::error::{AppError, AppResult};
use crate::graphql::{GqlFeeKind, GqlFeeTiming, GqlMoney};

/// A fee charged with the credit besides its interest.
#[derive(InputObject, Clone, Debug)]
#[graphql(name = "FeeInput")]
pub struct FeeInput {
    /// 费用类别。
    pub kind: GqlFeeKind,
    /// 每次收取的金额（元），大于 0。
    pub amount: GqlMoney,
    /// 放款时扣收（UPFRONT），或每个贷款年度开始时收取（ANNUAL）。
    pub timing: GqlFeeTiming,
    /// 收费方（如担保公司、保险公司、本行），1–100 个字。
    pub payee: String,
}

impl From<FeeInput> for Fee {
    fn from(f: FeeInput) -> Self {
        Fee { kind: f.kind.into(), amount: f.amount.0, timing: f.timing.into(), payee: f.payee }
    }
}

/// A fee of a credit grant.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(name = "Fee")]
pub struct FeeView {
    /// 费用类别。
    pub kind: GqlFeeKind,
    /// 每次收取的金额（元）。
    pub amount: GqlMoney,
    /// 收取方式。
    pub timing: GqlFeeTiming,
    /// 收费方。
    pub payee: String,
}

impl From<&Fee> for FeeView {
    fn from(f: &Fee) -> Self {
        Self { kind: f.kind.into(), amount: GqlMoney(f.amount), timing: f.timing.into(), payee: f.payee.clone() }
    }
}

/// One stored fee.
#[derive(Serialize, Deserialize)]
struct Stored {
    kind: FeeKind,
    fen: i64,
    timing: FeeTiming,
    payee: String,
}

/// `fees` as stored: `None` for none. (Strings, integers and names of variants always serialize.)
pub fn encode(fees: &[Fee]) -> Option<String> {
    if fees.is_empty() {
        return None;
    }
    let stored: Vec<Stored> = fees
        .iter()
        .map(|f| Stored { kind: f.kind, fen: f.amount.fen(), timing: f.timing, payee: f.payee.clone() })
        .collect();
    serde_json::to_string(&stored).ok()
}

/// The fees of a stored response.
pub fn of(row: &response::Model) -> AppResult<Vec<Fee>> {
    let Some(text) = row.fees.as_deref() else { return Ok(Vec::new()) };
    let stored: Vec<Stored> = serde_json::from_str(text).map_err(|e| AppError::internal("stored fees", e))?;
    Ok(stored
        .into_iter()
        .map(|s| Fee { kind: s.kind, amount: Money::from_fen(s.fen), timing: s.timing, payee: s.payee })
        .collect())
}

/// The terms of a credit grant that its cost depends on.
#[derive(Debug, Clone, Copy)]
pub struct Terms {
    pub amount: Money,
    pub rate: Rate,
    pub months: u16,
    pub method: RepaymentMethod,
}

impl Terms {
    /// The granted terms of `row`; `None` before credit is granted.
    pub fn of(row: &response::Model) -> AppResult<Option<Self>> {
        let (Some(amount), Some(rate), Some(term)) = (row.credit_amount, row.credit_rate, row.credit_term) else {
            return Ok(None);
        };
        Ok(Some(Self {
            amount: Money::from_fen(amount),
            rate: Rate::from_bp(rate).map_err(|e| AppError::internal("credit rate", e))?,
            months: u16::try_from(term).map_err(|e| AppError::internal("credit term", e))?,
            method: row.repayment_method.unwrap_or(RepaymentMethod::EqualInstallment),
        }))
    }

    /// The 年化综合融资成本 of these terms with `fees`: BAD_USER_INPUT on `input.fees` when it is over 100% a year.
    pub fn cost(&self, fees: &[Fee]) -> AppResult<Rate> {
        comprehensive_cost(self.amount, self.rate, self.months, self.method, fees)
            .ok_or_else(|| AppError::input("input.fees", xyd_reasons::Reason::CostOverHundred))
    }
}

/// The kept 年化综合融资成本 of a granted response: a grant made before costs were kept had no fees, so its
/// cost is its rate.
pub fn kept_cost(row: &response::Model, terms: &Terms) -> AppResult<Rate> {
    match row.comprehensive_cost {
        Some(bp) => Rate::from_bp(bp).map_err(|e| AppError::internal("comprehensive cost", e)),
        None => Ok(terms.rate),
    }
}
