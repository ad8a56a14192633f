//! 产品要素 (a loan product's terms), validated once: amounts, terms, rates, who and where it serves,
//! eligibility rules and the data it needs consent for.

use crate::{
    DataCategory, DomainError, IndustryCode, Money, ProductType, Rate, RegionCode, RegionPrefix, SubjectKind, TaxGrade,
};
use xyd_reasons::Reason;

use super::pre_credit::PreCreditRule;

/// Platform-wide limits on product terms (configurable per deployment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProductRules {
    /// 利率上限: no product may advertise an annual rate above this (default 24.00%).
    pub max_rate: Rate,
    /// 最长期限 in months (default 360, i.e. 30 years).
    pub max_term_months: u16,
}

impl ProductRules {
    /// The default rate ceiling, 24.00% in basis points.
    pub const DEFAULT_MAX_RATE_BP: i32 = 2400;
    /// The default longest term, 360 months.
    pub const DEFAULT_MAX_TERM_MONTHS: u16 = 360;
}

impl Default for ProductRules {
    fn default() -> Self {
        Self {
            // 2400 is inside 0..=10000, so this never falls back.
            max_rate: Rate::from_bp(Self::DEFAULT_MAX_RATE_BP).unwrap_or_default(),
            max_term_months: Self::DEFAULT_MAX_TERM_MONTHS,
        }
    }
}

/// A product's terms as a bank entered them (the GraphQL `ProductInput`, scalars already parsed),
/// or as read back from database columns. Not yet validated: see [`ProductSpec::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductSpecInput {
    /// 产品名称.
    pub name: String,
    /// 产品介绍.
    pub description: String,
    /// 产品类型 (担保方式).
    pub product_type: ProductType,
    /// 最低额度.
    pub amount_min: Money,
    /// 最高额度.
    pub amount_max: Money,
    /// 最短期限 (months).
    pub term_months_min: i32,
    /// 最长期限 (months).
    pub term_months_max: i32,
    /// 最低年利率.
    pub rate_min: Rate,
    /// 最高年利率.
    pub rate_max: Rate,
    /// 适用主体类型.
    pub subject_kinds: Vec<SubjectKind>,
    /// 服务区域: region code prefixes (2/4/6/9 digits).
    pub region_prefixes: Vec<String>,
    /// 适用行业: GB/T 4754 codes at any level; empty means every industry.
    pub industry_codes: Vec<String>,
    /// 最低纳税信用等级 (not NOT_RATED, which is no level).
    pub min_tax_grade: Option<TaxGrade>,
    /// 接受未参评: a not-rated subject passes `min_tax_grade` (otherwise it fails it).
    pub accepts_not_rated: bool,
    /// 最低经营年限 (years).
    pub min_years_in_operation: Option<i32>,
    /// 连续申报个人所得税年数: consecutive declared income-tax years required, 1 to [`MAX_DECLARED_YEARS`].
    pub min_declared_years: Option<i32>,
    /// 要求无严重失信记录.
    pub requires_clean_record: bool,
    /// 要求已实名认证.
    pub requires_verified: bool,
    /// 需授权的数据类别.
    pub required_consents: Vec<DataCategory>,
    /// 银税互动产品.
    pub tax_based: bool,
    /// 守信激励: percentage points off the rate for trusted subjects.
    pub trusted_rate_discount: Option<Rate>,
    /// 预授信规则 (validated on its own by [`PreCreditRule::parse`]).
    pub pre_credit: Option<PreCreditRule>,
}

/// 金融产品要素: a loan product's validated terms, in canonical form (lists sorted, without
/// duplicates; a tax-based product always requires TAX consent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductSpec {
    name: String,
    description: String,
    product_type: ProductType,
    amount_min: Money,
    amount_max: Money,
    term_months_min: u16,
    term_months_max: u16,
    rate_min: Rate,
    rate_max: Rate,
    subject_kinds: Vec<SubjectKind>,
    region_prefixes: Vec<RegionPrefix>,
    industry_codes: Vec<IndustryCode>,
    min_tax_grade: Option<TaxGrade>,
    accepts_not_rated: bool,
    min_years_in_operation: Option<u16>,
    min_declared_years: Option<u8>,
    requires_clean_record: bool,
    requires_verified: bool,
    required_consents: Vec<DataCategory>,
    tax_based: bool,
    trusted_rate_discount: Option<Rate>,
    pre_credit: Option<PreCreditRule>,
}

