//! GraphQL of erasure requests.

use async_graphql::{Context, ID, Object, SimpleObject};

use super::entity;
use crate::auth::principal::require_principal;
use crate::error::{AppError, AppResult};
use crate::graphql::{GqlDateTime, GqlErasureStatus};
use crate::state::AppState;

/// 自然人删除个人信息的申请（《个人信息保护法》第四十七条）。
#[derive(SimpleObject)]
pub struct ErasureRequest {
    /// 申请 ID。
    pub id: ID,
    /// 状态。
    pub status: GqlErasureStatus,
    /// 申请理由。
    pub reason: String,
    /// 申请时间。
    pub requested_at: GqlDateTime,
    /// 处理时间。
    pub decided_at: Option<GqlDateTime>,
    /// 处理说明。
    pub note: Option<String>,
    /// 依法保留的每类信息及保留依据（中文）。
    pub retained: Vec<String>,
}

impl ErasureRequest {
    fn new(m: entity::Model) -> AppResult<Self> {
        Ok(Self {
            id: ID(m.id.to_string()),
            status: m.status.into(),
            reason: m.reason,
            requested_at: GqlDateTime(m.requested_at),
            decided_at: m.decided_at.map(GqlDateTime),
            note: m.note,
            retained: serde_json::from_str(&m.retained).map_err(|e| AppError::internal("retained", e))?,
        })
    }
}

fn request_id(id: &str, field: &str) -> AppResult<uuid::Uuid> {
    id.parse().map_err(|_| AppError::input(field, xyd_reasons::Reason::InvalidId))
}

#[derive(Default)]
pub struct ErasureQuery;

#[Object]
impl ErasureQuery {
    /// Erasure requests: a person's own; a bureau's, of its jurisdiction; the admin's, all. Newest first.
    async fn erasure_requests(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "只列出此状态的申请。")] status: Option<GqlErasureStatus>,
        #[graphql(default = 20, desc = "最多返回条数，1至100。")] first: i32,
        #[graphql(desc = "上一页最后一条的 ID；不传从最新开始。")] after: Option<String>,
    ) -> AppResult<Vec<ErasureRequest>> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let after = after.as_deref().map(|a| request_id(a, "after")).transpose()?;
        let rows = super::list(state, principal, status.map(Into::into), first, after).await?;
        rows.into_iter().map(ErasureRequest::new).collect()
    }
}

#[derive(Default)]
pub struct ErasureMutation;

#[Object]
impl ErasureMutation {
    /// A natural person asks for their data to be erased, with a reason (2–500 characters).
    async fn request_erasure(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "申请删除的理由。")] reason: String,
    ) -> AppResult<ErasureRequest> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        ErasureRequest::new(super::request(state, principal, &reason).await?)
    }

    /// A bureau of the person's county (or the admin) decides: approved, what no law requires to keep is erased
    /// at once and `retained` says what was kept and why; refused, `note` says why.
    async fn decide_erasure(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "申请 ID。")] id: ID,
        #[graphql(desc = "是否同意删除。")] approve: bool,
        #[graphql(desc = "处理说明（不予删除时请写明理由）。")] note: Option<String>,
    ) -> AppResult<ErasureRequest> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let id = request_id(&id, "id")?;
        ErasureRequest::new(super::decide(state, principal, id, approve, note.as_deref()).await?)
    }
}
