//! The product supermarket's hard filter (金融产品超市筛选): one definition of which products a
//! search shows, reproduced exactly by the Meilisearch filter and by the SQL fallback.

use crate::{IndustryCode, InstitutionId, Money, ProductSpec, ProductType, Rate, RegionCode, SubjectKind};

/// Hard filters of a product search. Every `None` (or empty list) is "no constraint", so
/// `ProductFilter::default()` matches every product.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ProductFilter {
    /// The product's type is one of these (empty: any type).
    pub product_types: Vec<ProductType>,
    /// The product serves this kind of subject.
    pub subject_kind: Option<SubjectKind>,
    /// Some region prefix of the product contains this region code.
    pub region_code: Option<RegionCode>,
    /// The product lists no industry, or one of its codes covers this one.
    pub industry_code: Option<IndustryCode>,
    /// The amount lies within the product's [amount_min, amount_max].
    pub amount: Option<Money>,
    /// The term lies within the product's [term_months_min, term_months_max].
    pub term_months: Option<u16>,
    /// The product's lowest rate is at most this.
    pub max_rate: Option<Rate>,
    /// The product is (or is not) tax-based.
    pub tax_based: Option<bool>,
    /// The product belongs to this bank.
    pub bank_id: Option<InstitutionId>,
}

impl ProductFilter {
    /// Whether no constraint is set.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Whether the product `spec` of bank `bank_id` passes every constraint. This is the
    /// reference semantics: the Meilisearch filter expression and the SQL fallback must select
    /// exactly the products for which this returns `true`.
    ///
    /// - type: in `product_types` (empty list: any);
    /// - subject kind: among the product's subject kinds;
    /// - region: some product prefix contains the region code;
    /// - industry: the product lists no industry, or one of its codes covers the given code;
    /// - amount and term: within the product's ranges, bounds included;
    /// - max rate: the product's `rate_min` is at most `max_rate`;
    /// - tax-based and bank: equal.
    pub fn matches(&self, spec: &ProductSpec, bank_id: InstitutionId) -> bool {
        (self.product_types.is_empty() || self.product_types.contains(&spec.product_type()))
            && self.subject_kind.is_none_or(|kind| spec.serves_kind(kind))
            && self.region_code.as_ref().is_none_or(|code| spec.serves_region(code))
            && self.industry_code.as_ref().is_none_or(|code| spec.serves_industry(code))
            && self.amount.is_none_or(|amount| spec.accepts_amount(amount))
            && self.term_months.is_none_or(|months| spec.accepts_term(months))
            && self.max_rate.is_none_or(|max| spec.rate_min() <= max)
            && self.tax_based.is_none_or(|tax| spec.tax_based() == tax)
            && self.bank_id.is_none_or(|bank| bank == bank_id)
    }
}

/// Every region prefix (2, 4, 6 and, for a town, 9 digits) that contains `code`: a product
/// serves `code` exactly when one of its prefixes is in this list. Broadest first.
///
/// `"350102001"` → `["35", "3501", "350102", "350102001"]`.
pub fn region_prefixes_of(code: &RegionCode) -> Vec<String> {
    let code = code.as_str();
    [2, 4, 6, 9].into_iter().filter_map(|len| code.get(..len)).map(str::to_owned).collect()
}