/// Limits of a name, in characters.
const NAME_CHARS: std::ops::RangeInclusive<usize> = 2..=60;
/// Limits of a description, in characters.
const DESCRIPTION_CHARS: std::ops::RangeInclusive<usize> = 1..=2000;
/// Largest "minimum years in operation" a product may require.
const MAX_YEARS_IN_OPERATION: i32 = 50;

/// What to check beyond the shape of the terms.
struct Policy<'a> {
    max_rate: Option<Rate>,
    max_term_months: u16,
    service_area: Option<&'a RegionPrefix>,
}

impl ProductSpec {
    /// Validates a bank's input against the platform `rules` and the bank's `service_area`
    /// (every listed region must lie inside it). Errors name the GraphQL input field
    /// (`"amountMin"`, `"regionPrefixes"` …); the first rule broken is reported.
    pub fn parse(
        input: ProductSpecInput,
        rules: &ProductRules,
        service_area: &RegionPrefix,
    ) -> Result<Self, DomainError> {
        Self::build(
            input,
            &Policy {
                max_rate: Some(rules.max_rate),
                max_term_months: rules.max_term_months,
                service_area: Some(service_area),
            },
        )
    }

    /// Rebuilds a spec from stored columns: checks the shape (ranges ordered, codes valid,
    /// consents authorized …) but not the configurable rate ceiling, term limit or the bank's
    /// service area, which may have changed since the product was saved.
    pub fn restore(input: ProductSpecInput) -> Result<Self, DomainError> {
        Self::build(input, &Policy { max_rate: None, max_term_months: u16::MAX, service_area: None })
    }

    /// Validates `input` rule by rule, in the order of its fields; the first rule broken is reported.
    fn build(input: ProductSpecInput, policy: &Policy<'_>) -> Result<Self, DomainError> {
        let name = product_name(&input.name)?;
        let description = text(&input.description, "description", "产品介绍", DESCRIPTION_CHARS)?;
        amount_range(input.amount_min, input.amount_max)?;
        let (term_min, term_max) = term_range(input.term_months_min, input.term_months_max, policy)?;
        rate_range(input.rate_min, input.rate_max, policy)?;
        let subject_kinds = subject_kinds(input.subject_kinds)?;
        let region_prefixes = region_prefixes(&input.region_prefixes, policy.service_area)?;
        let industry_codes = industry_codes(&input.industry_codes)?;
        let min_tax_grade = min_tax_grade(input.min_tax_grade)?;
        let min_years_in_operation = min_years_in_operation(input.min_years_in_operation)?;
        let min_declared_years = min_declared_years(input.min_declared_years)?;
        let required_consents = required_consents(input.required_consents, input.tax_based)?;
        let trusted_rate_discount = trusted_rate_discount(input.trusted_rate_discount, input.rate_min)?;

        Ok(Self {
            name,
            description,
            product_type: input.product_type,
            amount_min: input.amount_min,
            amount_max: input.amount_max,
            term_months_min: term_min,
            term_months_max: term_max,
            rate_min: input.rate_min,
            rate_max: input.rate_max,
            subject_kinds,
            region_prefixes,
            industry_codes,
            min_tax_grade,
            accepts_not_rated: input.accepts_not_rated,
            min_years_in_operation,
            min_declared_years,
            requires_clean_record: input.requires_clean_record,
            requires_verified: input.requires_verified,
            required_consents,
            tax_based: input.tax_based,
            trusted_rate_discount,
            pre_credit: input.pre_credit,
        })
    }

    /// The raw form of this spec, e.g. to store it in columns or to edit and re-validate it.
    /// `ProductSpec::restore(spec.to_input()) == Ok(spec)`.
    pub fn to_input(&self) -> ProductSpecInput {
        ProductSpecInput {
            name: self.name.clone(),
            description: self.description.clone(),
            product_type: self.product_type,
            amount_min: self.amount_min,
            amount_max: self.amount_max,
            term_months_min: i32::from(self.term_months_min),
            term_months_max: i32::from(self.term_months_max),
            rate_min: self.rate_min,
            rate_max: self.rate_max,
            subject_kinds: self.subject_kinds.clone(),
            region_prefixes: self.region_prefixes.iter().map(|p| p.as_str().to_owned()).collect(),
            industry_codes: self.industry_codes.iter().map(|c| c.as_str().to_owned()).collect(),
            min_tax_grade: self.min_tax_grade,
            accepts_not_rated: self.accepts_not_rated,
            min_years_in_operation: self.min_years_in_operation.map(i32::from),
            min_declared_years: self.min_declared_years.map(i32::from),
            requires_clean_record: self.requires_clean_record,
            requires_verified: self.requires_verified,
            required_consents: self.required_consents.clone(),
            tax_based: self.tax_based,
            trusted_rate_discount: self.trusted_rate_discount,
            pre_credit: self.pre_credit.clone(),
        }
    }

