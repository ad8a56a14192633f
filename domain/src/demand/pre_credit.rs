//! 预授信: an estimate of what a product could lend a verified subject, from its own data only — the product's
//! rule applied to the last tax year (or, for an income rule, the person's last income-tax year), provided the
//! product's hard rules about the subject pass. An estimate, not an offer: nothing reaches a bank.

use crate::product::ProductSpec;
use crate::{Money, PreCreditBasis, TaxGrade};

use super::matching::{Reason, SubjectFacts, evaluate_subject};

/// The subject's last tax year, as the estimate needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaxYear {
    /// The tax year.
    pub year: i32,
    /// 纳税信用等级 of that year.
    pub grade: TaxGrade,
    /// 纳税总额.
    pub tax_paid: Money,
    /// 增值税开票销售额, when known.
    pub vat_sales: Option<Money>,
}

/// A natural person's last income-tax year, every kind of income summed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncomeYear {
    /// The tax year.
    pub year: i32,
    /// 应纳税所得额.
    pub taxable_income: Money,
    /// 个人所得税已缴税额.
    pub tax_paid: Money,
}

/// The subject's own figures an estimate may use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OwnFigures {
    /// The last tax year (market subjects).
    pub tax: Option<TaxYear>,
    /// The last income-tax year (natural persons).
    pub income: Option<IncomeYear>,
}

/// One product's estimate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Estimate {
    /// The product's hard rules pass and the rule yields a limit.
    pub eligible: bool,
    /// Set exactly when eligible.
    pub limit: Option<Money>,
    /// How the figure was reached (and that it is not an offer).
    pub basis: Vec<Reason>,
    /// Why not eligible.
    pub unmet: Vec<Reason>,
}

