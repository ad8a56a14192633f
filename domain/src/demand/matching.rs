//! 产品匹配 (matching a financing demand with loan products): hard eligibility rules that explain
//! themselves, and a documented, deterministic ranking score.
//!
//! [`evaluate`] checks one product against one demand and its subject. Every hard rule that fails adds
//! an `unmet` [`Reason`] (the product is then ineligible) — a near miss says exactly what is missing,
//! e.g. "纳税信用等级需达到B级" or "需授权纳税数据"; rules that pass may add a short `reasons` entry.
//! [`score`] then ranks products by rate, fit of amount and term, text relevance of the purpose,
//! the 守信激励 discount and the bank's response record.

use chrono::NaiveDate;

use crate::{DataCategory, IndustryCode, Money, ProductSpec, ProductType, Rate, RegionCode, SubjectKind, TaxGrade};

/// What matching needs of a 融资需求 (financing demand).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemandFacts {
    /// 融资金额.
    pub amount: Money,
    /// 融资期限, months.
    pub term_months: u16,
    /// 可接受的担保方式: the product types the enterprise accepts (empty: any).
    pub guarantee_types: Vec<ProductType>,
    /// 可接受的最高年利率, if stated.
    pub max_rate: Option<Rate>,
    /// 资金用途 (free text; its relevance to products comes from full-text search).
    pub purpose: String,
    /// 授权数据类别: categories the enterprise shares with responding banks (`shareWithResponders`).
    pub shared_categories: Vec<DataCategory>,
}

/// What matching needs of the 市场主体 (market subject) behind a demand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectFacts {
    /// 主体类型.
    pub kind: SubjectKind,
    /// 所在行政区划.
    pub region: RegionCode,
    /// 所属行业 (GB/T 4754), if known.
    pub industry: Option<IndustryCode>,
    /// 成立日期, if known.
    pub established_on: Option<NaiveDate>,
    /// 已实名认证.
    pub verified: bool,
    /// 失信惩戒: an active serious-dishonesty record.
    pub restricted: bool,
    /// 守信激励: tax grade A or an active honor.
    pub trusted: bool,
    /// 最近一年纳税信用等级, if any.
    pub latest_tax_grade: Option<TaxGrade>,
    /// Consecutive declared income-tax years up to last year or the year before
    /// ([`crate::credit::consecutive_declared_years`]); 0 for subjects without income tax.
    pub declared_years: u8,
    /// The day its latest tax row stood, when that is older than the platform's freshness limit.
    pub stale_tax: Option<NaiveDate>,
    /// Today's date in Asia/Shanghai, for the years in operation.
    pub today: NaiveDate,
}

/// One explanation (`MatchReason`): a stable English UPPER_SNAKE `code` and a Chinese `message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// Stable UPPER_SNAKE code, e.g. `"TAX_GRADE"`.
    pub code: &'static str,
    /// Explanation in Simplified Chinese, e.g. "纳税信用等级需达到B级".
    pub message: String,
}

impl Reason {
    /// A reason with `code` and Chinese `message`.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }
}

/// How much a judgement writes down. `Full`: every reason with its message, for an answer a person reads.
/// `Codes`: the same codes, eligibility and points with empty messages, to rank a whole catalogue without
/// formatting thousands of sentences, explaining (in `Full`) only the products shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Codes and messages.
    Full,
    /// Codes only (empty messages).
    Codes,
}

impl Detail {
    fn reason<M: Into<String>>(self, code: &'static str, message: impl FnOnce() -> M) -> Reason {
        match self {
            Detail::Full => Reason::new(code, message()),
            Detail::Codes => Reason { code, message: String::new() },
        }
    }
}

/// The verdict of [`evaluate`]: 可申请 (eligible) or not, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// No hard rule failed (`unmet` is empty).
    pub eligible: bool,
    /// What fits (short, informative).
    pub reasons: Vec<Reason>,
    /// What is missing: one entry per failed rule (per missing consent category).
    pub unmet: Vec<Reason>,
    /// 执行利率起点: the product's lowest rate, less the 守信激励 discount for a trusted subject
    /// (never below 0).
    pub effective_rate: Rate,
}

impl Evaluation {
    /// The codes of the unmet rules, in rule order.
    pub fn unmet_codes(&self) -> Vec<&'static str> {
        self.unmet.iter().map(|r| r.code).collect()
    }
}

/// Ranking signals that come from outside the product itself.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RankInputs {
    /// Position of the product in a full-text search of the demand's purpose (0 = most relevant);
    /// `None` when the product did not match the text at all (or search was unavailable).
    pub text_rank: Option<usize>,
    /// Share (0–1) of the bank's first responses given within the time limit; `None` when unknown.
    pub bank_sla_ratio: Option<f64>,
}

/// The amount as yuan, without decimals when whole ("3000000", "1234.50").
fn yuan(amount: Money) -> String {
    if amount.fen() % 100 == 0 { (amount.fen() / 100).to_string() } else { amount.to_yuan_string() }
}

/// "需授权纳税数据" for TAX, "需授权{label}数据" for the other categories.
fn consent_message(category: DataCategory) -> String {
    match category {
        DataCategory::Tax => "需授权纳税数据".to_owned(),
        other => format!("需授权{}数据", other.label_zh()),
    }
}

/// The rate a `trusted` subject gets from `product`: `rate_min`, less the trusted discount when
/// `trusted` (never below 0).
pub fn effective_rate(product: &ProductSpec, trusted: bool) -> Rate {
    match product.trusted_rate_discount() {
        Some(discount) if trusted => {
            Rate::from_bp((product.rate_min().bp() - discount.bp()).max(0)).unwrap_or(product.rate_min())
        }
        _ => product.rate_min(),
    }
}