/// Every industry code (section letter, then section + 2, 3 and 4 digits as far as `code` goes)
/// that covers `code`, in [`IndustryCode`]'s canonical form: a product serves `code` exactly
/// when it lists no industry or one of its codes is in this list. Broadest first.
///
/// `"C1391"` → `["C", "C13", "C139", "C1391"]`; `"C13"` → `["C", "C13"]`.
pub fn industry_prefixes_of(code: &IndustryCode) -> Vec<String> {
    let code = code.as_str();
    [1, 3, 4, 5].into_iter().filter_map(|len| code.get(..len)).map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::product::spec::tests::{sample_input, sample_spec, yuan};
    use crate::{ProductRules, RegionPrefix};

    fn region(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    fn industry(s: &str) -> IndustryCode {
        IndustryCode::parse(s).unwrap()
    }

    #[test]
    fn region_prefixes_of_each_level() {
        assert_eq!(region_prefixes_of(&region("350102")), ["35", "3501", "350102"]);
        assert_eq!(region_prefixes_of(&region("350102001")), ["35", "3501", "350102", "350102001"]);
    }

    #[test]
    fn industry_prefixes_of_each_level() {
        assert_eq!(industry_prefixes_of(&industry("C")), ["C"]);
        assert_eq!(industry_prefixes_of(&industry("C13")), ["C", "C13"]);
        assert_eq!(industry_prefixes_of(&industry("139")), ["C", "C13", "C139"]);
        assert_eq!(industry_prefixes_of(&industry("c1391")), ["C", "C13", "C139", "C1391"]);
    }

    #[test]
    fn prefix_lists_agree_with_containment() {
        let codes = ["350102", "350102001", "350203", "440305"];
        let prefixes = ["35", "3501", "350102", "350102001", "350103", "3502", "44"];
        for c in codes {
            let code = region(c);
            let listed = region_prefixes_of(&code);
            for p in prefixes {
                let prefix = RegionPrefix::parse(p).unwrap();
                assert_eq!(prefix.contains(&code), listed.iter().any(|l| l == p), "{p} ⊇ {c}");
            }
        }
        let codes = ["C", "C13", "C1391", "F5212", "A01"];
        for c in codes {
            let subject = industry(c);
            let listed = industry_prefixes_of(&subject);
            for p in ["C", "C13", "C139", "C1391", "C1392", "C14", "F", "F52", "A"] {
                let product = industry(p);
                assert_eq!(product.matches(&subject), listed.iter().any(|l| l == p), "{p} ⊇ {c}");
            }
        }
    }

    #[test]
    fn default_filter_matches_everything() {
        assert!(ProductFilter::default().is_empty());
        assert!(ProductFilter::default().matches(&sample_spec(), InstitutionId::new()));
    }

    type Case = (&'static str, fn(&mut ProductFilter), bool);

    #[test]
    fn each_constraint() {
        // sample: CREDIT, 10 000–3 000 000 yuan, 6–36 months, 3.45–6.00%, ENTERPRISE and
        // INDIVIDUAL_BUSINESS, regions 3501 and 350102, industries C1391 and F, tax-based.
        let bank = InstitutionId::new();
        let cases: Vec<Case> = vec![
            ("type listed", |f| f.product_types = vec![ProductType::Mortgage, ProductType::Credit], true),
            ("type not listed", |f| f.product_types = vec![ProductType::Mortgage], false),
            ("kind served", |f| f.subject_kind = Some(SubjectKind::IndividualBusiness), true),
            ("kind not served", |f| f.subject_kind = Some(SubjectKind::FarmerCooperative), false),
            ("region county inside", |f| f.region_code = Some(region("350111")), true),
            ("region town inside", |f| f.region_code = Some(region("350102003")), true),
            ("region outside", |f| f.region_code = Some(region("350203")), false),
            ("industry class covered", |f| f.industry_code = Some(industry("C1391")), true),
            ("industry covered by section", |f| f.industry_code = Some(industry("F5212")), true),
            ("industry sibling", |f| f.industry_code = Some(industry("C1392")), false),
            ("industry broader than product", |f| f.industry_code = Some(industry("C13")), false),
            ("amount low bound", |f| f.amount = Some(yuan(10_000)), true),
            ("amount high bound", |f| f.amount = Some(yuan(3_000_000)), true),
            ("amount below", |f| f.amount = Some(Money::from_fen(999_999)), false),
            ("amount above", |f| f.amount = Some(Money::from_fen(300_000_001)), false),
            ("term low bound", |f| f.term_months = Some(6), true),
            ("term high bound", |f| f.term_months = Some(36), true),
            ("term below", |f| f.term_months = Some(5), false),
            ("term above", |f| f.term_months = Some(37), false),
            ("max rate equal", |f| f.max_rate = Some(Rate::from_bp(345).unwrap()), true),
            ("max rate below", |f| f.max_rate = Some(Rate::from_bp(344).unwrap()), false),
            ("tax based", |f| f.tax_based = Some(true), true),
            ("not tax based", |f| f.tax_based = Some(false), false),
            ("other bank", |f| f.bank_id = Some(InstitutionId::new()), false),
        ];
        for (case, set, want) in cases {
            let mut filter = ProductFilter::default();
            set(&mut filter);
            assert!(!filter.is_empty(), "{case}");
            assert_eq!(filter.matches(&sample_spec(), bank), want, "{case}");
        }
        let own = ProductFilter { bank_id: Some(bank), ..ProductFilter::default() };
        assert!(own.matches(&sample_spec(), bank));
    }

    #[test]
    fn product_without_industries_serves_all() {
        let mut input = sample_input();
        input.industry_codes.clear();
        let spec = ProductSpec::parse(input, &ProductRules::default(), &RegionPrefix::parse("35").unwrap()).unwrap();
        let filter = ProductFilter { industry_code: Some(industry("A0111")), ..ProductFilter::default() };
        assert!(filter.matches(&spec, InstitutionId::new()));
    }

    #[test]
    fn constraints_combine_with_and() {
        let filter = ProductFilter {
            product_types: vec![ProductType::Credit],
            subject_kind: Some(SubjectKind::Enterprise),
            region_code: Some(region("350102")),
            amount: Some(yuan(500_000)),
            term_months: Some(12),
            tax_based: Some(true),
            ..ProductFilter::default()
        };
        assert!(filter.matches(&sample_spec(), InstitutionId::new()));
        let filter = ProductFilter { term_months: Some(48), ..filter };
        assert!(!filter.matches(&sample_spec(), InstitutionId::new()));
    }
}
