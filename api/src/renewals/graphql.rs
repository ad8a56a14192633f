//! GraphQL: `renewals`, `requestRenewal`, `approveRenewal`, `rejectRenewal`.

use std::collections::HashMap;

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use xyd_domain::{Money, Rate, ResponseId, Role};

use super::decide::{self, Decision};
use super::entity;
use super::request::{self, Ask};
use crate::auth::Principal;
use crate::auth::principal::require_principal;
use crate::demands::BankResponse;
use crate::error::{AppError, AppResult};
use crate::graphql::{GqlDateTime, GqlMoney, GqlRate, GqlRejectReason, GqlRenewalKind, GqlRenewalStatus, id_arg};
use crate::institutions::Scope;
use crate::pagination::{Connection, Order, Page};
use crate::state::AppState;

/// 续贷 / 展期申请.
#[derive(Clone, SimpleObject)]
pub struct RenewalRequest {
    /// 申请 ID。
    pub id: ID,
    /// The loan (the lending bank's response).
    pub loan: BankResponse,
    /// 续贷或展期。
    pub kind: GqlRenewalKind,
    /// 申请金额（元），不超过原贷款金额。
    pub amount: GqlMoney,
    /// 申请期限（月）。
    pub term_months: i32,
    /// 企业填写的申请理由。
    pub reason: String,
    /// 申请状态。
    pub status: GqlRenewalStatus,
    /// 申请时间。
    pub requested_at: GqlDateTime,
    /// The bank's decision is due (working days after the request).
    pub due_at: GqlDateTime,
    /// 银行作出决定的时间；未决定为 null。
    pub decided_at: Option<GqlDateTime>,
    /// 同意时的年利率（百分数）；未同意为 null。
    pub annual_rate: Option<GqlRate>,
    /// 拒绝原因代码（企业可见）；未拒绝为 null。
    pub reject_reason: Option<GqlRejectReason>,
    /// 拒绝时银行填写的说明；没有则为 null。
    pub note: Option<String>,
}

impl crate::pagination::Paged for RenewalRequest {
    const EDGE: &'static str = "RenewalEdge";
    const CONNECTION: &'static str = "RenewalConnection";
}

/// 续贷 / 展期申请（企业填写）。
#[derive(InputObject)]
pub struct RenewalInput {
    /// 续贷（无还本续贷）或展期。
    pub kind: GqlRenewalKind,
    /// 申请金额（元），大于 0 且不超过原贷款金额。
    pub amount: GqlMoney,
    /// 申请期限（月），1–360。
    pub term_months: i32,
    /// 申请理由，2–500 个字。
    pub reason: String,
}

/// API requests for rows, their loans loaded in a fixed number of queries.
async fn shown(state: &AppState, rows: Vec<entity::Model>) -> AppResult<Vec<RenewalRequest>> {
    let ids: Vec<ResponseId> = rows.iter().map(|r| r.response_id).collect();
    let loans = crate::demands::repo::responses(state.db.conn(), ids).await?;
    let loan_ids: Vec<ResponseId> = loans.iter().map(|l| l.id).collect();
    let loans: HashMap<ResponseId, BankResponse> =
        loan_ids.into_iter().zip(BankResponse::many(state, loans).await?).collect();
    rows.into_iter()
        .map(|r| {
            let loan =
                loans.get(&r.response_id).cloned().ok_or_else(|| AppError::internal("renewal loan", r.response_id))?;
            Ok(RenewalRequest {
                id: ID(r.id.to_string()),
                loan,
                kind: r.kind.into(),
                amount: GqlMoney(Money::from_fen(r.amount)),
                term_months: r.term_months,
                reason: r.reason,
                status: r.status.into(),
                requested_at: GqlDateTime(r.requested_at),
                due_at: GqlDateTime(r.due_at),
                decided_at: r.decided_at.map(GqlDateTime),
                annual_rate: r
                    .annual_rate
                    .map(Rate::from_bp)
                    .transpose()
                    .map_err(|e| AppError::internal("rate", e))?
                    .map(GqlRate),
                reject_reason: r.reject_reason.map(Into::into),
                note: r.note,
            })
        })
        .collect()
}

