//! 预授信规则: a bank's rule for estimating a limit from a subject's own tax data — a multiple of the last tax
//! year's tax paid or VAT sales, times a factor per eligible tax grade, capped by the product's amount; or, for
//! natural persons (who have no grade), a multiple of last year's income tax paid or taxable income, grade-free.

use xyd_reasons::Reason;

use crate::{DomainError, Money, PreCreditBasis, TaxGrade};

/// The largest multiple a rule may use.
pub const MAX_MULTIPLE: f64 = 50.0;
/// Limits are floored to this many fen (1,000 yuan).
pub const LIMIT_STEP_FEN: i64 = 100_000;

/// A validated pre-credit rule. Multiples are kept in hundredths and factors in ten-thousandths, so stored rules
/// compare and compute exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreCreditRule {
    basis: PreCreditBasis,
    /// The multiple × 100.
    multiple: u32,
    /// Eligible grades and their factor × 10,000, in grade order; grades not listed are not eligible. Empty
    /// exactly for an income basis (grade-free, factor 1).
    factors: Vec<(TaxGrade, u32)>,
}

impl PreCreditRule {
    /// Validates a rule as entered: 0 < multiple ≤ 50 (two decimals kept), at least one grade, each grade once,
    /// 0 < factor ≤ 1 (four decimals kept). Errors name `multiple` or `gradeFactors`.
    pub fn parse(basis: PreCreditBasis, multiple: f64, factors: &[(TaxGrade, f64)]) -> Result<Self, DomainError> {
        if !(multiple.is_finite() && multiple > 0.0 && multiple <= MAX_MULTIPLE) {
            return Err(DomainError::invalid("multiple", Reason::InvalidMultiple));
        }
        let multiple = (multiple * 100.0).round() as u32;
        if multiple == 0 {
            return Err(DomainError::invalid("multiple", Reason::InvalidMultiple));
        }
        match (basis.is_income(), factors.is_empty()) {
            (true, false) => return Err(DomainError::invalid("gradeFactors", Reason::FactorsForIncome)),
            (false, true) => return Err(DomainError::invalid("gradeFactors", Reason::GradeFactorsRequired)),
            _ => {}
        }
        let mut kept = Vec::with_capacity(factors.len());
        for &(grade, factor) in factors {
            let scaled = (factor * 10_000.0).round();
            if !(factor.is_finite() && factor > 0.0 && factor <= 1.0 && scaled >= 1.0) {
                return Err(DomainError::invalid("gradeFactors", Reason::InvalidFactor));
            }
            if kept.iter().any(|(g, _)| *g == grade) {
                return Err(DomainError::invalid("gradeFactors", Reason::DuplicateGrade));
            }
            kept.push((grade, scaled as u32));
        }
        kept.sort_by_key(|(g, _)| std::cmp::Reverse(g.rank()));
        Ok(Self { basis, multiple, factors: kept })
    }

    /// What the limit is a multiple of.
    pub fn basis(&self) -> PreCreditBasis {
        self.basis
    }

    /// The factor of `grade` (× 10,000), if the grade is eligible.
    pub fn factor(&self, grade: TaxGrade) -> Option<u32> {
        self.factors.iter().find(|(g, _)| *g == grade).map(|(_, f)| *f)
    }

    /// The limit for a basis of `basis` at `grade` (none for an income basis): min(amount_max, basis × multiple ×
    /// factor), floored to 1,000 yuan; `None` when the grade is not eligible.
    pub fn limit(&self, basis: Money, grade: Option<TaxGrade>, amount_max: Money) -> Option<Money> {
        let factor = match grade {
            _ if self.basis.is_income() => 10_000,
            Some(grade) => self.factor(grade)?,
            None => return None,
        };
        let raw = i128::from(basis.fen().max(0)) * i128::from(self.multiple) * i128::from(factor) / 1_000_000;
        let capped = raw.min(i128::from(amount_max.fen())) as i64;
        Some(Money::from_fen(capped - capped.rem_euclid(LIMIT_STEP_FEN)))
    }

    /// The rule in words, for display.
    pub fn describe(&self) -> String {
        if self.basis.is_income() {
            return format!(
                "上一年度{}（各类所得合计）的{}倍，不按纳税信用等级计算；不超过产品额度上限，按千元取整",
                self.basis.label_zh(),
                decimal(self.multiple, 2),
            );
        }
        let factors: Vec<String> =
            self.factors.iter().map(|(g, f)| format!("{}×{}", g.label_zh(), decimal(*f, 4))).collect();
        format!(
            "上一纳税年度{}的{}倍，按纳税信用等级乘以系数（{}），其他等级不予预授信；不超过产品额度上限，按千元取整",
            self.basis.label_zh(),
            decimal(self.multiple, 2),
            factors.join("、"),
        )
    }

    /// The stored form, e.g. `TAX_PAID;300;A=10000,B=8000`.
    pub fn encode(&self) -> String {
        let factors: Vec<String> = self.factors.iter().map(|(g, f)| format!("{}={f}", g.as_str())).collect();
        format!("{};{};{}", self.basis.as_str(), self.multiple, factors.join(","))
    }

