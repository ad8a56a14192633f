//! 发布融资需求: a demand as the enterprise enters it, validated once ([`NewDemand::parse`]) like products
//! are ([`crate::ProductSpec::parse`]).

use chrono::{DateTime, Duration, Utc};
use xyd_reasons::Reason;

use crate::{DataCategory, DomainError, Money, ProductId, ProductType, Rate};

/// The largest amount a demand may ask for: 10亿元, in fen.
pub const MAX_AMOUNT_FEN: i64 = 100_000_000_000;
/// The longest term a demand may ask for, in months.
pub const MAX_TERM_MONTHS: i32 = 360;
/// How far ahead a demand may stay open, in days.
pub const MAX_VALIDITY_DAYS: i64 = 180;

/// A demand as entered (scalars already parsed), not yet validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemandInput {
    /// 融资金额.
    pub amount: Money,
    /// 融资期限, months.
    pub term_months: i32,
    /// 资金用途.
    pub purpose: String,
    /// 可接受的担保方式.
    pub guarantee_types: Vec<ProductType>,
    /// 可接受的最高年利率.
    pub max_rate: Option<Rate>,
    /// 截止时间; the configured validity from now when absent.
    pub expires_at: Option<DateTime<Utc>>,
    /// The products the demand applies for (empty: an open demand).
    pub target_product_ids: Vec<ProductId>,
    /// Categories shared with every bank that accepts.
    pub share_with_responders: Vec<DataCategory>,
}

/// The platform's limits a demand is checked against (from configuration).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemandRules {
    /// 利率上限: no demand may accept a rate above it.
    pub max_rate: Rate,
    /// How long a demand stays open when the enterprise names no expiry.
    pub default_validity_days: i64,
}

/// A valid demand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDemand {
    /// 融资金额, positive and at most [`MAX_AMOUNT_FEN`].
    pub amount: Money,
    /// 融资期限, 1 to [`MAX_TERM_MONTHS`] months.
    pub term_months: u16,
    /// 资金用途, trimmed, 2 to 500 characters.
    pub purpose: String,
    /// At least one type.
    pub guarantee_types: Vec<ProductType>,
    /// Positive, at most the rate ceiling.
    pub max_rate: Option<Rate>,
    /// In the future, at most [`MAX_VALIDITY_DAYS`] ahead.
    pub expires_at: DateTime<Utc>,
    /// The products applied for.
    pub target_product_ids: Vec<ProductId>,
    /// Categories shared with every bank that accepts.
    pub share_with_responders: Vec<DataCategory>,
}

impl NewDemand {
    /// Validates `input` at `now`; errors name the input field (camelCase) at fault.
    pub fn parse(input: DemandInput, rules: &DemandRules, now: DateTime<Utc>) -> Result<Self, DomainError> {
        let DemandInput {
            amount,
            term_months,
            purpose,
            guarantee_types,
            max_rate,
            expires_at,
            target_product_ids,
            share_with_responders,
        } = input;
        if !amount.is_positive() || amount.fen() > MAX_AMOUNT_FEN {
            return Err(DomainError::invalid("amount", Reason::DemandAmount));
        }
        let term_months = u16::try_from(term_months)
            .ok()
            .filter(|t| (1..=MAX_TERM_MONTHS).contains(&i32::from(*t)))
            .ok_or_else(|| DomainError::invalid("termMonths", Reason::DemandTerm))?;
        let purpose = purpose.trim().to_string();
        if !(2..=500).contains(&purpose.chars().count()) {
            return Err(DomainError::invalid("purpose", Reason::InvalidPurpose));
        }
        if guarantee_types.is_empty() {
            return Err(DomainError::invalid("guaranteeTypes", Reason::GuaranteeTypesRequired));
        }
        if max_rate.is_some_and(|r| r.bp() <= 0 || r.bp() > rules.max_rate.bp()) {
            return Err(DomainError::invalid("maxRate", Reason::MaxRate));
        }
        let expires_at = expires_at.unwrap_or(now + Duration::days(rules.default_validity_days));
        if expires_at <= now || expires_at > now + Duration::days(MAX_VALIDITY_DAYS) {
            return Err(DomainError::invalid("expiresAt", Reason::InvalidExpiry));
        }
        Ok(Self {
            amount,
            term_months,
            purpose,
            guarantee_types,
            max_rate,
            expires_at,
            target_product_ids,
            share_with_responders,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> DemandInput {
        DemandInput {
            amount: Money::from_fen(50_000_000),
            term_months: 12,
            purpose: "  采购原材料  ".into(),
            guarantee_types: vec![ProductType::Credit],
            max_rate: None,
            expires_at: None,
            target_product_ids: Vec::new(),
            share_with_responders: Vec::new(),
        }
    }

    fn rules() -> DemandRules {
        DemandRules { max_rate: Rate::from_bp(2400).unwrap(), default_validity_days: 30 }
    }

    fn field_of(input: DemandInput) -> &'static str {
        match NewDemand::parse(input, &rules(), Utc::now()) {
            Err(DomainError::Invalid { field, .. }) => field,
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    #[test]
    fn a_plain_demand_is_valid_and_expires_after_the_default_validity() {
        let now = Utc::now();
        let d = NewDemand::parse(input(), &rules(), now).unwrap();
        assert_eq!(d.purpose, "采购原材料");
        assert_eq!(d.term_months, 12);
        assert_eq!(d.expires_at, now + Duration::days(30));
    }

    #[test]
    fn each_limit_names_its_field() {
        assert_eq!(field_of(DemandInput { amount: Money::from_fen(0), ..input() }), "amount");
        assert_eq!(field_of(DemandInput { amount: Money::from_fen(MAX_AMOUNT_FEN + 1), ..input() }), "amount");
        assert_eq!(field_of(DemandInput { term_months: 0, ..input() }), "termMonths");
        assert_eq!(field_of(DemandInput { term_months: 361, ..input() }), "termMonths");
        assert_eq!(field_of(DemandInput { term_months: -1, ..input() }), "termMonths");
        assert_eq!(field_of(DemandInput { purpose: " 买 ".into(), ..input() }), "purpose");
        assert_eq!(field_of(DemandInput { guarantee_types: Vec::new(), ..input() }), "guaranteeTypes");
        assert_eq!(field_of(DemandInput { max_rate: Some(Rate::from_bp(2401).unwrap()), ..input() }), "maxRate");
        let past = Some(Utc::now() - Duration::minutes(1));
        assert_eq!(field_of(DemandInput { expires_at: past, ..input() }), "expiresAt");
        let far = Some(Utc::now() + Duration::days(181));
        assert_eq!(field_of(DemandInput { expires_at: far, ..input() }), "expiresAt");
    }
}