    /// 产品名称 (trimmed).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// 产品介绍 (trimmed).
    pub fn description(&self) -> &str {
        &self.description
    }

    /// 产品类型.
    pub fn product_type(&self) -> ProductType {
        self.product_type
    }

    /// 最低额度 (positive).
    pub fn amount_min(&self) -> Money {
        self.amount_min
    }

    /// 最高额度 (≥ the minimum).
    pub fn amount_max(&self) -> Money {
        self.amount_max
    }

    /// 最短期限, months (≥ 1).
    pub fn term_months_min(&self) -> u16 {
        self.term_months_min
    }

    /// 最长期限, months (≥ the minimum).
    pub fn term_months_max(&self) -> u16 {
        self.term_months_max
    }

    /// 最低年利率 (positive).
    pub fn rate_min(&self) -> Rate {
        self.rate_min
    }

    /// 最高年利率 (≥ the minimum).
    pub fn rate_max(&self) -> Rate {
        self.rate_max
    }

    /// 适用主体类型: non-empty, sorted, no duplicates.
    pub fn subject_kinds(&self) -> &[SubjectKind] {
        &self.subject_kinds
    }

    /// 服务区域: non-empty, sorted, no duplicates.
    pub fn region_prefixes(&self) -> &[RegionPrefix] {
        &self.region_prefixes
    }

    /// 适用行业: sorted, no duplicates; empty means every industry.
    pub fn industry_codes(&self) -> &[IndustryCode] {
        &self.industry_codes
    }

    /// 最低纳税信用等级, if any.
    pub fn min_tax_grade(&self) -> Option<TaxGrade> {
        self.min_tax_grade
    }

    /// 接受未参评: whether a not-rated subject passes the minimum tax grade.
    pub fn accepts_not_rated(&self) -> bool {
        self.accepts_not_rated
    }

    /// 连续申报个人所得税年数, if required.
    pub fn min_declared_years(&self) -> Option<u8> {
        self.min_declared_years
    }

    /// 最低经营年限, if any (0–50).
    pub fn min_years_in_operation(&self) -> Option<u16> {
        self.min_years_in_operation
    }

    /// Whether a subject with an active serious-dishonesty record (失信) is excluded.
    pub fn requires_clean_record(&self) -> bool {
        self.requires_clean_record
    }

    /// Whether only real-name verified subjects are eligible.
    pub fn requires_verified(&self) -> bool {
        self.requires_verified
    }

    /// 需授权的数据类别: authorized categories only, sorted, no duplicates; contains TAX when
    /// the product is tax-based.
    pub fn required_consents(&self) -> &[DataCategory] {
        &self.required_consents
    }

    /// Whether this is a 银税互动 (tax-based) product.
    pub fn tax_based(&self) -> bool {
        self.tax_based
    }

    /// 守信激励 discount in percentage points (positive, ≤ the minimum rate), if any.
    pub fn trusted_rate_discount(&self) -> Option<Rate> {
        self.trusted_rate_discount
    }

    /// 预授信规则, if the bank set one.
    pub fn pre_credit(&self) -> Option<&PreCreditRule> {
        self.pre_credit.as_ref()
    }

    /// Whether `kind` is among the eligible subject kinds.
    pub fn serves_kind(&self, kind: SubjectKind) -> bool {
        self.subject_kinds.contains(&kind)
    }

    /// Whether some region prefix of the product contains `code`.
    pub fn serves_region(&self, code: &RegionCode) -> bool {
        self.region_prefixes.iter().any(|p| p.contains(code))
    }

    /// Whether the product serves `industry`: it lists no industry (all industries), or one of
    /// its codes covers `industry`.
    pub fn serves_industry(&self, industry: &IndustryCode) -> bool {
        self.industry_codes.is_empty() || self.industry_codes.iter().any(|c| c.matches(industry))
    }

    /// Whether `amount` lies within [amount_min, amount_max].
    pub fn accepts_amount(&self, amount: Money) -> bool {
        (self.amount_min..=self.amount_max).contains(&amount)
    }

    /// Whether `months` lies within [term_months_min, term_months_max].
    pub fn accepts_term(&self, months: u16) -> bool {
        (self.term_months_min..=self.term_months_max).contains(&months)
    }
}

