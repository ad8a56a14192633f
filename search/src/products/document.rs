//! The Meilisearch document of a published loan product.

use serde::{Deserialize, Serialize};
use xyd_domain::{InstitutionId, ProductId, ProductSpec, ProductType, SubjectKind};

/// One published product as indexed: identifiers, the text to search, and the attributes the
/// hard filters and sorts use (money in fen, rates in basis points, codes as canonical strings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductDocument {
    /// Product ID (UUID string); the index's primary key.
    pub id: String,
    /// The product row's version when this document was built; `verify` compares it.
    pub version: i64,
    /// The publishing bank's institution ID (UUID string).
    pub bank_id: String,
    /// The bank's name, searchable.
    pub bank_name: String,
    /// 产品名称.
    pub name: String,
    /// 产品介绍.
    pub description: String,
    /// `CREDIT`, `MORTGAGE`, `PLEDGE` or `GUARANTEE`.
    pub product_type: String,
    /// 最低额度 in fen.
    pub amount_min: i64,
    /// 最高额度 in fen.
    pub amount_max: i64,
    /// 最短期限 in months.
    pub term_min: i32,
    /// 最长期限 in months.
    pub term_max: i32,
    /// 最低年利率 in basis points.
    pub rate_min: i32,
    /// 最高年利率 in basis points.
    pub rate_max: i32,
    /// Eligible subject kinds (`ENTERPRISE` …).
    pub subject_kinds: Vec<String>,
    /// Region prefixes served (2/4/6/9 digits).
    pub region_prefixes: Vec<String>,
    /// Industry codes served, canonical (`C1391`); empty means every industry.
    pub industry_codes: Vec<String>,
    /// 银税互动.
    pub tax_based: bool,
    /// Chinese labels that help text search (类型、主体、银税互动 …).
    pub keywords: Vec<String>,
}

impl ProductDocument {
    /// The document of product `id` at row `version`, published by bank `bank_id` named `bank_name`.
    pub fn new(id: ProductId, version: i64, bank_id: InstitutionId, bank_name: &str, spec: &ProductSpec) -> Self {
        Self {
            id: id.to_string(),
            version,
            bank_id: bank_id.to_string(),
            bank_name: bank_name.to_owned(),
            name: spec.name().to_owned(),
            description: spec.description().to_owned(),
            product_type: spec.product_type().as_str().to_owned(),
            amount_min: spec.amount_min().fen(),
            amount_max: spec.amount_max().fen(),
            term_min: i32::from(spec.term_months_min()),
            term_max: i32::from(spec.term_months_max()),
            rate_min: spec.rate_min().bp(),
            rate_max: spec.rate_max().bp(),
            subject_kinds: spec.subject_kinds().iter().map(|k| k.as_str().to_owned()).collect(),
            region_prefixes: spec.region_prefixes().iter().map(|p| p.as_str().to_owned()).collect(),
            industry_codes: spec.industry_codes().iter().map(|c| c.as_str().to_owned()).collect(),
            tax_based: spec.tax_based(),
            keywords: keywords(spec),
        }
    }
}

