//! GraphQL operations of the product supermarket.

use async_graphql::{Context, ID, InputObject, Object};
use xyd_domain::product::{PreCreditRule, ProductFilter as DomainFilter, ProductSpecInput};
use xyd_domain::{IndustryCode, InstitutionId, ProductId, RegionCode};

use super::manage::{self, Transition};
use super::search::{self, decode_offset, encode_offset};
use super::{LoanProduct, ProductRepo, entity};
use crate::auth::Principal;
use crate::auth::principal::require_principal;
use crate::error::{AppError, AppResult};
use crate::graphql::{
    GqlDataCategory, GqlMoney, GqlPreCreditBasis, GqlProductType, GqlRate, GqlSubjectKind, GqlTaxGrade, id_arg,
};
use crate::pagination::{Connection, MAX_PAGE, PageInfo};
use crate::state::AppState;

#[derive(InputObject)]
pub struct ProductInput {
    pub name: String,
    pub description: String,
    pub product_type: GqlProductType,
    pub amount_min: GqlMoney,
    pub amount_max: GqlMoney,
    pub term_months_min: i32,
    pub term_months_max: i32,
    pub rate_min: GqlRate,
    pub rate_max: GqlRate,
    pub subject_kinds: Vec<GqlSubjectKind>,
    pub region_prefixes: Vec<String>,
    pub industry_codes: Option<Vec<String>>,
    pub min_tax_grade: Option<GqlTaxGrade>,
    pub min_years_in_operation: Option<i32>,
    pub requires_clean_record: Option<bool>,
    pub requires_verified: Option<bool>,
    pub required_consents: Option<Vec<GqlDataCategory>>,
    pub tax_based: Option<bool>,
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
    pub grade: GqlTaxGrade,
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
            min_years_in_operation: i.min_years_in_operation,
            requires_clean_record: i.requires_clean_record.unwrap_or(false),
            requires_verified: i.requires_verified.unwrap_or(false),
            required_consents: i.required_consents.unwrap_or_default().into_iter().map(Into::into).collect(),
            tax_based: i.tax_based.unwrap_or(false),
            trusted_rate_discount: i.trusted_rate_discount.map(|r| r.0),
            pre_credit,
        })
    }
}

#[derive(InputObject, Default)]
pub struct ProductFilter {
    pub product_types: Option<Vec<GqlProductType>>,
    pub subject_kind: Option<GqlSubjectKind>,
    pub region_code: Option<String>,
    pub industry_code: Option<String>,
    pub amount: Option<GqlMoney>,
    pub term_months: Option<i32>,
    pub max_rate: Option<GqlRate>,
    pub tax_based: Option<bool>,
    pub bank_id: Option<ID>,
}

fn at(field: &'static str) -> impl Fn(xyd_domain::DomainError) -> AppError {
    move |e| AppError::from(e).at(field)
}

impl ProductFilter {
    fn parse(self) -> AppResult<DomainFilter> {
        let term_months = self
            .term_months
            .map(|t| {
                u16::try_from(t).map_err(|_| AppError::bad_input("filter.termMonths", "INVALID_TERM", "期限须为正整数"))
            })
            .transpose()?;
        Ok(DomainFilter {
            product_types: self.product_types.unwrap_or_default().into_iter().map(Into::into).collect(),
            subject_kind: self.subject_kind.map(Into::into),
            region_code: self
                .region_code
                .as_deref()
                .map(RegionCode::parse)
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

/// API products for rows, each with its bank, in one query for the banks.
pub async fn with_banks(state: &AppState, rows: Vec<entity::Model>) -> AppResult<Vec<LoanProduct>> {
    let banks = state.institutions.find_many(state.db.conn(), rows.iter().map(|r| r.bank_id)).await?;
    rows.into_iter()
        .map(|r| {
            let bank = banks.get(&r.bank_id).cloned().ok_or_else(|| AppError::internal("product bank", r.bank_id))?;
            LoanProduct::new(r, bank)
        })
        .collect()
}

async fn one(state: &AppState, row: entity::Model) -> AppResult<LoanProduct> {
    Ok(with_banks(state, vec![row]).await?.remove(0))
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
        query: Option<String>,
        filter: Option<ProductFilter>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> AppResult<Connection<LoanProduct>> {
        let state = ctx.data_unchecked::<AppState>();
        if !(1..=MAX_PAGE).contains(&first) {
            return Err(AppError::bad_input("first", "INVALID_PAGE_SIZE", format!("first 须在1到{MAX_PAGE}之间")));
        }
        let filter = filter.unwrap_or_default().parse()?;
        let offset = after.as_deref().map(|c| decode_offset(c, first as u64)).transpose()?.unwrap_or(0);
        let found = search::search(state, query.as_deref(), &filter, offset, first as u64).await?;
        let next = offset + found.rows.len() as u64;
        let has_next_page = next < found.total;
        let nodes = with_banks(state, found.rows).await?;
        Ok(Connection {
            total_count: found.total as i64,
            page_info: PageInfo { has_next_page, end_cursor: (!nodes.is_empty()).then(|| encode_offset(next)) },
            nodes,
        })
    }

    /// A product: published ones for everyone, any status for the owning bank.
    async fn product(&self, ctx: &Context<'_>, id: ID) -> AppResult<Option<LoanProduct>> {
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
    async fn create_product(&self, ctx: &Context<'_>, input: ProductInput) -> AppResult<LoanProduct> {
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
        id: ID,
        input: ProductInput,
        expected_version: Option<i64>,
    ) -> AppResult<LoanProduct> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let row = manage::update(state, principal, product_id(&id)?, input.into_spec()?, expected_version).await?;
        one(state, row).await
    }

    async fn publish_product(&self, ctx: &Context<'_>, id: ID) -> AppResult<LoanProduct> {
        self.step(ctx, id, Transition::Publish).await
    }

    async fn suspend_product(&self, ctx: &Context<'_>, id: ID) -> AppResult<LoanProduct> {
        self.step(ctx, id, Transition::Suspend).await
    }

    /// Take a product off the shelf for good.
    async fn archive_product(&self, ctx: &Context<'_>, id: ID) -> AppResult<LoanProduct> {
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
