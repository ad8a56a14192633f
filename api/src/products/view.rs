//! The `LoanProduct` API type: a view of a product's row and its bank, both shared, so a page of search results
//! copies nothing from the catalogue and each field is worked out only if the request asks for it.

use std::sync::Arc;

use async_graphql::{ID, Object};
use xyd_domain::product::PreCreditRule;
use xyd_domain::{Money, Rate};

use super::entity;
use crate::error::{AppError, AppResult};
use crate::graphql::{
    GqlDataCategory, GqlDateTime, GqlMoney, GqlProductStatus, GqlProductType, GqlRate, GqlSubjectKind, GqlTaxGrade,
};
use crate::institutions::Institution;

/// A loan product as the API shows it: its row and its bank.
#[derive(Clone)]
pub struct LoanProduct {
    row: Arc<entity::Model>,
    bank: Arc<Institution>,
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
    /// The product of `row`, published by `bank`.
    pub fn new(row: Arc<entity::Model>, bank: Arc<Institution>) -> Self {
        Self { row, bank }
    }

    /// The product's id.
    pub fn product_id(&self) -> xyd_domain::ProductId {
        self.row.id
    }
}

/// 金融产品 (loan product) as the API shows it.
#[Object]
impl LoanProduct {
    /// 产品 ID。
    async fn id(&self) -> ID {
        ID(self.row.id.to_string())
    }

    /// 发布产品的银行。
    async fn bank(&self) -> &Institution {
        &self.bank
    }

    /// 产品名称。
    async fn name(&self) -> &str {
        &self.row.name
    }

    /// 产品介绍。
    async fn description(&self) -> &str {
        &self.row.description
    }

    /// 产品类型（担保方式）。
    async fn product_type(&self) -> GqlProductType {
        self.row.product_type.into()
    }

    /// 产品状态（草稿、已上架、已暂停、已归档）。
    async fn status(&self) -> GqlProductStatus {
        self.row.status.into()
    }

    /// 最低额度（元）。
    async fn amount_min(&self) -> GqlMoney {
        GqlMoney(Money::from_fen(self.row.amount_min))
    }

    /// 最高额度（元）。
    async fn amount_max(&self) -> GqlMoney {
        GqlMoney(Money::from_fen(self.row.amount_max))
    }

    /// 最短期限（月）。
    async fn term_months_min(&self) -> i32 {
        self.row.term_min
    }

    /// 最长期限（月）。
    async fn term_months_max(&self) -> i32 {
        self.row.term_max
    }

    /// 最低年利率（百分数，如 "3.45"）。
    async fn rate_min(&self) -> AppResult<GqlRate> {
        rate(self.row.rate_min)
    }

    /// 最高年利率（百分数）。
    async fn rate_max(&self) -> AppResult<GqlRate> {
        rate(self.row.rate_max)
    }

    /// 适用主体类型。
    async fn subject_kinds(&self) -> Vec<GqlSubjectKind> {
        self.row.subject_kinds.iter().map(|k| (*k).into()).collect()
    }

    /// Region code prefixes the product serves.
    async fn region_prefixes(&self) -> Vec<String> {
        self.row.region_prefixes.iter().map(ToString::to_string).collect()
    }

    /// GB/T 4754 codes the product is limited to; empty means every industry.
    async fn industry_codes(&self) -> Vec<String> {
        self.row.industry_codes.iter().map(ToString::to_string).collect()
    }

    /// 最低纳税信用等级；null 表示不限。
    async fn min_tax_grade(&self) -> Option<GqlTaxGrade> {
        self.row.min_tax_grade.map(Into::into)
    }

    /// 接受未参评（NOT_RATED）主体：为 true 时未参评主体视为满足最低纳税信用等级要求。
    async fn accepts_not_rated(&self) -> bool {
        self.row.accepts_not_rated
    }

    /// 最低经营年限（年）；null 表示不限。
    async fn min_years_in_operation(&self) -> Option<i32> {
        self.row.min_years
    }

    /// 要求连续申报个人所得税的年数；null 表示不要求。
    async fn min_declared_years(&self) -> Option<i32> {
        self.row.min_declared_years
    }

    /// 要求无严重失信记录（失信主体不可申请）。
    async fn requires_clean_record(&self) -> bool {
        self.row.requires_clean_record
    }

    /// 要求已实名认证。
    async fn requires_verified(&self) -> bool {
        self.row.requires_verified
    }

    /// Data the bank needs the enterprise's consent to read.
    async fn required_consents(&self) -> Vec<GqlDataCategory> {
        self.row.required_consents.iter().map(|c| (*c).into()).collect()
    }

    /// 银税互动 product.
    async fn tax_based(&self) -> bool {
        self.row.tax_based
    }

    /// Discount off the rate for 守信 (trusted) subjects.
    async fn trusted_rate_discount(&self) -> AppResult<Option<GqlRate>> {
        self.row.trusted_discount.map(rate).transpose()
    }

    /// 预授信规则 in words, for display (null: the product estimates no limit).
    async fn pre_credit_rule(&self) -> AppResult<Option<String>> {
        self.row
            .pre_credit_rule
            .as_deref()
            .map(|r| PreCreditRule::decode(r).map(|r| r.describe()))
            .transpose()
            .map_err(|e| corrupt("pre-credit rule", e))
    }

    /// Pass it back to `updateProduct` as `expectedVersion` to detect concurrent edits.
    async fn version(&self) -> i64 {
        self.row.version
    }

    /// 首次上架时间；从未上架为 null。
    async fn published_at(&self) -> Option<GqlDateTime> {
        self.row.published_at.map(GqlDateTime)
    }
}