/// Chinese words people search with that the product's own text may not contain.
fn keywords(spec: &ProductSpec) -> Vec<String> {
    let mut words: Vec<&str> = Vec::new();
    let product_type = spec.product_type();
    words.push(product_type.label_zh());
    words.extend_from_slice(match product_type {
        ProductType::Credit => &["信用贷", "纯信用", "免抵押", "免担保"],
        ProductType::Mortgage => &["抵押贷", "抵押"],
        ProductType::Pledge => &["质押贷", "质押"],
        ProductType::Guarantee => &["担保贷", "担保", "保证"],
    });
    for &kind in spec.subject_kinds() {
        words.push(kind.label_zh());
        words.extend_from_slice(match kind {
            SubjectKind::Enterprise => &["小微企业", "中小企业"],
            SubjectKind::IndividualBusiness => &["个体户"],
            SubjectKind::FarmerCooperative => &["合作社", "农户", "涉农"],
            SubjectKind::NaturalPerson => &["个人", "个人经营", "个税"],
        });
    }
    if spec.tax_based() {
        words.extend_from_slice(&["银税互动", "纳税信用", "纳税信用贷", "税贷"]);
    }
    if spec.trusted_rate_discount().is_some() {
        words.extend_from_slice(&["守信激励", "守信优惠"]);
    }
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    for word in words {
        if !out.iter().any(|w| w == word) {
            out.push(word.to_owned());
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use xyd_domain::{DataCategory, Money, ProductRules, ProductSpecInput, Rate, RegionPrefix, TaxGrade};

    pub(crate) fn input() -> ProductSpecInput {
        ProductSpecInput {
            name: "税易贷".into(),
            description: "依托企业纳税记录发放的线上信用贷款，随借随还。".into(),
            product_type: ProductType::Credit,
            amount_min: Money::from_fen(1_000_000),
            amount_max: Money::from_fen(300_000_000),
            term_months_min: 6,
            term_months_max: 36,
            rate_min: Rate::from_bp(345).unwrap(),
            rate_max: Rate::from_bp(600).unwrap(),
            subject_kinds: vec![SubjectKind::IndividualBusiness, SubjectKind::Enterprise],
            region_prefixes: vec!["350102".into(), "3501".into()],
            industry_codes: vec!["1391".into(), "F".into()],
            min_tax_grade: Some(TaxGrade::B),
            accepts_not_rated: false,
            min_declared_years: None,
            min_years_in_operation: Some(2),
            requires_clean_record: true,
            requires_verified: true,
            required_consents: vec![],
            tax_based: true,
            trusted_rate_discount: Some(Rate::from_bp(20).unwrap()),
            pre_credit: None,
        }
    }

    pub(crate) fn spec(input: ProductSpecInput) -> ProductSpec {
        ProductSpec::parse(input, &ProductRules::default(), &RegionPrefix::parse("35").unwrap()).unwrap()
    }

    #[test]
    fn document_carries_filter_attributes_in_storage_units() {
        let id = ProductId::new();
        let bank = InstitutionId::new();
        let doc = ProductDocument::new(id, 7, bank, "福州农商银行", &spec(input()));
        assert_eq!(doc.id, id.to_string());
        assert_eq!(doc.version, 7);
        assert_eq!(doc.bank_id, bank.to_string());
        assert_eq!(doc.bank_name, "福州农商银行");
        assert_eq!(doc.product_type, "CREDIT");
        assert_eq!((doc.amount_min, doc.amount_max), (1_000_000, 300_000_000));
        assert_eq!((doc.term_min, doc.term_max), (6, 36));
        assert_eq!((doc.rate_min, doc.rate_max), (345, 600));
        assert_eq!(doc.subject_kinds, ["ENTERPRISE", "INDIVIDUAL_BUSINESS"]);
        assert_eq!(doc.region_prefixes, ["3501", "350102"]);
        assert_eq!(doc.industry_codes, ["C1391", "F"]);
        assert!(doc.tax_based);
    }

    #[test]
    fn keywords_name_type_subjects_and_tax() {
        let doc = ProductDocument::new(ProductId::new(), 1, InstitutionId::new(), "银行", &spec(input()));
        for word in ["信用贷款", "信用贷", "纯信用", "企业", "个体工商户", "个体户", "银税互动", "纳税信用", "守信激励"]
        {
            assert!(doc.keywords.iter().any(|k| k == word), "{word}: {:?}", doc.keywords);
        }
        assert!(!doc.keywords.iter().any(|k| k == "农民专业合作社"));
        let mut unique = doc.keywords.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), doc.keywords.len(), "no duplicates");

        let mut plain = input();
        plain.product_type = ProductType::Mortgage;
        plain.tax_based = false;
        plain.trusted_rate_discount = None;
        plain.required_consents = vec![DataCategory::RealEstate];
        plain.subject_kinds = vec![SubjectKind::FarmerCooperative];
        let doc = ProductDocument::new(ProductId::new(), 1, InstitutionId::new(), "银行", &spec(plain));
        assert_eq!(doc.keywords, ["抵押贷款", "抵押贷", "抵押", "农民专业合作社", "合作社", "农户", "涉农"]);
    }

    #[test]
    fn serializes_with_snake_case_fields() {
        let doc = ProductDocument::new(ProductId::new(), 3, InstitutionId::new(), "银行", &spec(input()));
        let json = serde_json::to_value(&doc).unwrap();
        use crate::products::settings::{FILTERABLE_ATTRIBUTES, PRIMARY_KEY, SEARCHABLE_ATTRIBUTES};
        let settings = FILTERABLE_ATTRIBUTES.iter().chain(SEARCHABLE_ATTRIBUTES);
        for field in settings.chain(&[PRIMARY_KEY, "version", "rate_max"]) {
            assert!(json.get(*field).is_some(), "{field}");
        }
        assert_eq!(serde_json::from_value::<ProductDocument>(json).unwrap(), doc);
    }
}
