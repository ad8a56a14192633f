//! GraphQL operations of financing demands and bank responses.

use async_graphql::{Context, ID, InputObject, Object};
use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use xyd_domain::DemandId;
use xyd_domain::demand::{DemandInput, NewDemand};

use super::entity::demand;
use super::fees::FeeInput;
use super::post;
use super::respond::{self, CreditGrant};
use super::view::{BankResponse, FinancingDemand};
use crate::auth::principal::require_principal;
use crate::consents::texts;
use crate::error::{AppError, AppResult};
use crate::graphql::id_arg;
use crate::graphql::{
    GqlDataCategory, GqlDateTime, GqlMoney, GqlProductType, GqlRate, GqlRejectReason, GqlRepaymentMethod,
};
use crate::pagination::{Connection, Order, Page};
use crate::state::AppState;
use xyd_domain::RepaymentMethod;

/// 发布融资需求（企业填写）。
#[derive(InputObject)]
pub struct PostDemandInput {
    /// 融资金额（元），大于 0 且不超过 10 亿元。
    pub amount: GqlMoney,
    /// 融资期限（月），1–360。
    pub term_months: i32,
    /// 资金用途，2–500 个字（用于匹配产品）。
    pub purpose: String,
    /// 可接受的担保方式，至少一种。
    pub guarantee_types: Vec<GqlProductType>,
    /// 可接受的最高年利率（百分数）；不传表示不限（仍不超过平台利率上限）。
    pub max_rate: Option<GqlRate>,
    /// 截止时间，须在未来 180 天内；不传则按平台默认有效期（默认 30 天）。
    pub expires_at: Option<GqlDateTime>,
    /// 申请的产品 ID（须已上架）；不传为公开需求，由可服务的银行受理。
    pub target_product_ids: Option<Vec<ID>>,
    /// Consent for every bank that accepts this demand, purpose LOAN_APPLICATION, until the demand expires.
    pub share_with_responders: Option<Vec<GqlDataCategory>>,
    /// The consent text version shown with `shareWithResponders`: it must be the current one (`consentText`);
    /// omitted, the current one is signed.
    pub share_text_version: Option<String>,
}

/// 授信方案（银行填写）。
#[derive(InputObject)]
pub struct CreditGrantInput {
    /// 授信金额（元），大于 0。
    pub amount: GqlMoney,
    /// 授信年利率（百分数，如 "4.35"），不超过平台利率上限。
    pub annual_rate: GqlRate,
    /// 授信期限（月），1–360。
    pub term_months: i32,
    /// 授信所依据的本行产品 ID；不传表示不指定产品。
    pub product_id: Option<ID>,
    /// How the credit is repaid; default EQUAL_INSTALLMENT (等额本息).
    pub repayment_method: Option<GqlRepaymentMethod>,
    /// 利息之外的费用（担保费、服务费等），最多 10 项；不传表示无费用。年化综合融资成本据此计算。
    pub fees: Option<Vec<FeeInput>>,
}

/// 放款记录（银行填写）。
#[derive(InputObject)]
pub struct DisbursementInput {
    /// 放款金额（元），大于 0 且不超过授信金额。
    pub amount: GqlMoney,
    /// 放款时间，在授信之后且不晚于当前时间。
    pub disbursed_at: GqlDateTime,
    /// 首贷户: this is the subject's first bank loan.
    pub first_loan: bool,
}

impl PostDemandInput {
    /// The demand, validated against the platform's rules.
    fn parse(self, state: &AppState) -> AppResult<NewDemand> {
        let i = self;
        let input = DemandInput {
            amount: i.amount.0,
            term_months: i.term_months,
            purpose: i.purpose,
            guarantee_types: i.guarantee_types.into_iter().map(Into::into).collect(),
            max_rate: i.max_rate.map(|r| r.0),
            expires_at: i.expires_at.map(|t| t.0),
            target_product_ids: i
                .target_product_ids
                .unwrap_or_default()
                .iter()
                .map(|id| id_arg(id, "input.targetProductIds"))
                .collect::<AppResult<_>>()?,
            share_with_responders: i.share_with_responders.unwrap_or_default().into_iter().map(Into::into).collect(),
        };
        NewDemand::parse(input, &post::rules(state), Utc::now()).map_err(|e| AppError::from(e).prefixed("input"))
    }
}

#[derive(Default)]
pub struct DemandQuery;

