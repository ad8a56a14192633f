//! GraphQL operations of the product supermarket.

use std::sync::Arc;

use async_graphql::{Context, ID, InputObject, Object};
use xyd_domain::product::{PreCreditRule, ProductFilter as DomainFilter, ProductSpecInput};
use xyd_domain::{IndustryCode, InstitutionId, ProductId};
use xyd_reasons::Reason;

use super::manage::{self, Transition};
use super::search::{decode_offset, encode_offset};
use super::{LoanProduct, ProductRepo, entity};
use crate::auth::Principal;
use crate::auth::principal::require_principal;
use crate::error::{AppError, AppResult};
use crate::graphql::{
    GqlDataCategory, GqlMoney, GqlPreCreditBasis, GqlProductType, GqlRate, GqlSubjectKind, GqlTaxGrade, id_arg,
};
use crate::pagination::{Connection, Edge, MAX_PAGE};
use crate::state::AppState;

/// 金融产品要素（银行录入）：新建或整体替换一个产品的条款。
#[derive(InputObject)]
pub struct ProductInput {
    /// 产品名称，2–60 个字。
    pub name: String,
    /// 产品介绍，1–2000 个字（参与全文检索）。
    pub description: String,
    /// 产品类型（担保方式）。
    pub product_type: GqlProductType,
    /// 最低额度（元）。
    pub amount_min: GqlMoney,
    /// 最高额度（元），不低于最低额度。
    pub amount_max: GqlMoney,
    /// 最短期限（月），1 至平台上限（默认 360）。
    pub term_months_min: i32,
    /// 最长期限（月），不短于最短期限。
    pub term_months_max: i32,
    /// 最低年利率（百分数，如 "3.45"）。
    pub rate_min: GqlRate,
    /// 最高年利率（百分数），不超过平台利率上限（默认 24%）。
    pub rate_max: GqlRate,
    /// 适用主体类型，至少一种。
    pub subject_kinds: Vec<GqlSubjectKind>,
    /// 服务区域：行政区划代码前缀（2/4/6/9 位，也可写6位 GB/T 2260 代码，如 "440800"，保存为 "4408"），须在本行
    /// 服务区域内。
    pub region_prefixes: Vec<String>,
    /// 适用行业（GB/T 4754 代码，任意层级）；不传或为空表示不限行业。
    pub industry_codes: Option<Vec<String>>,
    /// 最低纳税信用等级；不传表示不限。不能为 NOT_RATED（未参评不是等级）。
    pub min_tax_grade: Option<GqlTaxGrade>,
    /// 接受未参评（NOT_RATED）主体：为 true 时未参评主体视为满足最低纳税信用等级要求；默认 false，未参评主体不满足任何最低等级要求。
    pub accepts_not_rated: Option<bool>,
    /// 最低经营年限（年），0–50；不传表示不限。
    pub min_years_in_operation: Option<i32>,
    /// 要求连续申报个人所得税的年数（1–5，截至上一年度或前一年度）；不传表示不要求。面向自然人与个体工商户的产品用。
    pub min_declared_years: Option<i32>,
    /// 要求无严重失信记录；默认 false。
    pub requires_clean_record: Option<bool>,
    /// 要求已实名认证；默认 false。
    pub requires_verified: Option<bool>,
    /// 需企业授权才能查看的数据类别（只限授权类数据）；银税互动产品总含 TAX。
    pub required_consents: Option<Vec<GqlDataCategory>>,
    /// 是否银税互动产品；默认 false。
    pub tax_based: Option<bool>,
    /// 守信激励：对守信主体的利率优惠（百分点，如 "0.20"）；不传表示无优惠。
    pub trusted_rate_discount: Option<GqlRate>,
    /// 预授信规则: lets verified enterprises see an estimated limit from their own tax data (not an offer).
    pub pre_credit: Option<PreCreditRuleInput>,
}

/// 预授信规则 as a bank enters it.
#[derive(InputObject)]
pub struct PreCreditRuleInput {
    /// The last tax year's figure the limit is a multiple of.
    pub basis: GqlPreCreditBasis,
    /// 0 < multiple <= 50.
    pub multiple: f64,
    /// Grades not listed are not eligible.
    pub grade_factors: Vec<GradeFactorInput>,
}

/// A tax grade's factor, 0 < factor <= 1.
#[derive(InputObject)]
pub struct GradeFactorInput {
    /// 纳税信用等级。
    pub grade: GqlTaxGrade,
    /// 该等级的系数，0 < factor ≤ 1（保留 4 位小数）。
    pub factor: f64,
}