/// Checks the hard rules of `product` against `demand` and `subject`, in this order (unmet codes):
///
/// | code | the rule |
/// |---|---|
/// | `AMOUNT_OUT_OF_RANGE` | the amount lies within the product's amount range |
/// | `TERM_OUT_OF_RANGE` | the term lies within the product's term range |
/// | `SUBJECT_KIND` | the product serves the subject's kind |
/// | `REGION` | a service-area prefix of the product contains the subject's region |
/// | `INDUSTRY` | the product lists no industry, or one that covers the subject's (known) industry |
/// | `GUARANTEE_TYPE` | the product type is among the demand's guarantee types (none listed: any) |
/// | `RATE_ABOVE_MAX` | the product's `rate_min` is at most the demand's `max_rate` (if any) |
/// | `TAX_GRADE` | the latest tax grade meets the product's minimum (no grade fails) |
/// | `YEARS_IN_OPERATION` | full years since establishment reach the minimum (no date fails) |
/// | `DECLARED_YEARS` | consecutive declared income-tax years reach the product's minimum |
///
/// A product that reads tax data notes a stale tax row (`TAX_DATA_STALE`) among its reasons: a note, no rule.
/// | `RESTRICTED` | a product requiring a clean record excludes a restricted (失信) subject |
/// | `NOT_VERIFIED` | a product requiring 实名认证 excludes an unverified subject |
/// | `CONSENT_NEEDED` | one per required consent category the demand does not share |
///
/// The amount/term/rate rules agree with [`crate::ProductFilter::matches`].
pub fn evaluate(demand: &DemandFacts, subject: &SubjectFacts, product: &ProductSpec) -> Evaluation {
    evaluate_in(Detail::Full, demand, subject, product)
}

/// [`evaluate`], writing its messages only in `Detail::Full`.
pub fn evaluate_in(detail: Detail, demand: &DemandFacts, subject: &SubjectFacts, product: &ProductSpec) -> Evaluation {
    let mut findings = Findings::new(detail);
    findings.check_ranges(demand, product);
    findings.check_audience(subject, product);
    findings.check_demand_terms(demand, product);
    findings.check_track_record(subject, product);
    findings.check_standing(subject, product);
    findings.check_consents(demand, product);
    if product.tax_based() {
        findings.fits("TAX_BASED", || "银税互动产品，凭纳税信用申请");
    }
    let Findings { reasons, unmet, .. } = findings;
    Evaluation { eligible: unmet.is_empty(), reasons, unmet, effective_rate: effective_rate(product, subject.trusted) }
}

/// The rules about the subject alone (whom the product serves, track record, standing), without a demand: what
/// a 预授信 estimate must pass. Same codes and messages as [`evaluate`].
pub fn evaluate_subject(subject: &SubjectFacts, product: &ProductSpec) -> Evaluation {
    let mut findings = Findings::new(Detail::Full);
    findings.check_audience(subject, product);
    findings.check_track_record(subject, product);
    findings.check_standing(subject, product);
    let Findings { reasons, unmet, .. } = findings;
    Evaluation { eligible: unmet.is_empty(), reasons, unmet, effective_rate: effective_rate(product, subject.trusted) }
}

/// What [`evaluate`] found so far: reasons for what fits, and the rules that failed, in rule order.
struct Findings {
    detail: Detail,
    reasons: Vec<Reason>,
    unmet: Vec<Reason>,
}

impl Findings {
    fn new(detail: Detail) -> Self {
        Self { detail, reasons: Vec::new(), unmet: Vec::new() }
    }

    /// Adds a reason: something that fits.
    fn fits<M: Into<String>>(&mut self, code: &'static str, message: impl FnOnce() -> M) {
        self.reasons.push(self.detail.reason(code, message));
    }

    /// Adds an unmet rule.
    fn misses<M: Into<String>>(&mut self, code: &'static str, message: impl FnOnce() -> M) {
        self.unmet.push(self.detail.reason(code, message));
    }

    /// `AMOUNT_OUT_OF_RANGE` and `TERM_OUT_OF_RANGE`: the demand's amount and term.
    fn check_ranges(&mut self, demand: &DemandFacts, product: &ProductSpec) {
        let range = || (yuan(product.amount_min()), yuan(product.amount_max()));
        if product.accepts_amount(demand.amount) {
            self.fits("AMOUNT_IN_RANGE", || {
                let (min, max) = range();
                format!("额度{min}至{max}元，覆盖申请金额")
            });
        } else {
            self.misses("AMOUNT_OUT_OF_RANGE", || {
                let (min, max) = range();
                format!("贷款金额需在{min}至{max}元之间")
            });
        }

        let (term_min, term_max) = (product.term_months_min(), product.term_months_max());
        if product.accepts_term(demand.term_months) {
            self.fits("TERM_IN_RANGE", || format!("期限{term_min}至{term_max}个月，覆盖申请期限"));
        } else {
            self.misses("TERM_OUT_OF_RANGE", || format!("贷款期限需在{term_min}至{term_max}个月之间"));
        }
    }

    /// `SUBJECT_KIND`, `REGION` and `INDUSTRY`: whom the product serves.
    fn check_audience(&mut self, subject: &SubjectFacts, product: &ProductSpec) {
        if !product.serves_kind(subject.kind) {
            self.misses("SUBJECT_KIND", || format!("该产品不面向{}", subject.kind.label_zh()));
        }

        if !product.serves_region(&subject.region) {
            self.misses("REGION", || "不在该产品服务区域");
        }

        if !product.industry_codes().is_empty() {
            match &subject.industry {
                Some(industry) if product.serves_industry(industry) => {}
                Some(_) => self.misses("INDUSTRY", || "所属行业不在该产品适用行业范围内"),
                None => self.misses("INDUSTRY", || "未登记所属行业，该产品仅面向特定行业"),
            }
        }
    }

