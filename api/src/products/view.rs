//! The `LoanProduct` API type.

use async_graphql::{ID, SimpleObject};
use xyd_domain::product::PreCreditRule;
use xyd_domain::{Money, Rate};

use super::entity;
use crate::error::{AppError, AppResult};
use crate::graphql::{
    GqlDataCategory, GqlDateTime, GqlMoney, GqlProductStatus, GqlProductType, GqlRate, GqlSubjectKind, GqlTaxGrade,
};
use crate::institutions::Institution;

/// 金融产品 (loan product) as the API shows it.
#[derive(Clone, Debug, SimpleObject)]
pub struct LoanProduct {
    /// 产品 ID。
    pub id: ID,
    /// 发布产品的银行。
    pub bank: Institution,
    /// 产品名称。
    pub name: String,
    /// 产品介绍。
    pub description: String,
    /// 产品类型（担保方式）。
    pub product_type: GqlProductType,
    /// 产品状态（草稿、已上架、已暂停、已归档）。
    pub status: GqlProductStatus,
    /// 最低额度（元）。
    pub amount_min: GqlMoney,
    /// 最高额度（元）。
    pub amount_max: GqlMoney,
    /// 最短期限（月）。
    pub term_months_min: i32,
    /// 最长期限（月）。
    pub term_months_max: i32,
    /// 最低年利率（百分数，如 "3.45"）。
    pub rate_min: GqlRate,
    /// 最高年利率（百分数）。
    pub rate_max: GqlRate,
    /// 适用主体类型。
    pub subject_kinds: Vec<GqlSubjectKind>,
    /// Region code prefixes the product serves.
    pub region_prefixes: Vec<String>,
    /// GB/T 4754 codes the product is limited to; empty means every industry.
    pub industry_codes: Vec<String>,
    /// 最低纳税信用等级；null 表示不限。
    pub min_tax_grade: Option<GqlTaxGrade>,
    /// 最低经营年限（年）；null 表示不限。
    pub min_years_in_operation: Option<i32>,
    /// 要求无严重失信记录（失信主体不可申请）。
    pub requires_clean_record: bool,
    /// 要求已实名认证。
    pub requires_verified: bool,
    /// Data the bank needs the enterprise's consent to read.
    pub required_consents: Vec<GqlDataCategory>,
    /// 银税互动 product.
    pub tax_based: bool,
    /// Discount off the rate for 守信 (trusted) subjects.
    pub trusted_rate_discount: Option<GqlRate>,
    /// 预授信规则 in words, for display (null: the product estimates no limit).
    pub pre_credit_rule: Option<String>,
    /// Pass it back to `updateProduct` as `expectedVersion` to detect concurrent edits.
    pub version: i64,
    /// 首次上架时间；从未上架为 null。
    pub published_at: Option<GqlDateTime>,
}

impl crate::pagination::Paged for LoanProduct {
    const EDGE: &'static str = "ProductEdge";
    const CONNECTION: &'static str = "ProductConnection";
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> AppError {
    AppError::internal(what, e)
}

fn rate(bp: i32) -> AppResult<GqlRate> {
    Rate::from_bp(bp).map(GqlRate).map_err(|e| corrupt("product rate", e))
}

impl LoanProduct {
    pub fn new(m: entity::Model, bank: Institution) -> AppResult<Self> {
        Ok(Self {
            id: ID(m.id.to_string()),
            bank,
            product_type: m.product_type.into(),
            status: m.status.into(),
            amount_min: GqlMoney(Money::from_fen(m.amount_min)),
            amount_max: GqlMoney(Money::from_fen(m.amount_max)),
            term_months_min: m.term_min,
            term_months_max: m.term_max,
            rate_min: rate(m.rate_min)?,
            rate_max: rate(m.rate_max)?,
            subject_kinds: m.subject_kinds.iter().map(|k| (*k).into()).collect(),
            region_prefixes: m.region_prefixes.iter().map(ToString::to_string).collect(),
            industry_codes: m.industry_codes.iter().map(ToString::to_string).collect(),
            min_tax_grade: m.min_tax_grade.map(Into::into),
            min_years_in_operation: m.min_years,
            requires_clean_record: m.requires_clean_record,
            requires_verified: m.requires_verified,
            required_consents: m.required_consents.iter().map(|c| (*c).into()).collect(),
            tax_based: m.tax_based,
            trusted_rate_discount: m.trusted_discount.map(rate).transpose()?,
            pre_credit_rule: m
                .pre_credit_rule
                .as_deref()
                .map(|r| PreCreditRule::decode(r).map(|r| r.describe()))
                .transpose()
                .map_err(|e| corrupt("pre-credit rule", e))?,
            version: m.version,
            published_at: m.published_at.map(GqlDateTime),
            name: m.name,
            description: m.description,
        })
    }
}