fn text(
    raw: &str,
    field: &'static str,
    label: &'static str,
    chars: std::ops::RangeInclusive<usize>,
) -> Result<String, DomainError> {
    let value = raw.trim();
    let count = value.chars().count();
    if count == 0 {
        return Err(DomainError::invalid(field, Reason::TextRequired { label }));
    }
    if !chars.contains(&count) {
        return Err(DomainError::invalid(
            field,
            Reason::TextLength { label, min: *chars.start(), max: *chars.end(), count },
        ));
    }
    Ok(value.to_owned())
}

/// 产品名称: trimmed, 2–60 characters, without control characters such as line breaks.
fn product_name(raw: &str) -> Result<String, DomainError> {
    let name = text(raw, "name", "产品名称", NAME_CHARS)?;
    if name.chars().any(char::is_control) {
        return Err(DomainError::invalid("name", Reason::NameControlCharacters));
    }
    Ok(name)
}

/// 额度: both amounts positive, the lowest not above the highest.
fn amount_range(min: Money, max: Money) -> Result<(), DomainError> {
    positive_amount(min, "amountMin", "最低金额")?;
    positive_amount(max, "amountMax", "最高金额")?;
    if min > max {
        return Err(DomainError::invalid(
            "amountMin",
            Reason::AmountOrder { min: min.to_string(), max: max.to_string() },
        ));
    }
    Ok(())
}

fn positive_amount(amount: Money, field: &'static str, label: &'static str) -> Result<(), DomainError> {
    if amount.is_positive() { Ok(()) } else { Err(DomainError::invalid(field, Reason::AmountNotPositive { label })) }
}

fn term(months: i32, field: &'static str, label: &'static str, policy: &Policy<'_>) -> Result<u16, DomainError> {
    u16::try_from(months).ok().filter(|m| (1..=policy.max_term_months).contains(m)).ok_or_else(|| {
        DomainError::invalid(field, Reason::TermOutOfRange { label, max: policy.max_term_months, months })
    })
}

fn rate(rate: Rate, field: &'static str, label: &'static str, policy: &Policy<'_>) -> Result<(), DomainError> {
    if rate.bp() <= 0 {
        return Err(DomainError::invalid(field, Reason::RateNotPositive { label }));
    }
    if let Some(ceiling) = policy.max_rate
        && rate > ceiling
    {
        return Err(DomainError::invalid(
            field,
            Reason::RateAboveCeiling { label, rate: rate.to_string(), ceiling: ceiling.to_string() },
        ));
    }
    Ok(())
}

/// 期限: both terms within the policy's limits, the shortest not above the longest.
fn term_range(min: i32, max: i32, policy: &Policy<'_>) -> Result<(u16, u16), DomainError> {
    let term_min = term(min, "termMonthsMin", "最短期限", policy)?;
    let term_max = term(max, "termMonthsMax", "最长期限", policy)?;
    if term_min > term_max {
        return Err(DomainError::invalid("termMonthsMin", Reason::TermOrder { min: term_min, max: term_max }));
    }
    Ok((term_min, term_max))
}

/// 年利率: both rates positive and within the policy's ceiling, the lowest not above the highest.
fn rate_range(min: Rate, max: Rate, policy: &Policy<'_>) -> Result<(), DomainError> {
    rate(min, "rateMin", "最低年利率", policy)?;
    rate(max, "rateMax", "最高年利率", policy)?;
    if min > max {
        return Err(DomainError::invalid("rateMin", Reason::RateOrder { min: min.to_string(), max: max.to_string() }));
    }
    Ok(())
}

/// 适用主体类型, canonical: at least one.
fn subject_kinds(kinds: Vec<SubjectKind>) -> Result<Vec<SubjectKind>, DomainError> {
    let kinds = canonical(kinds);
    if kinds.is_empty() {
        return Err(DomainError::invalid("subjectKinds", Reason::SubjectKindsRequired));
    }
    Ok(kinds)
}

fn region_prefixes(raw: &[String], service_area: Option<&RegionPrefix>) -> Result<Vec<RegionPrefix>, DomainError> {
    if raw.is_empty() {
        return Err(DomainError::invalid("regionPrefixes", Reason::RegionPrefixesRequired));
    }
    let mut prefixes = Vec::with_capacity(raw.len());
    for text in raw {
        let prefix = RegionPrefix::parse(text).map_err(|e| e.at("regionPrefixes"))?;
        if let Some(area) = service_area
            && !area.contains_prefix(&prefix)
        {
            return Err(DomainError::invalid(
                "regionPrefixes",
                Reason::OutsideServiceArea { prefix: prefix.to_string(), area: area.to_string() },
            ));
        }
        prefixes.push(prefix);
    }
    Ok(canonical(prefixes))
}