#[Object]
impl DemandQuery {
    /// 一条融资需求（按调用者可见的范围）；不存在或无权查看时为 null。
    async fn demand(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "需求 ID。")] id: ID,
    ) -> AppResult<Option<FinancingDemand>> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        match FinancingDemand::by_id(state, principal, id_arg::<DemandId>(&id, "id")?).await {
            Err(AppError::NotFound(_)) => Ok(None),
            shown => shown,
        }
    }

    /// Every published product judged for the enterprise's demand: eligible ones ranked and explained,
    /// near misses (with `includeIneligible`) listing what is missing.
    async fn match_products(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "企业自己的融资需求 ID。")] demand_id: ID,
        #[graphql(default = 10, desc = "最多返回条数（1–100，超出按边界取）。")] first: i32,
        #[graphql(default = false, desc = "同时列出不符合条件的产品（附 `unmet` 说明缺什么）。")]
        include_ineligible: bool,
    ) -> AppResult<Vec<super::matching::ProductMatch>> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let first = usize::try_from(first.clamp(1, 100)).unwrap_or(10);
        super::matching::match_products(state, principal, id_arg(&demand_id, "demandId")?, first, include_ineligible)
            .await
    }

    /// Open demands the calling bank's published products can serve (商机), newest first. `totalCount` is -1:
    /// not counted.
    async fn opportunities(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20, desc = "本页条数，1–100。")] first: i32,
        #[graphql(desc = "上一页的 `endCursor`：从它之后继续取；不传从最新一条开始。")] after: Option<String>,
    ) -> AppResult<Connection<FinancingDemand>> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        super::opportunities::opportunities(state, principal, Page::parse(Some(first), after)?).await
    }

    /// The enterprise's demands, newest first.
    async fn my_demands(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20, desc = "本页条数，1–100。")] first: i32,
        #[graphql(desc = "上一页的 `endCursor`：从它之后继续取；不传从最新一条开始。")] after: Option<String>,
    ) -> AppResult<Connection<FinancingDemand>> {
        let principal = require_principal(ctx)?;
        let subject = principal.subject()?;
        let state = ctx.data_unchecked::<AppState>();
        let page = Page::parse(Some(first), after)?;
        let query = demand::Entity::find().filter(demand::Column::SubjectId.eq(subject));
        let (total, rows) = page.fetch(state.db.conn(), query, demand::Column::Id, Order::NewestFirst).await?;
        let ids: Vec<DemandId> = rows.iter().map(|r| r.id).collect();
        let loaded = ids.into_iter().zip(FinancingDemand::load_many(state, principal, rows).await?).collect();
        Connection::from_rows(page, total, loaded, |(id, _)| *id, |(_, d)| Ok(d))
    }
}

#[derive(Default)]
pub struct DemandMutation;

#[Object]
impl DemandMutation {
    /// Post a financing demand (enterprise).
    async fn post_demand(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "需求内容。")] input: PostDemandInput,
    ) -> AppResult<FinancingDemand> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        principal.subject()?;
        let text = match &input.share_text_version {
            Some(version) => texts::require_current(version, "input.shareTextVersion")?,
            None => texts::current(),
        };
        let posted = post::post(state, principal, input.parse(state)?, text).await?;
        FinancingDemand::load(state, principal, posted).await
    }

    /// 撤回融资需求（企业，仅限尚未关闭的本企业需求）。
    async fn withdraw_demand(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "需求 ID。")] id: ID,
    ) -> AppResult<FinancingDemand> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let withdrawn = post::withdraw(state, principal, id_arg(&id, "id")?).await?;
        FinancingDemand::load(state, principal, withdrawn).await
    }

    /// 受理 (bank). At most the configured number of banks hold a demand at once.
    async fn accept_demand(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "要受理的需求 ID。")] demand_id: ID,
    ) -> AppResult<BankResponse> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let row = respond::accept(state, principal, id_arg(&demand_id, "demandId")?).await?;
        BankResponse::one(state, row).await
    }

    /// Decline, with a reason code the enterprise sees.
    async fn reject_demand(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "要拒绝的需求 ID。")] demand_id: ID,
        #[graphql(desc = "拒绝原因代码（企业可见）。")] reason: GqlRejectReason,
        #[graphql(desc = "说明，最多 500 字；原因为 OTHER 时必填。")] note: Option<String>,
    ) -> AppResult<BankResponse> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let row = respond::reject(state, principal, id_arg(&demand_id, "demandId")?, reason.into(), note).await?;
        BankResponse::one(state, row).await
    }

    /// 选定授信方案 (enterprise): choose one bank's credit grant on an open demand; every other bank still holding
    /// the demand ends as REJECTED with reason CUSTOMER_DECLINED, and only the chosen bank may lend.
    async fn accept_offer(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "选定的授信方案所属银行响应的 ID（`BankResponse.id`）。")] response_id: ID,
    ) -> AppResult<FinancingDemand> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let chosen = respond::choose(state, principal, id_arg(&response_id, "responseId")?).await?;
        FinancingDemand::load(state, principal, chosen).await
    }

    /// 授信.
    async fn grant_credit(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "本行已受理的响应 ID（`BankResponse.id`）。")] response_id: ID,
        #[graphql(desc = "授信方案。")] input: CreditGrantInput,
    ) -> AppResult<BankResponse> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let grant = CreditGrant {
            amount: input.amount.0,
            rate: input.annual_rate.0,
            term_months: input.term_months,
            product_id: input.product_id.as_ref().map(|p| id_arg(p, "input.productId")).transpose()?,
            repayment_method: input.repayment_method.map_or(RepaymentMethod::EqualInstallment, Into::into),
            fees: input.fees.unwrap_or_default().into_iter().map(Into::into).collect(),
        };
        let row = respond::grant_credit(state, principal, id_arg(&response_id, "responseId")?, grant).await?;
        BankResponse::one(state, row).await
    }

    /// 放款.
    async fn record_disbursement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "本行已授信的响应 ID（`BankResponse.id`）。")] response_id: ID,
        #[graphql(desc = "放款记录。")] input: DisbursementInput,
    ) -> AppResult<BankResponse> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let id = id_arg(&response_id, "responseId")?;
        let row =
            respond::disburse(state, principal, id, input.amount.0, input.disbursed_at.0, input.first_loan).await?;
        BankResponse::one(state, row).await
    }
}