impl ProductInput {
    /// The terms as entered; the pre-credit rule is validated here, everything else by `ProductSpec::parse`.
    fn into_spec(self) -> AppResult<ProductSpecInput> {
        let pre_credit = self
            .pre_credit
            .as_ref()
            .map(|p| {
                let factors: Vec<_> = p.grade_factors.iter().map(|g| (g.grade.into(), g.factor)).collect();
                PreCreditRule::parse(p.basis.into(), p.multiple, &factors)
            })
            .transpose()
            .map_err(|e| AppError::from(e).prefixed("input.preCredit"))?;
        let i = self;
        Ok(ProductSpecInput {
            name: i.name,
            description: i.description,
            product_type: i.product_type.into(),
            amount_min: i.amount_min.0,
            amount_max: i.amount_max.0,
            term_months_min: i.term_months_min,
            term_months_max: i.term_months_max,
            rate_min: i.rate_min.0,
            rate_max: i.rate_max.0,
            subject_kinds: i.subject_kinds.into_iter().map(Into::into).collect(),
            region_prefixes: i.region_prefixes,
            industry_codes: i.industry_codes.unwrap_or_default(),
            min_tax_grade: i.min_tax_grade.map(Into::into),
            accepts_not_rated: i.accepts_not_rated.unwrap_or(false),
            min_years_in_operation: i.min_years_in_operation,
            min_declared_years: i.min_declared_years,
            requires_clean_record: i.requires_clean_record.unwrap_or(false),
            requires_verified: i.requires_verified.unwrap_or(false),
            required_consents: i.required_consents.unwrap_or_default().into_iter().map(Into::into).collect(),
            tax_based: i.tax_based.unwrap_or(false),
            trusted_rate_discount: i.trusted_rate_discount.map(|r| r.0),
            pre_credit,
        })
    }
}

/// 产品硬性筛选条件：所给条件须全部满足，不传的不限。
#[derive(InputObject, Default)]
pub struct ProductFilter {
    /// 产品类型为其中之一；空列表表示不限。
    pub product_types: Option<Vec<GqlProductType>>,
    /// 产品适用此主体类型。
    pub subject_kind: Option<GqlSubjectKind>,
    /// 行政区划代码：产品服务区域包含此地区。
    pub region_code: Option<String>,
    /// 行业代码（GB/T 4754）：产品不限行业或覆盖此行业。
    pub industry_code: Option<String>,
    /// 需要的金额（元），落在产品额度范围内（含边界）。
    pub amount: Option<GqlMoney>,
    /// 需要的期限（月），落在产品期限范围内（含边界）。
    pub term_months: Option<i32>,
    /// 可接受的最高年利率（百分数）：产品最低利率不高于它。
    pub max_rate: Option<GqlRate>,
    /// 是否银税互动产品。
    pub tax_based: Option<bool>,
    /// 只看这家银行的产品（机构 ID）。
    pub bank_id: Option<ID>,
}

fn at(field: &'static str) -> impl Fn(xyd_domain::DomainError) -> AppError {
    move |e| AppError::from(e).at(field)
}

impl ProductFilter {
    fn parse(self) -> AppResult<DomainFilter> {
        let term_months = self
            .term_months
            .map(|t| u16::try_from(t).map_err(|_| AppError::input("filter.termMonths", Reason::TermFilter)))
            .transpose()?;
        Ok(DomainFilter {
            product_types: self.product_types.unwrap_or_default().into_iter().map(Into::into).collect(),
            subject_kind: self.subject_kind.map(Into::into),
            region_code: self
                .region_code
                .as_deref()
                .map(xyd_divisions::parse_code)
                .transpose()
                .map_err(at("filter.regionCode"))?,
            industry_code: self
                .industry_code
                .as_deref()
                .map(IndustryCode::parse)
                .transpose()
                .map_err(at("filter.industryCode"))?,
            amount: self.amount.map(|a| a.0),
            term_months,
            max_rate: self.max_rate.map(|r| r.0),
            tax_based: self.tax_based,
            bank_id: self
                .bank_id
                .as_deref()
                .map(|id| InstitutionId::parse(id))
                .transpose()
                .map_err(at("filter.bankId"))?,
        })
    }
}

fn product_id(id: &ID) -> AppResult<ProductId> {
    id_arg(id, "id")
}

/// API products for rows (owned, or shared with the catalogue), each with its bank, in one query for the banks.
pub async fn with_banks(
    state: &AppState,
    rows: impl IntoIterator<Item = impl Into<Arc<entity::Model>>>,
) -> AppResult<Vec<LoanProduct>> {
    let rows: Vec<Arc<entity::Model>> = rows.into_iter().map(Into::into).collect();
    let banks = state.institutions.find_many(state.db.conn(), rows.iter().map(|r| r.bank_id)).await?;
    rows.into_iter()
        .map(|r| {
            let bank = banks.get(&r.bank_id).cloned().ok_or_else(|| AppError::internal("product bank", r.bank_id))?;
            Ok(LoanProduct::new(r, bank))
        })
        .collect()
}

async fn one(state: &AppState, row: entity::Model) -> AppResult<LoanProduct> {
    with_banks(state, [row]).await?.pop().ok_or_else(|| AppError::internal("product", "vanished"))
}

