//! GraphQL of a subject's data copies.

use async_graphql::{Context, ID, Object, SimpleObject};

use super::entity;
use crate::auth::principal::require_principal;
use crate::error::AppResult;
use crate::graphql::GqlDateTime;
use crate::state::AppState;

/// 数据副本：平台保存的关于本主体的全部信息（JSON 和 CSV，附 SHA-256 清单）。
#[derive(SimpleObject)]
pub struct DataExport {
    /// 副本 ID。
    pub id: ID,
    /// 申请时间。
    pub requested_at: GqlDateTime,
    /// 生成完成时间；生成中为 null。
    pub ready_at: Option<GqlDateTime>,
    /// 下载地址（GET，须本主体用户的令牌）；生成中或已过期为 null。
    pub download_url: Option<String>,
    /// ZIP 文件的 SHA-256。
    pub sha256: Option<String>,
    /// 下载截止时间。
    pub expires_at: Option<GqlDateTime>,
}

impl From<entity::Model> for DataExport {
    fn from(m: entity::Model) -> Self {
        let live = m.expires_at.is_some_and(|at| at > chrono::Utc::now());
        Self {
            id: ID(m.id.to_string()),
            requested_at: GqlDateTime(m.requested_at),
            ready_at: m.ready_at.map(GqlDateTime),
            download_url: live.then(|| format!("/exports/my-data/{}", m.id)),
            sha256: m.sha256,
            expires_at: m.expires_at.map(GqlDateTime),
        }
    }
}

#[derive(Default)]
pub struct MyDataQuery;

#[Object]
impl MyDataQuery {
    /// The copies of the caller's own subject (enterprise or person), newest first.
    async fn my_data_exports(&self, ctx: &Context<'_>) -> AppResult<Vec<DataExport>> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        Ok(super::of_subject(state, principal.subject()?).await?.into_iter().map(Into::into).collect())
    }
}

#[derive(Default)]
pub struct MyDataMutation;

#[Object]
impl MyDataMutation {
    /// A copy of everything the platform holds about the caller's own verified subject (PIPL Art. 45), assembled
    /// in the background: ready when `readyAt` is set, downloadable by the subject's users until `expiresAt`.
    async fn request_my_data(&self, ctx: &Context<'_>) -> AppResult<DataExport> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        Ok(super::request(state, principal).await?.into())
    }
}