/// 适用行业, canonical: valid GB/T 4754 codes; none means every industry.
fn industry_codes(raw: &[String]) -> Result<Vec<IndustryCode>, DomainError> {
    let codes = raw.iter().map(|c| IndustryCode::parse(c).map_err(|e| e.at("industryCodes")));
    Ok(canonical(codes.collect::<Result<Vec<_>, _>>()?))
}

/// A minimum tax grade is a level of the scale: not rated is none (a product accepts the unrated with
/// `accepts_not_rated`).
fn min_tax_grade(min: Option<TaxGrade>) -> Result<Option<TaxGrade>, DomainError> {
    match min {
        Some(TaxGrade::NotRated) => Err(DomainError::invalid("minTaxGrade", Reason::MinGradeNotRated)),
        min => Ok(min),
    }
}

/// 最低经营年限, if any: 0 to [`MAX_YEARS_IN_OPERATION`] years.
fn min_years_in_operation(years: Option<i32>) -> Result<Option<u16>, DomainError> {
    let Some(years) = years else { return Ok(None) };
    let valid = u16::try_from(years).ok().filter(|&y| i32::from(y) <= MAX_YEARS_IN_OPERATION);
    valid.map(Some).ok_or_else(|| {
        DomainError::invalid("minYearsInOperation", Reason::YearsOutOfRange { max: MAX_YEARS_IN_OPERATION, years })
    })
}

/// The most consecutive declared income-tax years a product may require.
pub const MAX_DECLARED_YEARS: i32 = 5;

/// 连续申报个人所得税年数, if any: 1 to [`MAX_DECLARED_YEARS`].
fn min_declared_years(years: Option<i32>) -> Result<Option<u8>, DomainError> {
    let Some(years) = years else { return Ok(None) };
    let valid = u8::try_from(years).ok().filter(|&y| y >= 1 && i32::from(y) <= MAX_DECLARED_YEARS);
    valid.map(Some).ok_or_else(|| {
        DomainError::invalid("minDeclaredYears", Reason::DeclaredYearsOutOfRange { max: MAX_DECLARED_YEARS, years })
    })
}

/// 需授权的数据类别, canonical: authorized categories only, and TAX for a tax-based product.
fn required_consents(mut consents: Vec<DataCategory>, tax_based: bool) -> Result<Vec<DataCategory>, DomainError> {
    if let Some(public) = consents.iter().find(|c| !c.is_authorized()) {
        return Err(DomainError::invalid(
            "requiredConsents",
            Reason::PublicCategoryRequired { label: public.label_zh() },
        ));
    }
    if tax_based {
        // 银税互动 products are granted on tax data: they always need TAX consent.
        consents.push(DataCategory::Tax);
    }
    Ok(canonical(consents))
}

/// 守信激励: a zero discount is none; a positive one may not exceed the lowest rate `rate_min`.
fn trusted_rate_discount(discount: Option<Rate>, rate_min: Rate) -> Result<Option<Rate>, DomainError> {
    let discount = discount.filter(|d| d.bp() > 0);
    if let Some(discount) = discount
        && discount > rate_min
    {
        return Err(DomainError::invalid(
            "trustedRateDiscount",
            Reason::DiscountTooLarge { discount: discount.to_string(), rate_min: rate_min.to_string() },
        ));
    }
    Ok(discount)
}