/// The estimate of `product` (which has a rule) for `subject` with its own figures.
pub fn estimate(product: &ProductSpec, subject: &SubjectFacts, own: &OwnFigures) -> Estimate {
    let judged = evaluate_subject(subject, product);
    let mut unmet = judged.unmet;
    let mut basis = Vec::new();
    let Some(rule) = product.pre_credit() else {
        unmet.push(Reason::new("NO_PRE_CREDIT_RULE", "该产品未设置预授信规则"));
        return Estimate { eligible: false, limit: None, basis, unmet };
    };
    // The figure, the year it is of, and that year's grade (none for an income rule).
    let figure = match rule.basis() {
        PreCreditBasis::TaxPaid => own.tax.map(|t| (t.tax_paid, t.year, Some(t.grade))),
        PreCreditBasis::VatSales => own.tax.and_then(|t| Some((t.vat_sales?, t.year, Some(t.grade)))),
        PreCreditBasis::IncomeTaxPaid => own.income.map(|i| (i.tax_paid, i.year, None)),
        PreCreditBasis::TaxableIncome => own.income.map(|i| (i.taxable_income, i.year, None)),
    };
    let limit = match figure {
        Some((figure, year, grade)) => {
            let limit = rule.limit(figure, grade, product.amount_max());
            if limit.is_some() {
                let graded = grade.map(|g| format!("，纳税信用等级{}", g.label_zh())).unwrap_or_default();
                let line = format!("{year}年度{}{}元{graded}", rule.basis().label_zh(), figure.to_yuan_string());
                basis.push(Reason::new("PRE_CREDIT_BASIS", line));
                basis.push(Reason::new("PRE_CREDIT_RULE", rule.describe()));
            } else {
                let grade = grade.map_or("无", |g| g.label_zh());
                unmet.push(Reason::new("PRE_CREDIT_GRADE", format!("纳税信用等级{grade}不在该产品预授信范围内")));
            }
            limit
        }
        None => {
            unmet.push(Reason::new("PRE_CREDIT_NO_DATA", format!("缺少上一纳税年度的{}数据", rule.basis().label_zh())));
            None
        }
    };
    let eligible = unmet.is_empty() && limit.is_some();
    if eligible {
        basis.push(Reason::new(
            "ESTIMATE_ONLY",
            "预授信额度为根据本主体自有数据测算的参考值，不构成银行授信承诺，以银行审批为准",
        ));
    }
    Estimate { eligible, limit: limit.filter(|_| eligible), basis, unmet }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::product::{PreCreditRule, ProductSpecInput};
    use crate::{DataCategory, IndustryCode, ProductType, Rate, RegionCode, SubjectKind};
    use chrono::NaiveDate;
    use proptest::prelude::*;

    fn product() -> ProductSpec {
        let rule = PreCreditRule::parse(PreCreditBasis::TaxPaid, 4.0, &[(TaxGrade::A, 1.0), (TaxGrade::B, 0.5)]);
        ProductSpec::restore(ProductSpecInput {
            name: "税易贷".into(),
            description: "凭纳税信用".into(),
            product_type: ProductType::Credit,
            amount_min: Money::from_fen(1_000_000),
            amount_max: Money::from_fen(300_000_000),
            term_months_min: 6,
            term_months_max: 36,
            rate_min: Rate::from_bp(345).unwrap(),
            rate_max: Rate::from_bp(600).unwrap(),
            subject_kinds: vec![SubjectKind::Enterprise],
            region_prefixes: vec!["4408".into()],
            industry_codes: Vec::new(),
            min_tax_grade: Some(TaxGrade::B),
            accepts_not_rated: false,
            min_declared_years: None,
            min_years_in_operation: Some(1),
            requires_clean_record: true,
            requires_verified: true,
            required_consents: vec![DataCategory::Tax],
            tax_based: true,
            trusted_rate_discount: None,
            pre_credit: Some(rule.unwrap()),
        })
        .unwrap()
    }

    fn subject(kind: SubjectKind, verified: bool, restricted: bool, grade: TaxGrade) -> SubjectFacts {
        SubjectFacts {
            kind,
            region: RegionCode::parse("440882100").unwrap(),
            industry: Some(IndustryCode::parse("1391").unwrap()),
            established_on: NaiveDate::from_ymd_opt(2020, 1, 1),
            verified,
            restricted,
            trusted: false,
            latest_tax_grade: Some(grade),
            declared_years: 0,
            stale_tax: None,
            today: NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
        }
    }

    fn year(grade: TaxGrade, tax_paid: i64) -> TaxYear {
        TaxYear { year: 2025, grade, tax_paid: Money::from_fen(tax_paid), vat_sales: None }
    }

    fn taxed(tax: TaxYear) -> OwnFigures {
        OwnFigures { tax: Some(tax), income: None }
    }

    #[test]
    fn a_person_is_estimated_on_last_years_income_tax_without_a_grade() {
        let rule = PreCreditRule::parse(PreCreditBasis::IncomeTaxPaid, 20.0, &[]).unwrap();
        let for_persons = ProductSpec::restore(ProductSpecInput {
            subject_kinds: vec![SubjectKind::NaturalPerson],
            min_tax_grade: None,
            min_years_in_operation: None,
            pre_credit: Some(rule),
            ..product().to_input()
        })
        .unwrap();
        let mut person = subject(SubjectKind::NaturalPerson, true, false, TaxGrade::B);
        person.latest_tax_grade = None;
        person.established_on = None;
        let income =
            IncomeYear { year: 2025, taxable_income: Money::from_fen(12_000_000), tax_paid: Money::from_fen(650_000) };
        let e = estimate(&for_persons, &person, &OwnFigures { tax: None, income: Some(income) });
        assert!(e.eligible, "{e:?}");
        assert_eq!(e.limit, Some(Money::from_fen(13_000_000))); // 6,500 yuan × 20 → 130,000 yuan
        assert!(e.basis[0].message.contains("2025年度个人所得税已缴税额6500.00元"), "{:?}", e.basis);
        assert!(!e.basis[0].message.contains("纳税信用等级"));
        let without = estimate(&for_persons, &person, &OwnFigures::default());
        assert_eq!(without.unmet[0].code, "PRE_CREDIT_NO_DATA");
    }

    #[test]
    fn an_eligible_subject_gets_a_limit_with_its_basis_and_the_caveat() {
        let e = estimate(
            &product(),
            &subject(SubjectKind::Enterprise, true, false, TaxGrade::B),
            &taxed(year(TaxGrade::B, 12_500_050)),
        );
        assert!(e.eligible, "{e:?}");
        assert_eq!(e.limit, Some(Money::from_fen(25_000_000))); // 125,000.50 × 4 × 0.5 → 250,000 yuan
        let codes: Vec<&str> = e.basis.iter().map(|r| r.code).collect();
        assert_eq!(codes, ["PRE_CREDIT_BASIS", "PRE_CREDIT_RULE", "ESTIMATE_ONLY"]);
    }

    #[test]
    fn missing_data_or_an_ineligible_grade_gives_no_limit() {
        let s = subject(SubjectKind::Enterprise, true, false, TaxGrade::B);
        assert_eq!(estimate(&product(), &s, &OwnFigures::default()).unmet[0].code, "PRE_CREDIT_NO_DATA");
        let m = subject(SubjectKind::Enterprise, true, false, TaxGrade::M);
        let e = estimate(&product(), &m, &taxed(year(TaxGrade::M, 12_500_050)));
        assert_eq!((e.eligible, e.limit), (false, None));
    }

    #[test]
    fn a_not_rated_year_is_estimated_only_where_the_product_accepts_the_unrated_and_its_rule_lists_them() {
        let unrated = subject(SubjectKind::Enterprise, true, false, TaxGrade::NotRated);
        let last_year = year(TaxGrade::NotRated, 12_500_050);
        let refused = estimate(&product(), &unrated, &taxed(last_year));
        let codes: Vec<&str> = refused.unmet.iter().map(|r| r.code).collect();
        assert_eq!((refused.eligible, codes), (false, vec!["TAX_GRADE_NOT_RATED", "PRE_CREDIT_GRADE"]));
        let rule =
            PreCreditRule::parse(PreCreditBasis::TaxPaid, 4.0, &[(TaxGrade::B, 0.5), (TaxGrade::NotRated, 0.25)]);
        let accepting = ProductSpec::restore(ProductSpecInput {
            accepts_not_rated: true,
            pre_credit: Some(rule.unwrap()),
            ..product().to_input()
        })
        .unwrap();
        let e = estimate(&accepting, &unrated, &taxed(last_year));
        assert!(e.eligible, "{e:?}");
        assert_eq!(e.limit, Some(Money::from_fen(12_500_000))); // 125,000.50 × 4 × 0.25 → 125,000 yuan
        let unlisted =
            ProductSpec::restore(ProductSpecInput { accepts_not_rated: true, ..product().to_input() }).unwrap();
        assert_eq!(estimate(&unlisted, &unrated, &taxed(last_year)).unmet[0].code, "PRE_CREDIT_GRADE");
    }

    proptest! {
        #[test]
        fn no_limit_whenever_a_hard_rule_fails_and_never_above_the_amount(
            fen in 0i64..10_000_000_000, extra in 0i64..1_000_000_000,
            verified: bool, restricted: bool, individual: bool, grade in 0usize..TaxGrade::ALL.len(),
        ) {
            let grade = TaxGrade::ALL[grade];
            let kind = if individual { SubjectKind::IndividualBusiness } else { SubjectKind::Enterprise };
            let s = subject(kind, verified, restricted, grade);
            let p = product();
            let low = estimate(&p, &s, &taxed(year(grade, fen)));
            let high = estimate(&p, &s, &taxed(year(grade, fen + extra)));
            if !evaluate_subject(&s, &p).eligible {
                prop_assert_eq!(low.limit, None);
            }
            prop_assert_eq!(low.limit.is_some(), low.eligible);
            if let (Some(l), Some(h)) = (low.limit, high.limit) {
                prop_assert!(l <= h && h <= p.amount_max());
            }
        }
    }
}