fn owns(principal: Option<&Principal>, row: &entity::Model) -> bool {
    principal.is_some_and(|p| p.institution_id == Some(row.bank_id))
}

#[derive(Default)]
pub struct ProductQuery;

#[Object]
impl ProductQuery {
    /// Published products, public: full-text `query` (Chinese, with financial synonyms) and hard filters.
    async fn products(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "全文检索词（中文，含金融同义词）；不传则列出全部上架产品。")] query: Option<String>,
        #[graphql(desc = "硬性筛选条件。")] filter: Option<ProductFilter>,
        #[graphql(default = 20, desc = "本页条数，1–100。")] first: i32,
        #[graphql(desc = "上一页的 `endCursor`（每页条数须不变）；不传从第一条开始。")] after: Option<String>,
    ) -> AppResult<Connection<LoanProduct>> {
        let state = ctx.data_unchecked::<AppState>();
        if !(1..=MAX_PAGE).contains(&first) {
            return Err(AppError::input("first", Reason::InvalidPageSize { max: MAX_PAGE }));
        }
        let filter = filter.unwrap_or_default().parse()?;
        let offset = after.as_deref().map(|c| decode_offset(c, first as u64)).transpose()?.unwrap_or(0);
        let found = state.product_search.search(state, query.as_deref(), &filter, offset, first as u64).await?;
        let next = offset + found.rows.len() as u64;
        let has_next_page = next < found.total;
        let nodes = with_banks(state, found.rows).await?;
        // A product's cursor is the offset just past it, so the last one is the page's end cursor.
        let edges = nodes
            .into_iter()
            .zip(offset + 1..)
            .map(|(node, position)| Edge { cursor: encode_offset(position), node: node.into() })
            .collect();
        Ok(Connection::from_edges(found.total as i64, edges, has_next_page))
    }

    /// A product: published ones for everyone, any status for the owning bank.
    async fn product(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "产品 ID。")] id: ID,
    ) -> AppResult<Option<LoanProduct>> {
        let state = ctx.data_unchecked::<AppState>();
        let Some(row) = ProductRepo::find(state.db.conn(), product_id(&id)?).await? else { return Ok(None) };
        let visible =
            row.status == xyd_domain::product::ProductStatus::Published || owns(ctx.data_opt::<Principal>(), &row);
        if !visible {
            return Ok(None);
        }
        one(state, row).await.map(Some)
    }

    /// The calling bank's products in every status.
    async fn my_products(&self, ctx: &Context<'_>) -> AppResult<Vec<LoanProduct>> {
        let principal = require_principal(ctx)?;
        principal.require(xyd_domain::Role::Bank)?;
        let state = ctx.data_unchecked::<AppState>();
        let rows = ProductRepo::of_bank(state.db.conn(), principal.institution()?).await?;
        with_banks(state, rows).await
    }
}

#[derive(Default)]
pub struct ProductMutation;

#[Object]
impl ProductMutation {
    /// A new product in DRAFT (bank staff).
    async fn create_product(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "产品条款。")] input: ProductInput,
    ) -> AppResult<LoanProduct> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let row = manage::create(state, principal, input.into_spec()?).await?;
        one(state, row).await
    }

    /// Replace a product's terms. `expectedVersion` (from `LoanProduct.version`) guards against
    /// overwriting a colleague's edit.
    async fn update_product(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "产品 ID。")] id: ID,
        #[graphql(desc = "新的全部条款（整体替换）。")] input: ProductInput,
        #[graphql(desc = "读到的 `LoanProduct.version`；与当前版本不符时返回 CONFLICT，不传则不检查。")]
        expected_version: Option<i64>,
    ) -> AppResult<LoanProduct> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let row = manage::update(state, principal, product_id(&id)?, input.into_spec()?, expected_version).await?;
        one(state, row).await
    }

    /// 上架产品（本行员工）：DRAFT 或 SUSPENDED → PUBLISHED。
    async fn publish_product(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "产品 ID。")] id: ID,
    ) -> AppResult<LoanProduct> {
        self.step(ctx, id, Transition::Publish).await
    }

    /// 暂停产品（本行员工）：PUBLISHED → SUSPENDED，暂时下架，可再上架。
    async fn suspend_product(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "产品 ID。")] id: ID,
    ) -> AppResult<LoanProduct> {
        self.step(ctx, id, Transition::Suspend).await
    }

    /// Take a product off the shelf for good.
    async fn archive_product(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "产品 ID。")] id: ID,
    ) -> AppResult<LoanProduct> {
        self.step(ctx, id, Transition::Archive).await
    }
}

impl ProductMutation {
    async fn step(&self, ctx: &Context<'_>, id: ID, step: Transition) -> AppResult<LoanProduct> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let row = manage::transition(state, principal, product_id(&id)?, step).await?;
        one(state, row).await
    }
}