    /// `GUARANTEE_TYPE` and `RATE_ABOVE_MAX`: the guarantee types and highest rate the demand accepts.
    fn check_demand_terms(&mut self, demand: &DemandFacts, product: &ProductSpec) {
        let product_type = product.product_type();
        if demand.guarantee_types.is_empty() || demand.guarantee_types.contains(&product_type) {
            self.fits("GUARANTEE_TYPE_ACCEPTED", || match product_type {
                ProductType::Credit => "纯信用贷款，无需抵押担保".to_owned(),
                other => format!("担保方式为{}，在可接受范围内", other.label_zh()),
            });
        } else {
            self.misses("GUARANTEE_TYPE", || format!("该产品为{}，不在可接受的担保方式内", product_type.label_zh()));
        }

        if let Some(max) = demand.max_rate {
            let rate_min = product.rate_min();
            if rate_min <= max {
                self.fits("RATE_WITHIN_MAX", || format!("最低年利率{rate_min}%，不高于可接受的{max}%"));
            } else {
                self.misses("RATE_ABOVE_MAX", || format!("最低年利率{rate_min}%高于可接受的最高利率{max}%"));
            }
        }
    }

    /// `TAX_GRADE`, `YEARS_IN_OPERATION` and `DECLARED_YEARS`: the subject's latest tax grade, years in
    /// operation and consecutive declared income-tax years. A not-rated
    /// subject passes the grade rule only where the product accepts the unrated, and is told which either way.
    fn check_track_record(&mut self, subject: &SubjectFacts, product: &ProductSpec) {
        if let Some(min) = product.min_tax_grade() {
            match subject.latest_tax_grade {
                Some(grade) if grade.meets(min) => {
                    self.fits("TAX_GRADE_MET", || {
                        format!("纳税信用等级{}，达到{}要求", grade.label_zh(), min.label_zh())
                    });
                }
                Some(TaxGrade::NotRated) if product.accepts_not_rated() => {
                    self.fits("TAX_GRADE_NOT_RATED_ACCEPTED", || {
                        "未参评纳税信用评价，本产品接受未参评主体".to_string()
                    });
                }
                Some(TaxGrade::NotRated) => self.misses("TAX_GRADE_NOT_RATED", || {
                    format!("未参评纳税信用评价，本产品要求纳税信用等级达到{}", min.label_zh())
                }),
                _ => self.misses("TAX_GRADE", || format!("纳税信用等级需达到{}", min.label_zh())),
            }
        }

        if let Some(min) = product.min_years_in_operation().filter(|&y| y > 0) {
            let years = subject.established_on.and_then(|founded| subject.today.years_since(founded));
            match years {
                Some(years) if years >= u32::from(min) => {
                    self.fits("YEARS_IN_OPERATION_MET", || format!("已经营{years}年，满足{min}年要求"));
                }
                _ => self.misses("YEARS_IN_OPERATION", || format!("经营年限需满{min}年")),
            }
        }

        let reads_tax = product.min_tax_grade().is_some() || product.tax_based();
        if let Some(as_of) = subject.stale_tax.filter(|_| reads_tax) {
            self.fits("TAX_DATA_STALE", || {
                format!("纳税信用数据截至{as_of}，已超过数据时效，等级以税务部门最新评价为准")
            });
        }

        if let Some(min) = product.min_declared_years() {
            let years = subject.declared_years;
            if years >= min {
                self.fits("DECLARED_YEARS_MET", || format!("已连续{years}年申报个人所得税，满足{min}年要求"));
            } else {
                self.misses("DECLARED_YEARS", || format!("需连续{min}年申报个人所得税（最近连续申报{years}年）"));
            }
        }
    }

    /// `RESTRICTED` and `NOT_VERIFIED`: the subject's 失信 record and 实名认证.
    fn check_standing(&mut self, subject: &SubjectFacts, product: &ProductSpec) {
        if product.requires_clean_record() && subject.restricted {
            self.misses("RESTRICTED", || "存在严重失信记录，不符合准入条件");
        }

        if product.requires_verified() && !subject.verified {
            self.misses("NOT_VERIFIED", || "需完成实名认证");
        }
    }

    /// `CONSENT_NEEDED`: one per required consent category the demand does not share.
    fn check_consents(&mut self, demand: &DemandFacts, product: &ProductSpec) {
        let required = product.required_consents();
        let missing: Vec<DataCategory> =
            required.iter().copied().filter(|c| !demand.shared_categories.contains(c)).collect();
        if missing.is_empty() && !required.is_empty() {
            self.fits("CONSENT_SHARED", || {
                let labels: Vec<&str> = required.iter().map(|c| c.label_zh()).collect();
                format!("已授权所需数据：{}", labels.join("、"))
            });
        }
        for category in missing {
            self.misses("CONSENT_NEEDED", || consent_message(category));
        }
    }
}

/// Points for the rate: 40 × (1 − min(rate, 15%) / 15%).
const RATE_POINTS: f64 = 40.0;
/// Rates at or above this (basis points) get no rate points.
const RATE_SCALE_BP: f64 = 1500.0;
/// Points for each of the amount fit and the term fit.
const FIT_POINTS: f64 = 10.0;
/// Points for the best text relevance.
const TEXT_POINTS: f64 = 20.0;
/// Points for any 守信激励 discount, plus as much again for a discount of 1 percentage point or more.
const TRUSTED_POINTS: f64 = 5.0;
/// Points for a bank whose first responses are all within the time limit.
const BANK_POINTS: f64 = 10.0;
/// From this share of timely first responses on, a bank counts as responsive.
const RESPONSIVE_RATIO: f64 = 0.8;

