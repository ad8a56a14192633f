//! GraphQL: `notifications`, `markNotificationsRead` and the `notificationAdded` subscription — always the
//! signed-in user's own.

use async_graphql::{ComplexObject, Context, ID, Object, SimpleObject, Subscription};
use futures::Stream;
use tokio::sync::broadcast::error::RecvError;
use xyd_domain::{DemandId, NotificationId};
use xyd_reasons::Reason;

use super::{entity, inbox};
use crate::auth::principal::require_principal;
use crate::demands::FinancingDemand;
use crate::error::{AppError, AppResult};
use crate::graphql::{GqlDateTime, id_arg};
use crate::pagination::{Edge, Page, PageInfo};
use crate::state::AppState;

/// 站内消息.
#[derive(Clone, SimpleObject)]
#[graphql(complex)]
pub struct Notification {
    /// 消息 ID。
    pub id: ID,
    /// DEMAND_ACCEPTED, DEMAND_REJECTED, CREDIT_GRANTED, RENEWAL_DECIDED (to the enterprise); DEMAND_ADDRESSED,
    /// OFFER_CHOSEN, OFFER_DECLINED, RENEWAL_REQUESTED (to a bank).
    pub kind: String,
    /// 标题。
    pub title: String,
    /// 正文（中文）。
    pub body: String,
    /// 发出时间。
    pub created_at: GqlDateTime,
    /// 标记已读的时间；未读为 null。
    pub read_at: Option<GqlDateTime>,
    #[graphql(skip)]
    pub demand_id: Option<xyd_domain::DemandId>,
    /// The demand as loaded with the rest of its page (inner `None`: not visible); `None` when not loaded
    /// that way (a live notification), so `demand` loads it alone.
    #[graphql(skip)]
    pub preloaded: Option<Option<FinancingDemand>>,
}

impl crate::pagination::Paged for Notification {
    const EDGE: &'static str = "NotificationEdge";
    const CONNECTION: &'static str = "NotificationConnection";
}

#[ComplexObject]
impl Notification {
    /// The demand it is about, as the reader may see it now (null if no longer visible).
    async fn demand(&self, ctx: &Context<'_>) -> AppResult<Option<FinancingDemand>> {
        if let Some(preloaded) = &self.preloaded {
            return Ok(preloaded.clone());
        }
        let Some(id) = self.demand_id else { return Ok(None) };
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        match FinancingDemand::by_id(state, principal, id).await {
            Err(AppError::NotFound(_) | AppError::Forbidden(_)) => Ok(None),
            shown => shown,
        }
    }
}

impl From<entity::Model> for Notification {
    fn from(n: entity::Model) -> Self {
        Self {
            id: ID(n.id.to_string()),
            kind: n.kind.as_str().to_string(),
            title: n.title,
            body: n.body,
            created_at: GqlDateTime(n.created_at),
            read_at: n.read_at.map(GqlDateTime),
            demand_id: n.demand_id,
            preloaded: None,
        }
    }
}

/// A page of the caller's notifications.
#[derive(SimpleObject)]
pub struct NotificationConnection {
    /// 符合条件的消息总数（`unreadOnly` 时只数未读）。
    pub total_count: i64,
    /// 调用者全部未读消息数（不受 `unreadOnly` 影响）。
    pub unread_count: i64,
    /// 本页各条及其游标（Relay edges），与 `nodes` 同序。
    pub edges: Vec<Edge<Notification>>,
    /// 本页各条（与 `edges` 的 node 相同）。
    pub nodes: Vec<std::sync::Arc<Notification>>,
    /// 分页信息：是否有下一页及游标。
    pub page_info: PageInfo,
}

#[derive(Default)]
pub struct NotificationQuery;

#[Object]
impl NotificationQuery {
    /// The caller's inbox, newest first.
    async fn notifications(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = false, desc = "只列未读消息。")] unread_only: bool,
        #[graphql(default = 20, desc = "本页条数，1–100。")] first: i32,
        #[graphql(desc = "上一页的 `endCursor`：从它之后继续取；不传从最新一条开始。")] after: Option<String>,
    ) -> AppResult<NotificationConnection> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let page = Page::parse(Some(first), after)?;
        let (total, unread, rows) = inbox::page(state.db.conn(), principal.user_id, unread_only, page).await?;
        // The page's demands in one batch when the selection asks for them, not one load per notification.
        let look = ctx.look_ahead();
        let demands = if look.field("nodes").field("demand").exists()
            || look.field("edges").field("node").field("demand").exists()
        {
            let ids: Vec<DemandId> = rows.iter().filter_map(|n| n.demand_id).collect();
            Some(FinancingDemand::load_visible(state, principal, &ids).await?)
        } else {
            None
        };
        let connection = crate::pagination::Connection::<Notification>::from_rows(
            page,
            total,
            rows,
            |n| n.id,
            |n| {
                let mut notification = Notification::from(n);
                if let Some(demands) = &demands {
                    notification.preloaded = Some(notification.demand_id.and_then(|id| demands.get(&id).cloned()));
                }
                Ok(notification)
            },
        )?;
        Ok(NotificationConnection {
            total_count: connection.total_count,
            unread_count: unread,
            edges: connection.edges,
            nodes: connection.nodes,
            page_info: connection.page_info,
        })
    }
}

#[derive(Default)]
pub struct NotificationMutation;

#[Object]
impl NotificationMutation {
    /// Mark the caller's notifications `ids` read; ids of other users' notifications change nothing. Returns how
    /// many were marked.
    async fn mark_notifications_read(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "要标记为已读的消息 ID，一次最多 100 个。")] ids: Vec<ID>,
    ) -> AppResult<i32> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        if ids.len() > crate::pagination::MAX_PAGE as usize {
            return Err(AppError::input("ids", Reason::TooManyIds));
        }
        let ids: Vec<NotificationId> = ids.iter().map(|id| id_arg(id, "ids")).collect::<AppResult<_>>()?;
        let marked = inbox::mark_read(state.db.conn(), principal.user_id, &ids).await?;
        Ok(i32::try_from(marked).unwrap_or(i32::MAX))
    }
}

#[derive(Default)]
pub struct NotificationSubscription;

#[Subscription]
impl NotificationSubscription {
    /// The signed-in user's notifications, as they are written (through any replica).
    async fn notification_added(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = Notification> + use<>> {
        let user = require_principal(ctx)?.user_id;
        let live = ctx.data_unchecked::<AppState>().events.notifications();
        Ok(futures::stream::unfold(live, move |mut live| async move {
            loop {
                match live.recv().await {
                    Ok(n) if n.user_id == user => return Some((Notification::from(n), live)),
                    Ok(_) | Err(RecvError::Lagged(_)) => continue,
                    Err(RecvError::Closed) => return None,
                }
            }
        }))
    }
}