/// Sorted, without duplicates.
fn canonical<T: Ord>(mut items: Vec<T>) -> Vec<T> {
    items.sort();
    items.dedup();
    items
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A valid input: a tax-based credit loan for enterprises and individual businesses in Fuzhou.
    pub(crate) fn sample_input() -> ProductSpecInput {
        ProductSpecInput {
            name: "  税易贷  ".into(),
            description: "依托纳税信用，线上申请，随借随还。".into(),
            product_type: ProductType::Credit,
            amount_min: yuan(10_000),
            amount_max: yuan(3_000_000),
            term_months_min: 6,
            term_months_max: 36,
            rate_min: Rate::from_bp(345).unwrap(),
            rate_max: Rate::from_bp(600).unwrap(),
            subject_kinds: vec![SubjectKind::IndividualBusiness, SubjectKind::Enterprise, SubjectKind::Enterprise],
            region_prefixes: vec!["350102".into(), "3501".into(), "3501".into()],
            industry_codes: vec!["1391".into(), "F".into()],
            min_tax_grade: Some(TaxGrade::B),
            accepts_not_rated: false,
            min_declared_years: None,
            min_years_in_operation: Some(2),
            requires_clean_record: true,
            requires_verified: true,
            required_consents: vec![DataCategory::SocialInsurance],
            tax_based: true,
            trusted_rate_discount: Some(Rate::from_bp(20).unwrap()),
            pre_credit: None,
        }
    }

    pub(crate) fn yuan(yuan: i64) -> Money {
        Money::from_fen(yuan * 100)
    }

    pub(crate) fn fuzhou() -> RegionPrefix {
        RegionPrefix::parse("3501").unwrap()
    }

    pub(crate) fn sample_spec() -> ProductSpec {
        ProductSpec::parse(sample_input(), &ProductRules::default(), &fuzhou()).unwrap()
    }

    fn parse(input: ProductSpecInput) -> Result<ProductSpec, DomainError> {
        ProductSpec::parse(input, &ProductRules::default(), &fuzhou())
    }

    fn rate(bp: i32) -> Rate {
        Rate::from_bp(bp).unwrap()
    }

    #[test]
    fn default_rules() {
        let rules = ProductRules::default();
        assert_eq!(rules.max_rate.bp(), 2400);
        assert_eq!(rules.max_term_months, 360);
    }

    #[test]
    fn valid_input_is_canonicalized() {
        let spec = sample_spec();
        assert_eq!(spec.name(), "税易贷");
        assert_eq!(spec.subject_kinds(), [SubjectKind::Enterprise, SubjectKind::IndividualBusiness]);
        let regions: Vec<_> = spec.region_prefixes().iter().map(|p| p.as_str()).collect();
        assert_eq!(regions, ["3501", "350102"]);
        let industries: Vec<_> = spec.industry_codes().iter().map(|c| c.as_str()).collect();
        assert_eq!(industries, ["C1391", "F"]);
        assert_eq!(
            spec.required_consents(),
            [DataCategory::Tax, DataCategory::SocialInsurance],
            "a tax-based product requires TAX consent"
        );
        assert_eq!(spec.term_months_min(), 6);
        assert_eq!(spec.term_months_max(), 36);
        assert_eq!(spec.min_years_in_operation(), Some(2));
        assert_eq!(spec.min_tax_grade(), Some(TaxGrade::B));
        assert_eq!(spec.trusted_rate_discount(), Some(rate(20)));
        assert!(spec.tax_based() && spec.requires_clean_record() && spec.requires_verified());
    }

    #[test]
    fn to_input_round_trips_through_parse_and_restore() {
        let spec = sample_spec();
        assert_eq!(ProductSpec::restore(spec.to_input()).unwrap(), spec);
        assert_eq!(parse(spec.to_input()).unwrap(), spec);
        assert_eq!(spec.to_input().required_consents, [DataCategory::Tax, DataCategory::SocialInsurance]);
    }

    #[test]
    fn tax_consent_is_not_duplicated() {
        let mut input = sample_input();
        input.required_consents = vec![DataCategory::Tax, DataCategory::Tax];
        assert_eq!(parse(input).unwrap().required_consents(), [DataCategory::Tax]);
        let mut input = sample_input();
        input.tax_based = false;
        input.required_consents.clear();
        assert!(parse(input).unwrap().required_consents().is_empty());
    }

    #[test]
    fn empty_industries_mean_all_and_zero_discount_means_none() {
        let mut input = sample_input();
        input.industry_codes.clear();
        input.trusted_rate_discount = Some(rate(0));
        input.min_years_in_operation = Some(0);
        let spec = parse(input).unwrap();
        assert!(spec.industry_codes().is_empty());
        assert!(spec.serves_industry(&IndustryCode::parse("A01").unwrap()));
        assert_eq!(spec.trusted_rate_discount(), None);
        assert_eq!(spec.min_years_in_operation(), Some(0));
    }

    #[test]
    fn boundaries_are_accepted() {
        let mut input = sample_input();
        input.name = "税贷".into();
        input.description = "x".repeat(2000);
        input.amount_min = Money::from_fen(1);
        input.amount_max = Money::from_fen(1);
        input.term_months_min = 1;
        input.term_months_max = 360;
        input.rate_min = rate(2400);
        input.rate_max = rate(2400);
        input.trusted_rate_discount = Some(rate(2400));
        input.min_years_in_operation = Some(50);
        input.region_prefixes = vec!["3501".into(), "350102001".into()];
        assert!(parse(input).is_ok());
        let mut input = sample_input();
        input.name = "名".repeat(60);
        input.term_months_min = 360;
        input.term_months_max = 360;
        assert!(parse(input).is_ok());
    }

    type Mutation = fn(&mut ProductSpecInput);

    #[test]
    fn each_rule_reports_its_field_and_code() {
        let cases: Vec<(&str, Mutation, &str, &str, &str)> = vec![
            ("name too short", |i| i.name = " 贷 ".into(), "name", "INVALID_LENGTH", "产品名称应为2至60个字符"),
            ("name blank", |i| i.name = "   ".into(), "name", "REQUIRED", "产品名称不能为空"),
            ("name too long", |i| i.name = "名".repeat(61), "name", "INVALID_LENGTH", "当前为61个"),
            ("name control", |i| i.name = "税易\n贷".into(), "name", "INVALID_CHARACTERS", "控制字符"),
            ("description empty", |i| i.description = " ".into(), "description", "REQUIRED", "产品介绍不能为空"),
            ("description too long", |i| i.description = "x".repeat(2001), "description", "INVALID_LENGTH", "1至2000"),
            ("amount min zero", |i| i.amount_min = Money::ZERO, "amountMin", "NOT_POSITIVE", "最低金额必须大于0"),
            (
                "amount max negative",
                |i| i.amount_max = Money::from_fen(-1),
                "amountMax",
                "NOT_POSITIVE",
                "最高金额必须大于0",
            ),
            (
                "amounts reversed",
                |i| i.amount_min = Money::from_fen(300_000_001),
                "amountMin",
                "RANGE_ORDER",
                "最低金额不能高于最高金额",
            ),
            ("term min zero", |i| i.term_months_min = 0, "termMonthsMin", "OUT_OF_RANGE", "1至360个月"),
            ("term min negative", |i| i.term_months_min = -6, "termMonthsMin", "OUT_OF_RANGE", "收到-6"),
            (
                "term max over",
                |i| i.term_months_max = 361,
                "termMonthsMax",
                "OUT_OF_RANGE",
                "最长期限应在1至360个月之间",
            ),
            ("term max huge", |i| i.term_months_max = 70_000, "termMonthsMax", "OUT_OF_RANGE", "1至360"),
            ("terms reversed", |i| i.term_months_min = 37, "termMonthsMin", "RANGE_ORDER", "最短期限不能长于最长期限"),
            ("rate min zero", |i| i.rate_min = rate(0), "rateMin", "NOT_POSITIVE", "最低年利率必须大于0"),
            (
                "rate max above ceiling",
                |i| i.rate_max = rate(2401),
                "rateMax",
                "RATE_ABOVE_CEILING",
                "最高年利率24.01%超过平台利率上限24.00%",
            ),
            (
                "rate min above ceiling",
                |i| {
                    i.rate_min = rate(3000);
                    i.rate_max = rate(3000);
                },
                "rateMin",
                "RATE_ABOVE_CEILING",
                "24.00%",
            ),
            ("rates reversed", |i| i.rate_min = rate(601), "rateMin", "RANGE_ORDER", "最低年利率不能高于最高年利率"),
            ("no subject kind", |i| i.subject_kinds.clear(), "subjectKinds", "REQUIRED", "至少选择一种"),
            ("no region", |i| i.region_prefixes.clear(), "regionPrefixes", "REQUIRED", "至少填写一个服务区域"),
            (
                "bad region",
                |i| i.region_prefixes.push("35010".into()),
                "regionPrefixes",
                "INVALID_REGION_CODE",
                "35010",
            ),
            (
                "region outside",
                |i| i.region_prefixes.push("3502".into()),
                "regionPrefixes",
                "OUTSIDE_SERVICE_AREA",
                "服务区域“3502”不在本机构的服务范围“3501”之内",
            ),
            (
                "region wider than area",
                |i| i.region_prefixes = vec!["35".into()],
                "regionPrefixes",
                "OUTSIDE_SERVICE_AREA",
                "“35”",
            ),
            ("bad industry", |i| i.industry_codes.push("C44".into()), "industryCodes", "INVALID_INDUSTRY_CODE", "门类"),
            (
                "years negative",
                |i| i.min_years_in_operation = Some(-1),
                "minYearsInOperation",
                "OUT_OF_RANGE",
                "0至50年",
            ),
            (
                "years too many",
                |i| i.min_years_in_operation = Some(51),
                "minYearsInOperation",
                "OUT_OF_RANGE",
                "收到51",
            ),
            (
                "public consent",
                |i| i.required_consents.push(DataCategory::AdminPenalty),
                "requiredConsents",
                "NOT_AUTHORIZED_CATEGORY",
                "“行政处罚”属于公示信息",
            ),
            (
                "discount above rate",
                |i| i.trusted_rate_discount = Some(rate(346)),
                "trustedRateDiscount",
                "DISCOUNT_TOO_LARGE",
                "不能超过最低年利率3.45%",
            ),
        ];
        for (case, mutate, want_field, want_code, want_message) in cases {
            let mut input = sample_input();
            mutate(&mut input);
            match parse(input) {
                Err(DomainError::Invalid { field, reason }) => {
                    let message = reason.message();
                    assert_eq!((field, reason.code()), (want_field, want_code), "{case}: {message}");
                    assert!(message.contains(want_message), "{case}: {message}");
                }
                other => panic!("{case}: expected an Invalid error, got {other:?}"),
            }
        }
    }

    #[test]
    fn not_rated_is_no_minimum_grade_and_accepting_the_unrated_is_kept() {
        let err = parse(ProductSpecInput { min_tax_grade: Some(TaxGrade::NotRated), ..sample_input() }).unwrap_err();
        assert_eq!((err.code(), err.to_string().contains("acceptsNotRated")), ("MIN_GRADE_NOT_RATED", true), "{err}");
        let spec = parse(ProductSpecInput { accepts_not_rated: true, ..sample_input() }).unwrap();
        assert!(spec.accepts_not_rated() && spec.to_input().accepts_not_rated);
        assert!(!sample_spec().accepts_not_rated());
    }

    #[test]
    fn custom_rules_apply() {
        let rules = ProductRules { max_rate: rate(1500), max_term_months: 60 };
        let mut input = sample_input();
        input.term_months_max = 61;
        let err = ProductSpec::parse(input, &rules, &fuzhou()).unwrap_err();
        assert_eq!(err.code(), "OUT_OF_RANGE");
        assert!(err.to_string().contains("1至60个月"), "{err}");
        let mut input = sample_input();
        input.rate_max = rate(1501);
        let err = ProductSpec::parse(input, &rules, &fuzhou()).unwrap_err();
        assert_eq!(err.code(), "RATE_ABOVE_CEILING");
    }

    #[test]
    fn province_wide_bank_may_serve_any_city_in_it() {
        let mut input = sample_input();
        input.region_prefixes = vec!["3502".into(), "350102".into()];
        let province = RegionPrefix::parse("35").unwrap();
        assert!(ProductSpec::parse(input, &ProductRules::default(), &province).is_ok());
    }

    #[test]
    fn restore_skips_ceiling_term_limit_and_service_area_but_checks_shape() {
        let mut input = sample_input();
        input.rate_max = rate(3600);
        input.term_months_max = 480;
        input.region_prefixes = vec!["44".into()];
        let spec = ProductSpec::restore(input).unwrap();
        assert_eq!(spec.rate_max(), rate(3600));
        assert_eq!(spec.term_months_max(), 480);

        let mut input = sample_input();
        input.amount_min = Money::from_fen(300_000_001);
        assert_eq!(ProductSpec::restore(input).unwrap_err().code(), "RANGE_ORDER");
        let mut input = sample_input();
        input.region_prefixes = vec!["4".into()];
        assert_eq!(ProductSpec::restore(input).unwrap_err().code(), "INVALID_REGION_CODE");
        let mut input = sample_input();
        input.required_consents = vec![DataCategory::Honor];
        assert_eq!(ProductSpec::restore(input).unwrap_err().code(), "NOT_AUTHORIZED_CATEGORY");
    }

    #[test]
    fn helpers_follow_the_ranges() {
        let spec = sample_spec();
        assert!(spec.accepts_amount(yuan(10_000)));
        assert!(spec.accepts_amount(yuan(3_000_000)));
        assert!(!spec.accepts_amount(Money::from_fen(999_999)));
        assert!(spec.accepts_term(6) && spec.accepts_term(36));
        assert!(!spec.accepts_term(5) && !spec.accepts_term(37));
        assert!(spec.serves_region(&RegionCode::parse("350103").unwrap()));
        assert!(!spec.serves_region(&RegionCode::parse("350203").unwrap()));
        assert!(spec.serves_kind(SubjectKind::Enterprise));
        assert!(!spec.serves_kind(SubjectKind::FarmerCooperative));
        assert!(spec.serves_industry(&IndustryCode::parse("F5212").unwrap()));
        assert!(!spec.serves_industry(&IndustryCode::parse("C1392").unwrap()));
    }
}