/// Where `p` (0–1) lies in a range, in words.
fn position_zh(p: f64) -> &'static str {
    if p < 1.0 / 3.0 {
        "低端"
    } else if p <= 2.0 / 3.0 {
        "中段"
    } else {
        "高端"
    }
}

/// Fit of a position `p` in [0, 1]: 1 in the middle, ½ at either end.
fn fit(p: f64) -> f64 {
    1.0 - (2.0 * p - 1.0).abs() / 2.0
}

/// Position of the amount within the product's range on a logarithmic scale (amounts span orders of
/// magnitude); `None` outside the range.
fn amount_position(amount: Money, product: &ProductSpec) -> Option<f64> {
    if !product.accepts_amount(amount) || !amount.is_positive() {
        return None;
    }
    #[expect(
        clippy::cast_precision_loss,
        reason = "a position on a log scale: an amount beyond 2^53 fen moves by under 1e-15 of itself"
    )]
    let ln = |m: Money| (m.fen() as f64).ln();
    let (low, high) = (ln(product.amount_min()), ln(product.amount_max()));
    Some(if high > low { ((ln(amount) - low) / (high - low)).clamp(0.0, 1.0) } else { 0.5 })
}

/// Position of the term within the product's range, linear; `None` outside the range.
fn term_position(months: u16, product: &ProductSpec) -> Option<f64> {
    if !product.accepts_term(months) {
        return None;
    }
    let (low, high) = (f64::from(product.term_months_min()), f64::from(product.term_months_max()));
    Some(if high > low { (f64::from(months) - low) / (high - low) } else { 0.5 })
}

/// The ranking score of `product` for `demand` (higher is better, 0–100, rounded to 2 decimals) and
/// the reasons explaining each part. Deterministic; the sum of:
///
/// - **rate** (`RATE`): 40 × (1 − min(r, 15%) / 15%), with r = `eval.effective_rate`;
/// - **amount fit** (`AMOUNT_FIT`): 10 × (1 − |2p − 1| / 2), p = position of the amount in the product's
///   range on a log scale (0.5 when min = max) — 10 in the middle, 5 at the ends, 0 outside;
/// - **term fit** (`TERM_FIT`): the same with a linear position of the term;
/// - **text relevance** (`TEXT_RELEVANCE`): 20 / (1 + k / 2) for full-text rank k (0 = best), 0 without;
/// - **守信激励** (`TRUSTED_DISCOUNT`): for a trusted subject and a product with a discount d,
///   5 + 5 × min(d, 1 percentage point) / 1 percentage point (the discount also lowers r);
/// - **bank responsiveness** (`BANK_RESPONSIVE` from 80% on, else `BANK_RESPONSE_RECORD`):
///   10 × the share of the bank's first responses within the time limit (clamped to 0–1; unknown: 0).
///
/// Eligibility is not part of the score: list eligible products first, then rank by score.
pub fn score(
    demand: &DemandFacts,
    product: &ProductSpec,
    eval: &Evaluation,
    subject_trusted: bool,
    inputs: &RankInputs,
) -> (f64, Vec<Reason>) {
    score_in(Detail::Full, demand, product, eval, subject_trusted, inputs)
}

