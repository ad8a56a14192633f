//! GraphQL operations of accounts and sessions: `me`, `login`, `refreshSession`, `logout`.

use async_graphql::{Context, InputObject, Object, SimpleObject};

use super::principal::require_principal;
use super::sessions::{self, Session};
use super::user::UserRepo;
use super::{Principal, User};
use crate::error::AppResult;
use crate::http::ClientIp;
use crate::state::AppState;

#[derive(InputObject)]
pub struct LoginInput {
    pub email: String,
    pub password: String,
}

#[derive(SimpleObject)]
pub struct AuthPayload {
    pub access_token: String,
    pub refresh_token: String,
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
    async fn login(&self, ctx: &Context<'_>, input: LoginInput) -> AppResult<AuthPayload> {
        let state = ctx.data_unchecked::<AppState>();
        Ok(sessions::login(state, ClientIp::of(ctx)?, &input.email, &input.password).await?.into())
    }

    async fn refresh_session(&self, ctx: &Context<'_>, refresh_token: String) -> AppResult<AuthPayload> {
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