    /// Reads the stored form back.
    pub fn decode(stored: &str) -> Result<Self, DomainError> {
        let bad = || DomainError::invalid("preCredit", Reason::InvalidPreCredit { stored: stored.to_string() });
        let mut parts = stored.split(';');
        let (Some(basis), Some(multiple), Some(factors), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        let multiple: u32 = multiple.parse().map_err(|_| bad())?;
        let factors = factors
            .split(',')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (grade, factor) = pair.split_once('=').ok_or_else(bad)?;
                let factor: u32 = factor.parse().map_err(|_| bad())?;
                Ok((TaxGrade::parse(grade)?, f64::from(factor) / 10_000.0))
            })
            .collect::<Result<Vec<_>, DomainError>>()?;
        Self::parse(PreCreditBasis::parse(basis)?, f64::from(multiple) / 100.0, &factors)
    }
}

/// `value / 10^places` without trailing zeros, e.g. 8000 with 4 places → "0.8".
fn decimal(value: u32, places: u32) -> String {
    let scale = 10u32.pow(places);
    let (whole, frac) = (value / scale, value % scale);
    if frac == 0 {
        return whole.to_string();
    }
    let frac = format!("{frac:0width$}", width = places as usize);
    format!("{whole}.{}", frac.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rule() -> PreCreditRule {
        PreCreditRule::parse(PreCreditBasis::TaxPaid, 3.0, &[(TaxGrade::A, 1.0), (TaxGrade::B, 0.8)]).unwrap()
    }

    #[test]
    fn the_limit_is_a_floored_capped_multiple() {
        // 125,000.50 yuan tax × 3 × 0.8 = 300,001.20 yuan → 300,000 yuan.
        let limit = rule().limit(Money::from_fen(12_500_050), Some(TaxGrade::B), Money::from_fen(100_000_000));
        assert_eq!(limit, Some(Money::from_fen(30_000_000)));
        let capped = rule().limit(Money::from_fen(12_500_050), Some(TaxGrade::A), Money::from_fen(20_000_000));
        assert_eq!(capped, Some(Money::from_fen(20_000_000)));
        assert_eq!(rule().limit(Money::from_fen(12_500_050), Some(TaxGrade::M), Money::from_fen(20_000_000)), None);
        assert_eq!(rule().limit(Money::from_fen(12_500_050), None, Money::from_fen(20_000_000)), None);
    }

    #[test]
    fn an_income_rule_is_grade_free_and_refuses_grade_factors() {
        let income = PreCreditRule::parse(PreCreditBasis::IncomeTaxPaid, 20.0, &[]).unwrap();
        // 6,500.00 yuan income tax × 20 = 130,000 yuan, whatever the (absent) grade.
        let limit = income.limit(Money::from_fen(650_000), None, Money::from_fen(30_000_000));
        assert_eq!(limit, Some(Money::from_fen(13_000_000)));
        assert_eq!(income.encode(), "INCOME_TAX_PAID;2000;");
        assert_eq!(PreCreditRule::decode(&income.encode()).unwrap(), income);
        assert!(income.describe().contains("不按纳税信用等级"), "{}", income.describe());
        let graded = PreCreditRule::parse(PreCreditBasis::TaxableIncome, 2.0, &[(TaxGrade::A, 1.0)]);
        assert!(matches!(graded, Err(DomainError::Invalid { field: "gradeFactors", .. })), "{graded:?}");
    }

    #[test]
    fn rules_round_trip_and_explain_themselves() {
        let r = rule();
        assert_eq!(r.encode(), "TAX_PAID;300;A=10000,B=8000");
        assert_eq!(PreCreditRule::decode(&r.encode()).unwrap(), r);
        assert!(r.describe().contains("纳税总额的3倍") && r.describe().contains("B级×0.8"), "{}", r.describe());
    }

    #[test]
    fn bad_rules_name_their_field() {
        let field = |m: f64, f: &[(TaxGrade, f64)]| match PreCreditRule::parse(PreCreditBasis::VatSales, m, f) {
            Err(DomainError::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field(0.0, &[(TaxGrade::A, 1.0)]), "multiple");
        assert_eq!(field(50.5, &[(TaxGrade::A, 1.0)]), "multiple");
        assert_eq!(field(f64::NAN, &[(TaxGrade::A, 1.0)]), "multiple");
        assert_eq!(field(2.0, &[]), "gradeFactors");
        assert_eq!(field(2.0, &[(TaxGrade::A, 1.5)]), "gradeFactors");
        assert_eq!(field(2.0, &[(TaxGrade::A, 0.0)]), "gradeFactors");
        assert_eq!(field(2.0, &[(TaxGrade::A, 1.0), (TaxGrade::A, 0.5)]), "gradeFactors");
    }

    proptest! {
        #[test]
        fn the_limit_never_exceeds_the_amount_and_grows_with_the_basis(
            low in 0i64..10_000_000_000, extra in 0i64..10_000_000_000, max in 100_000i64..100_000_000_000,
            multiple in 1u32..=5000, factor in 1u32..=10_000,
        ) {
            let r = PreCreditRule::parse(
                PreCreditBasis::TaxPaid, f64::from(multiple) / 100.0, &[(TaxGrade::B, f64::from(factor) / 10_000.0)],
            ).unwrap();
            let max = Money::from_fen(max);
            let lower = r.limit(Money::from_fen(low), Some(TaxGrade::B), max).unwrap();
            let higher = r.limit(Money::from_fen(low + extra), Some(TaxGrade::B), max).unwrap();
            prop_assert!(higher <= max && lower <= max);
            prop_assert!(lower <= higher);
            prop_assert_eq!(lower.fen() % LIMIT_STEP_FEN, 0);
        }
    }
}