/// [`score`], writing its messages only in `Detail::Full`.
pub fn score_in(
    detail: Detail,
    demand: &DemandFacts,
    product: &ProductSpec,
    eval: &Evaluation,
    subject_trusted: bool,
    inputs: &RankInputs,
) -> (f64, Vec<Reason>) {
    let mut total = 0.0;
    let mut reasons = Vec::new();

    let rate = eval.effective_rate;
    total += RATE_POINTS * (1.0 - f64::from(rate.bp()).min(RATE_SCALE_BP) / RATE_SCALE_BP);
    let discounted = if rate < product.rate_min() { "（含守信优惠）" } else { "" };
    reasons.push(detail.reason("RATE", || format!("年利率{rate}%起{discounted}")));

    if let Some(p) = amount_position(demand.amount, product) {
        total += FIT_POINTS * fit(p);
        reasons.push(detail.reason("AMOUNT_FIT", || format!("申请金额处于产品额度的{}", position_zh(p))));
    }
    if let Some(p) = term_position(demand.term_months, product) {
        total += FIT_POINTS * fit(p);
        reasons.push(detail.reason("TERM_FIT", || format!("申请期限处于产品期限范围的{}", position_zh(p))));
    }

    if let Some(rank) = inputs.text_rank {
        #[expect(clippy::cast_precision_loss, reason = "search ranks are positions in one page of hits")]
        let k = rank as f64;
        total += TEXT_POINTS / (1.0 + k / 2.0);
        reasons.push(detail.reason("TEXT_RELEVANCE", || {
            if rank == 0 {
                "资金用途与产品介绍最为相关".to_owned()
            } else {
                format!("资金用途与产品介绍相关（相关度第{}位）", rank + 1)
            }
        }));
    }

    if let Some(discount) = product.trusted_rate_discount().filter(|_| subject_trusted) {
        let share = f64::from(discount.bp()).min(100.0) / 100.0;
        total += TRUSTED_POINTS + TRUSTED_POINTS * share;
        reasons.push(detail.reason("TRUSTED_DISCOUNT", || format!("守信激励：利率优惠{discount}个百分点")));
    }

    if let Some(ratio) = inputs.bank_sla_ratio.filter(|r| r.is_finite()).map(|r| r.clamp(0.0, 1.0)) {
        total += BANK_POINTS * ratio;
        let percent = (ratio * 100.0).round();
        if ratio >= RESPONSIVE_RATIO {
            reasons
                .push(detail.reason("BANK_RESPONSIVE", || format!("银行响应及时：{percent}%的需求在时限内首次响应")));
        } else {
            reasons.push(detail.reason("BANK_RESPONSE_RECORD", || format!("该银行时限内首次响应率为{percent}%")));
        }
    }

    ((total * 100.0).round() / 100.0, reasons)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ProductSpecInput;

    fn rate(bp: i32) -> Rate {
        Rate::from_bp(bp).unwrap()
    }

    fn yuan_amount(yuan: i64) -> Money {
        Money::from_fen(yuan * 100)
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// A tax-based credit loan: 10 000–3 000 000 yuan, 6–36 months, 3.45–6.00%, enterprises in
    /// Fuzhou (3501), manufacturing (C), grade ≥ B, ≥ 2 years, clean record, verified, social
    /// insurance (+ TAX) consent, 0.30 point trusted discount.
    fn product_input() -> ProductSpecInput {
        ProductSpecInput {
            name: "税易贷".into(),
            description: "依托纳税信用，线上申请，用于采购原材料、补充流动资金。".into(),
            product_type: ProductType::Credit,
            amount_min: yuan_amount(10_000),
            amount_max: yuan_amount(3_000_000),
            term_months_min: 6,
            term_months_max: 36,
            rate_min: rate(345),
            rate_max: rate(600),
            subject_kinds: vec![SubjectKind::Enterprise],
            region_prefixes: vec!["3501".into()],
            industry_codes: vec!["C".into()],
            min_tax_grade: Some(TaxGrade::B),
            accepts_not_rated: false,
            min_declared_years: None,
            min_years_in_operation: Some(2),
            requires_clean_record: true,
            requires_verified: true,
            required_consents: vec![DataCategory::SocialInsurance],
            tax_based: true,
            trusted_rate_discount: Some(rate(30)),
            pre_credit: None,
        }
    }

    fn product() -> ProductSpec {
        ProductSpec::restore(product_input()).unwrap()
    }

    fn demand() -> DemandFacts {
        DemandFacts {
            amount: yuan_amount(500_000),
            term_months: 12,
            guarantee_types: vec![ProductType::Credit, ProductType::Guarantee],
            max_rate: Some(rate(500)),
            purpose: "采购原材料".into(),
            shared_categories: vec![DataCategory::Tax, DataCategory::SocialInsurance],
        }
    }

    fn subject() -> SubjectFacts {
        SubjectFacts {
            kind: SubjectKind::Enterprise,
            region: RegionCode::parse("350102").unwrap(),
            industry: Some(IndustryCode::parse("C1391").unwrap()),
            established_on: Some(date(2020, 5, 1)),
            verified: true,
            restricted: false,
            trusted: false,
            latest_tax_grade: Some(TaxGrade::B),
            declared_years: 0,
            stale_tax: None,
            today: date(2026, 6, 1),
        }
    }

    #[test]
    fn a_stale_tax_row_is_explained_where_the_product_reads_tax() {
        let s = SubjectFacts { stale_tax: Some(date(2024, 12, 31)), ..subject() };
        let judged = evaluate(&demand(), &s, &product());
        let note = judged.reasons.iter().find(|r| r.code == "TAX_DATA_STALE").expect("the note");
        assert_eq!(note.message, "纳税信用数据截至2024-12-31，已超过数据时效，等级以税务部门最新评价为准");
        assert!(judged.eligible, "a note, not a refusal: {:?}", judged.unmet);
        assert!(!evaluate(&demand(), &subject(), &product()).reasons.iter().any(|r| r.code == "TAX_DATA_STALE"));
    }

    #[test]
    fn a_product_may_require_consecutive_declared_years() {
        let input = crate::product::ProductSpecInput { min_declared_years: Some(2), ..product().to_input() };
        let p = ProductSpec::restore(input).unwrap();
        let one = evaluate(&demand(), &SubjectFacts { declared_years: 1, ..subject() }, &p);
        assert_eq!(one.unmet_codes(), ["DECLARED_YEARS"]);
        assert_eq!(one.unmet[0].message, "需连续2年申报个人所得税（最近连续申报1年）");
        let two = evaluate(&demand(), &SubjectFacts { declared_years: 2, ..subject() }, &p);
        assert!(two.eligible && two.reasons.iter().any(|r| r.code == "DECLARED_YEARS_MET"), "{two:?}");
    }

    proptest::proptest! {
        /// Ranking in `Codes` sees exactly what `Full` sees: the same codes in the same order, eligibility,
        /// effective rate and points; only the messages are left out.
        #[test]
        fn codes_only_judges_exactly_like_full(
            amount in 1_000i64..5_000_000, term in 1u16..60, max_rate in proptest::option::of(100i32..1500),
            enterprise in proptest::bool::ANY, verified in proptest::bool::ANY, restricted in proptest::bool::ANY,
            trusted in proptest::bool::ANY, graded in proptest::bool::ANY, founded in 2010i32..2027,
            shares_social in proptest::bool::ANY, text_rank in proptest::option::of(0usize..200),
            sla in proptest::option::of(0.0f64..1.0),
        ) {
            let mut d = demand();
            (d.amount, d.term_months, d.max_rate) = (yuan_amount(amount), term, max_rate.map(rate));
            if !shares_social {
                d.shared_categories = vec![DataCategory::Tax];
            }
            let mut f = subject();
            f.kind = if enterprise { SubjectKind::Enterprise } else { SubjectKind::IndividualBusiness };
            (f.verified, f.restricted, f.trusted) = (verified, restricted, trusted);
            f.latest_tax_grade = graded.then_some(TaxGrade::A);
            f.established_on = Some(date(founded, 3, 1));
            let p = product();
            let inputs = RankInputs { text_rank, bank_sla_ratio: sla };
            let (full, codes) = (evaluate(&d, &f, &p), evaluate_in(Detail::Codes, &d, &f, &p));
            let codes_of = |r: &[Reason]| r.iter().map(|r| r.code).collect::<Vec<_>>();
            proptest::prop_assert_eq!(full.eligible, codes.eligible);
            proptest::prop_assert_eq!(full.effective_rate, codes.effective_rate);
            proptest::prop_assert_eq!(codes_of(&full.unmet), codes_of(&codes.unmet));
            proptest::prop_assert_eq!(codes_of(&full.reasons), codes_of(&codes.reasons));
            proptest::prop_assert!(codes.reasons.iter().chain(&codes.unmet).all(|r| r.message.is_empty()));
            let (points, why) = score(&d, &p, &full, trusted, &inputs);
            let (quick_points, quick_why) = score_in(Detail::Codes, &d, &p, &codes, trusted, &inputs);
            proptest::prop_assert_eq!(points.to_bits(), quick_points.to_bits());
            proptest::prop_assert_eq!(codes_of(&why), codes_of(&quick_why));
        }
    }

    #[test]
    fn the_base_case_is_eligible_with_reasons() {
        let eval = evaluate(&demand(), &subject(), &product());
        assert!(eval.eligible, "{:?}", eval.unmet);
        assert!(eval.unmet.is_empty());
        assert_eq!(eval.effective_rate, rate(345));
        let codes: Vec<_> = eval.reasons.iter().map(|r| r.code).collect();
        assert_eq!(
            codes,
            [
                "AMOUNT_IN_RANGE",
                "TERM_IN_RANGE",
                "GUARANTEE_TYPE_ACCEPTED",
                "RATE_WITHIN_MAX",
                "TAX_GRADE_MET",
                "YEARS_IN_OPERATION_MET",
                "CONSENT_SHARED",
                "TAX_BASED"
            ]
        );
        assert_eq!(eval.reasons[5].message, "已经营6年，满足2年要求");
        assert_eq!(eval.reasons[6].message, "已授权所需数据：纳税信息、社会保险");
    }

    type Case =
        (&'static str, fn(&mut DemandFacts, &mut SubjectFacts, &mut ProductSpecInput), &'static str, &'static str);

    #[test]
    fn each_rule_alone_makes_the_product_ineligible() {
        let cases: &[Case] = &[
            (
                "amount too large",
                |d, _, _| d.amount = yuan_amount(5_000_000),
                "AMOUNT_OUT_OF_RANGE",
                "贷款金额需在10000至3000000元之间",
            ),
            (
                "amount too small",
                |d, _, _| d.amount = yuan_amount(9_999),
                "AMOUNT_OUT_OF_RANGE",
                "贷款金额需在10000至3000000元之间",
            ),
            ("term too long", |d, _, _| d.term_months = 48, "TERM_OUT_OF_RANGE", "贷款期限需在6至36个月之间"),
            ("term too short", |d, _, _| d.term_months = 3, "TERM_OUT_OF_RANGE", "贷款期限需在6至36个月之间"),
            (
                "individual business",
                |_, s, _| s.kind = SubjectKind::IndividualBusiness,
                "SUBJECT_KIND",
                "该产品不面向个体工商户",
            ),
            ("other region", |_, s, _| s.region = RegionCode::parse("440305").unwrap(), "REGION", "不在该产品服务区域"),
            (
                "other industry",
                |_, s, _| s.industry = Some(IndustryCode::parse("F5212").unwrap()),
                "INDUSTRY",
                "所属行业不在该产品适用行业范围内",
            ),
            ("no industry", |_, s, _| s.industry = None, "INDUSTRY", "未登记所属行业，该产品仅面向特定行业"),
            (
                "mortgage only",
                |d, _, _| d.guarantee_types = vec![ProductType::Mortgage],
                "GUARANTEE_TYPE",
                "该产品为信用贷款，不在可接受的担保方式内",
            ),
            (
                "rate ceiling",
                |d, _, _| d.max_rate = Some(rate(300)),
                "RATE_ABOVE_MAX",
                "最低年利率3.45%高于可接受的最高利率3.00%",
            ),
            ("grade M", |_, s, _| s.latest_tax_grade = Some(TaxGrade::M), "TAX_GRADE", "纳税信用等级需达到B级"),
            ("no grade", |_, s, _| s.latest_tax_grade = None, "TAX_GRADE", "纳税信用等级需达到B级"),
            (
                "not rated",
                |_, s, _| s.latest_tax_grade = Some(TaxGrade::NotRated),
                "TAX_GRADE_NOT_RATED",
                "未参评纳税信用评价，本产品要求纳税信用等级达到B级",
            ),
            ("too young", |_, s, _| s.established_on = Some(date(2024, 6, 2)), "YEARS_IN_OPERATION", "经营年限需满2年"),
            ("unknown age", |_, s, _| s.established_on = None, "YEARS_IN_OPERATION", "经营年限需满2年"),
            ("restricted", |_, s, _| s.restricted = true, "RESTRICTED", "存在严重失信记录，不符合准入条件"),
            ("unverified", |_, s, _| s.verified = false, "NOT_VERIFIED", "需完成实名认证"),
            (
                "tax not shared",
                |d, _, _| d.shared_categories = vec![DataCategory::SocialInsurance],
                "CONSENT_NEEDED",
                "需授权纳税数据",
            ),
            (
                "social insurance not shared",
                |d, _, _| d.shared_categories = vec![DataCategory::Tax],
                "CONSENT_NEEDED",
                "需授权社会保险数据",
            ),
            (
                "housing fund required",
                |_, _, p| p.required_consents.push(DataCategory::HousingFund),
                "CONSENT_NEEDED",
                "需授权住房公积金数据",
            ),
        ];
        for &(case, change, code, message) in cases {
            let (mut d, mut s, mut p) = (demand(), subject(), product_input());
            change(&mut d, &mut s, &mut p);
            let eval = evaluate(&d, &s, &ProductSpec::restore(p).unwrap());
            assert!(!eval.eligible, "{case}");
            assert_eq!(eval.unmet_codes(), [code], "{case}");
            assert_eq!(eval.unmet[0].message, message, "{case}");
        }
    }

    #[test]
    fn a_not_rated_subject_passes_the_grade_rule_only_where_the_product_accepts_the_unrated() {
        let s = SubjectFacts { latest_tax_grade: Some(TaxGrade::NotRated), ..subject() };
        let refused = evaluate(&demand(), &s, &product());
        assert_eq!(refused.unmet_codes(), ["TAX_GRADE_NOT_RATED"]);
        let accepting = ProductSpec::restore(ProductSpecInput { accepts_not_rated: true, ..product_input() }).unwrap();
        let accepted = evaluate(&demand(), &s, &accepting);
        assert!(accepted.eligible, "{:?}", accepted.unmet);
        let reason = accepted.reasons.iter().find(|r| r.code.starts_with("TAX_GRADE")).unwrap();
        assert_eq!(
            (reason.code, reason.message.as_str()),
            ("TAX_GRADE_NOT_RATED_ACCEPTED", "未参评纳税信用评价，本产品接受未参评主体")
        );
        // Accepting the unrated lowers no bar for the rated.
        let graded_c = SubjectFacts { latest_tax_grade: Some(TaxGrade::C), ..subject() };
        assert_eq!(evaluate(&demand(), &graded_c, &accepting).unmet_codes(), ["TAX_GRADE"]);
    }

    #[test]
    fn rules_the_product_does_not_set_do_not_apply() {
        let mut p = product_input();
        p.industry_codes.clear();
        p.min_tax_grade = None;
        p.min_years_in_operation = None;
        p.requires_clean_record = false;
        p.requires_verified = false;
        p.required_consents.clear();
        p.tax_based = false;
        let s = SubjectFacts {
            industry: None,
            established_on: None,
            verified: false,
            restricted: true,
            latest_tax_grade: None,
            ..subject()
        };
        let d = DemandFacts { guarantee_types: vec![], max_rate: None, shared_categories: vec![], ..demand() };
        let eval = evaluate(&d, &s, &ProductSpec::restore(p).unwrap());
        assert!(eval.eligible, "{:?}", eval.unmet);
    }

    #[test]
    fn years_in_operation_count_full_years() {
        let p = product();
        let on = |founded| evaluate(&demand(), &SubjectFacts { established_on: Some(founded), ..subject() }, &p);
        assert!(on(date(2024, 6, 1)).eligible, "exactly two years");
        assert_eq!(on(date(2024, 6, 2)).unmet_codes(), ["YEARS_IN_OPERATION"]);
        assert_eq!(on(date(2027, 1, 1)).unmet_codes(), ["YEARS_IN_OPERATION"], "founded in the future");
    }

    #[test]
    fn failures_accumulate_in_rule_order() {
        let s = SubjectFacts { restricted: true, verified: false, latest_tax_grade: Some(TaxGrade::D), ..subject() };
        let d = DemandFacts { amount: yuan_amount(1), shared_categories: vec![], ..demand() };
        let eval = evaluate(&d, &s, &product());
        assert_eq!(
            eval.unmet_codes(),
            ["AMOUNT_OUT_OF_RANGE", "TAX_GRADE", "RESTRICTED", "NOT_VERIFIED", "CONSENT_NEEDED", "CONSENT_NEEDED"]
        );
        assert_eq!(eval.unmet[4].message, "需授权纳税数据");
        assert_eq!(eval.unmet[5].message, "需授权社会保险数据");
    }

    #[test]
    fn the_trusted_discount_lowers_the_effective_rate() {
        let trusted = SubjectFacts { trusted: true, ..subject() };
        assert_eq!(evaluate(&demand(), &trusted, &product()).effective_rate, rate(315));
        assert_eq!(evaluate(&demand(), &subject(), &product()).effective_rate, rate(345));
        let mut p = product_input();
        p.trusted_rate_discount = None;
        assert_eq!(evaluate(&demand(), &trusted, &ProductSpec::restore(p).unwrap()).effective_rate, rate(345));
        // The rate ceiling is checked against rate_min, like the product search filter.
        let d = DemandFacts { max_rate: Some(rate(320)), ..demand() };
        assert_eq!(evaluate(&d, &trusted, &product()).unmet_codes(), ["RATE_ABOVE_MAX"]);
    }

    fn scored(subject: &SubjectFacts, product: &ProductSpec, inputs: &RankInputs) -> (f64, Vec<Reason>) {
        let eval = evaluate(&demand(), subject, product);
        score(&demand(), product, &eval, subject.trusted, inputs)
    }

    #[test]
    fn a_trusted_subject_ranks_the_discounted_product_higher() {
        let trusted = SubjectFacts { trusted: true, ..subject() };
        let discounted = product();
        let mut plain = product_input();
        plain.trusted_rate_discount = None;
        let plain = ProductSpec::restore(plain).unwrap();
        let inputs = RankInputs::default();

        let (with, reasons) = scored(&trusted, &discounted, &inputs);
        let (without, _) = scored(&trusted, &plain, &inputs);
        assert!(with > without, "{with} vs {without}");
        let trusted_reason = reasons.iter().find(|r| r.code == "TRUSTED_DISCOUNT").unwrap();
        assert_eq!(trusted_reason.message, "守信激励：利率优惠0.30个百分点");
        assert_eq!(reasons[0].message, "年利率3.15%起（含守信优惠）");

        // An untrusted subject gets no discount: the two products tie.
        let (a, reasons) = scored(&subject(), &discounted, &inputs);
        let (b, _) = scored(&subject(), &plain, &inputs);
        assert_eq!(a, b);
        assert!(reasons.iter().all(|r| r.code != "TRUSTED_DISCOUNT"));
    }

    #[test]
    fn score_formula() {
        // 40 × (1 − 345/1500) = 30.8; amount fit: ln(500 000) in ln(10 000)..ln(3 000 000) → p ≈ 0.686,
        // 10 × (1 − 0.372/2) ≈ 8.14; term: p = 6/30 = 0.2 → 10 × 0.7 = 7.
        let (total, reasons) = scored(&subject(), &product(), &RankInputs::default());
        let p = (500_000f64.ln() - 10_000f64.ln()) / (3_000_000f64.ln() - 10_000f64.ln());
        let want = 30.8 + 10.0 * (1.0 - (2.0 * p - 1.0).abs() / 2.0) + 7.0;
        assert!((total - want).abs() < 0.006, "{total} vs {want}");
        let codes: Vec<_> = reasons.iter().map(|r| r.code).collect();
        assert_eq!(codes, ["RATE", "AMOUNT_FIT", "TERM_FIT"]);
        assert_eq!(reasons[1].message, "申请金额处于产品额度的高端");
        assert_eq!(reasons[2].message, "申请期限处于产品期限范围的低端");

        let inputs = RankInputs { text_rank: Some(0), bank_sla_ratio: Some(0.9) };
        let (full, reasons) = scored(&subject(), &product(), &inputs);
        assert!((full - (total + 20.0 + 9.0)).abs() < 0.011, "{full}");
        let codes: Vec<_> = reasons.iter().map(|r| r.code).collect();
        assert_eq!(codes, ["RATE", "AMOUNT_FIT", "TERM_FIT", "TEXT_RELEVANCE", "BANK_RESPONSIVE"]);
        assert_eq!(reasons[4].message, "银行响应及时：90%的需求在时限内首次响应");
    }

    #[test]
    fn each_signal_moves_the_score_the_right_way() {
        let s = subject();
        let p = product();
        let at = |inputs: RankInputs| scored(&s, &p, &inputs).0;
        let none = RankInputs::default();
        assert!(at(RankInputs { text_rank: Some(0), ..none }) > at(RankInputs { text_rank: Some(3), ..none }));
        assert!(at(RankInputs { text_rank: Some(3), ..none }) > at(none));
        assert!(
            at(RankInputs { bank_sla_ratio: Some(0.9), ..none }) > at(RankInputs { bank_sla_ratio: Some(0.4), ..none })
        );
        assert_eq!(at(RankInputs { bank_sla_ratio: Some(f64::NAN), ..none }), at(none));
        assert_eq!(
            at(RankInputs { bank_sla_ratio: Some(7.0), ..none }),
            at(RankInputs { bank_sla_ratio: Some(1.0), ..none })
        );
        let (_, reasons) = scored(&s, &p, &RankInputs { bank_sla_ratio: Some(0.4), text_rank: Some(2) });
        assert!(reasons.iter().any(|r| r.code == "BANK_RESPONSE_RECORD" && r.message == "该银行时限内首次响应率为40%"));
        assert!(reasons.iter().any(|r| r.message == "资金用途与产品介绍相关（相关度第3位）"));

        // Lower rate ranks higher.
        let mut cheaper = product_input();
        cheaper.rate_min = rate(300);
        let cheaper = ProductSpec::restore(cheaper).unwrap();
        assert!(scored(&s, &cheaper, &none).0 > scored(&s, &p, &none).0);

        // An amount in the middle of the range fits better than one at its edge.
        let eval = evaluate(&demand(), &s, &p);
        let middle = DemandFacts { amount: yuan_amount(173_205), ..demand() };
        let edge = DemandFacts { amount: yuan_amount(3_000_000), ..demand() };
        assert!(score(&middle, &p, &eval, false, &none).0 > score(&edge, &p, &eval, false, &none).0);
        let outside = DemandFacts { amount: yuan_amount(3_000_001), ..demand() };
        assert!(score(&edge, &p, &eval, false, &none).0 > score(&outside, &p, &eval, false, &none).0);
    }

    #[test]
    fn scores_are_deterministic_and_bounded() {
        let trusted = SubjectFacts { trusted: true, ..subject() };
        let inputs = RankInputs { text_rank: Some(0), bank_sla_ratio: Some(1.0) };
        let (a, ra) = scored(&trusted, &product(), &inputs);
        let (b, rb) = scored(&trusted, &product(), &inputs);
        assert_eq!(a, b);
        assert_eq!(ra, rb);
        assert!((0.0..=100.0).contains(&a), "{a}");
    }
}
