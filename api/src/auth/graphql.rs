//! GraphQL operations of accounts and sessions: `me`, `login`, `refreshSession`, `logout`.

use async_graphql::{Context, InputObject, Object, SimpleObject};

use super::principal::require_principal;
use super::rate_limit::ClientIp;
use super::sessions::{self, Session};
use super::user::UserRepo;
use super::{Principal, User};
use crate::error::AppResult;
use crate::state::AppState;

/// 登录凭据 (login credentials)。
#[derive(InputObject)]
pub struct LoginInput {
    /// 登录邮箱。
    pub email: String,
    /// 登录密码。
    pub password: String,
}

/// 登录结果 (auth payload)：一次会话的令牌与当前用户。
#[derive(SimpleObject)]
pub struct AuthPayload {
    /// 访问令牌 (access token, JWT)：短期有效，放在 `Authorization: Bearer` 请求头中。
    pub access_token: String,
    /// 刷新令牌 (refresh token)：用于 `refreshSession` 换取新令牌，可被服务端撤销。
    pub refresh_token: String,
    /// 已登录的用户。
    pub user: User,
}

impl From<Session> for AuthPayload {
    fn from(s: Session) -> Self {
        Self { access_token: s.access_token, refresh_token: s.refresh_token, user: s.user }
    }
}

#[derive(Default)]
pub struct AuthQuery;

#[Object]
impl AuthQuery {
    /// The signed-in user, or null for an anonymous caller.
    async fn me(&self, ctx: &Context<'_>) -> AppResult<Option<User>> {
        let Some(principal) = ctx.data_opt::<Principal>() else { return Ok(None) };
        let state = ctx.data_unchecked::<AppState>();
        UserRepo::find(state.db.conn(), principal.user_id).await?.map(User::try_from).transpose()
    }
}

#[derive(Default)]
pub struct AuthMutation;

#[Object]
impl AuthMutation {
    /// 登录 (login)：以邮箱和密码开始新会话；尝试过多会被限流。
    async fn login(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "登录凭据：邮箱与密码。")] input: LoginInput,
    ) -> AppResult<AuthPayload> {
        let state = ctx.data_unchecked::<AppState>();
        Ok(sessions::login(state, ClientIp::of(ctx)?, &input.email, &input.password).await?.into())
    }

    /// 刷新会话 (refresh session)：用刷新令牌换取新的一对令牌；每个刷新令牌只能用一次，重复使用会撤销整个会话。
    async fn refresh_session(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "登录或上次刷新时获得的刷新令牌 (refresh token)。")] refresh_token: String,
    ) -> AppResult<AuthPayload> {
        let state = ctx.data_unchecked::<AppState>();
        Ok(sessions::refresh(state, ClientIp::of(ctx)?, &refresh_token).await?.into())
    }

    /// Revoke the caller's session (its refresh tokens). The access token lapses within minutes.
    async fn logout(&self, ctx: &Context<'_>) -> AppResult<bool> {
        let principal = require_principal(ctx)?;
        sessions::logout(ctx.data_unchecked::<AppState>(), principal).await?;
        Ok(true)
    }
}