/// The renewal requests of `loan` (a disbursed response), oldest first.
pub async fn of_loan(state: &AppState, loan: ResponseId) -> AppResult<Vec<RenewalRequest>> {
    let rows = entity::Entity::find()
        .filter(entity::Column::ResponseId.eq(loan))
        .order_by_asc(entity::Column::Id)
        .all(state.db.conn())
        .await?;
    shown(state, rows).await
}

async fn one(state: &AppState, row: entity::Model) -> AppResult<RenewalRequest> {
    shown(state, vec![row]).await?.pop().ok_or_else(|| AppError::internal("renewal", "vanished"))
}

/// The requests `principal` may list: an enterprise its own, a bank those on its loans, a bureau those of its
/// jurisdiction, the admin all.
async fn visible(state: &AppState, principal: &Principal) -> AppResult<sea_orm::Select<entity::Entity>> {
    let query = entity::Entity::find();
    Ok(match principal.role {
        Role::Enterprise => query.filter(entity::Column::SubjectId.eq(principal.subject()?)),
        Role::Bank => query.filter(entity::Column::BankId.eq(principal.institution()?)),
        Role::Bureau | Role::Admin => match Scope::of_official(state.db.conn(), principal).await? {
            Scope::All => query,
            Scope::Within(prefix) => query.filter(entity::Column::RegionCode.starts_with(prefix.as_str())),
        },
    })
}

#[derive(Default)]
pub struct RenewalQuery;

#[Object]
impl RenewalQuery {
    /// 续贷 / 展期 requests, newest first: an enterprise its own, a bank those on its loans, a bureau those of its
    /// jurisdiction.
    async fn renewals(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20, desc = "本页条数，1–100。")] first: i32,
        #[graphql(desc = "上一页的 `endCursor`：从它之后继续取；不传从最新一条开始。")] after: Option<String>,
    ) -> AppResult<Connection<RenewalRequest>> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let page = Page::parse(Some(first), after)?;
        let query = visible(state, principal).await?;
        let (total, rows) = page.fetch(state.db.conn(), query, entity::Column::Id, Order::NewestFirst).await?;
        let ids: Vec<_> = rows.iter().map(|r| r.id).collect();
        let loaded: Vec<_> = ids.into_iter().zip(shown(state, rows).await?).collect();
        Connection::from_rows(page, total, loaded, |(id, _)| *id, |(_, r)| Ok(r))
    }
}

#[derive(Default)]
pub struct RenewalMutation;

#[Object]
impl RenewalMutation {
    /// 申请续贷 / 展期 (enterprise, on its DISBURSED loan, from `[demands] renewal_window_days` before maturity).
    async fn request_renewal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "要续贷或展期的已放款贷款（`BankResponse.id`）。")] response_id: ID,
        #[graphql(desc = "申请内容。")] input: RenewalInput,
    ) -> AppResult<RenewalRequest> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        principal.subject()?;
        let loan = id_arg(&response_id, "responseId")?;
        let ask = Ask {
            kind: input.kind.into(),
            amount: input.amount.0,
            term_months: input.term_months,
            reason: input.reason,
        };
        one(state, request::request(state, principal, loan, ask).await?).await
    }

    /// 同意续贷 (the lending bank), at `annualRate` (the loan's rate when absent).
    async fn approve_renewal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "续贷申请 ID。")] id: ID,
        #[graphql(desc = "续贷年利率（百分数）；不传沿用原贷款利率。")] annual_rate: Option<GqlRate>,
    ) -> AppResult<RenewalRequest> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let decision = Decision::Approve(annual_rate.map(|r| r.0));
        one(state, decide::decide(state, principal, id_arg(&id, "id")?, decision).await?).await
    }

    /// 拒绝续贷 (the lending bank), with a reason code the enterprise sees.
    async fn reject_renewal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "续贷申请 ID。")] id: ID,
        #[graphql(desc = "拒绝原因代码（企业可见）。")] reason: GqlRejectReason,
        #[graphql(desc = "说明，最多 500 字；原因为 OTHER 时必填。")] note: Option<String>,
    ) -> AppResult<RenewalRequest> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let decision = Decision::Reject(reason.into(), note);
        one(state, decide::decide(state, principal, id_arg(&id, "id")?, decision).await?).await
    }
}
