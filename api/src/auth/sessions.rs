//! Sessions: login, refresh-token rotation with reuse detection, logout.

use std::net::IpAddr;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{Duration, Utc};
use rand::RngCore;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};
use uuid::Uuid;
use xyd_domain::{Email, RefreshTokenId};

use super::entities::{refresh_token, user};
use super::user::UserRepo;
use super::{Principal, User, password};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// What a successful login or refresh returns.
pub struct Session {
    pub access_token: String,
    pub refresh_token: String,
    pub user: User,
}

const BAD_CREDENTIALS: &str = "邮箱或密码错误";

/// Log in with email and password. Unknown email and wrong password answer identically, in the same time; a
/// string that is no address is BAD_USER_INPUT (`INVALID_EMAIL`).
pub async fn login(state: &AppState, ip: IpAddr, email: &str, plain: &str) -> AppResult<Session> {
    // What is not an address names no account, so refusing it tells nothing; it is refused before it becomes a
    // rate-limit key, which is stored (in a bounded column on PostgreSQL) and so must be an address's length.
    let email = Email::parse(email).map_err(|e| AppError::from(e).at("input.email"))?;
    // Counted before the hash: concurrent guesses never run more Argon2 checks than the limit.
    let attempt = state.rate_limits.login(ip, email.as_str()).await?;
    let found = UserRepo::find_by_email(state.db.conn(), &email).await?;
    let stored = found.as_ref().map_or(state.decoy_hash.as_str(), |u| u.password_hash.as_str());
    state.metrics.incr(password::HASHES_METRIC, 1);
    let matches = password::verify(plain, stored).await?;
    let user = match found {
        Some(user) if matches => user,
        _ => return Err(AppError::Unauthenticated(BAD_CREDENTIALS)),
    };
    attempt.succeeded().await?;
    let txn = state.db.begin_write().await?;
    let session = start_session(state, &*txn, user, Uuid::now_v7()).await?;
    txn.commit().await?;
    Ok(session)
}

/// Issue an access token and a new refresh token of `family` for `user`.
pub async fn start_session(
    state: &AppState,
    conn: &impl ConnectionTrait,
    user: user::Model,
    family: Uuid,
) -> AppResult<Session> {
    let now = Utc::now();
    let principal = Principal {
        user_id: user.id,
        role: user.role,
        institution_id: user.institution_id,
        subject_id: user.subject_id,
        session_id: family,
    };
    let access_token = state.tokens.issue(&principal, now)?;
    let refresh_token = random_token();
    refresh_token::ActiveModel {
        id: Set(RefreshTokenId::new()),
        user_id: Set(user.id),
        family_id: Set(family),
        token_hash: Set(token_hash(&refresh_token)),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(state.config.auth.refresh_ttl_days)),
        used_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(conn)
    .await?;
    Ok(Session { access_token, refresh_token, user: User::try_from(user)? })
}

/// Exchange a refresh token for a new pair. A token that was already used or revoked revokes its whole
/// family (someone holds a stolen copy), and the revocation is committed even though the call fails.
pub async fn refresh(state: &AppState, ip: IpAddr, presented: &str) -> AppResult<Session> {
    state.rate_limits.refresh(ip).await?;
    let invalid = || AppError::Unauthenticated("会话已失效，请重新登录");
    let now = Utc::now();
    let txn = state.db.begin_write().await?;
    let Some(row) = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(token_hash(presented)))
        .one(&*txn)
        .await?
    else {
        return Err(invalid());
    };
    if row.revoked_at.is_some() || row.expires_at <= now {
        return Err(invalid());
    }
    // Claim the token atomically: of two concurrent uses, only one can flip `used_at`.
    let claimed = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::UsedAt, Expr::value(now))
        .filter(refresh_token::Column::Id.eq(row.id))
        .filter(refresh_token::Column::UsedAt.is_null())
        .exec(&*txn)
        .await?;
    if claimed.rows_affected != 1 {
        revoke_family(&*txn, row.family_id).await?;
        txn.commit().await?;
        tracing::warn!(family = %row.family_id, user = %row.user_id, "refresh token reused; session family revoked");
        return Err(invalid());
    }
    let Some(user) = UserRepo::find(&*txn, row.user_id).await? else {
        return Err(invalid());
    };
    let session = start_session(state, &*txn, user, row.family_id).await?;
    txn.commit().await?;
    Ok(session)
}

/// End the caller's session: every refresh token of its family stops working.
pub async fn logout(state: &AppState, principal: &Principal) -> AppResult<()> {
    let txn = state.db.begin_write().await?;
    revoke_family(&*txn, principal.session_id).await?;
    txn.commit().await?;
    Ok(())
}

async fn revoke_family(conn: &impl ConnectionTrait, family: Uuid) -> AppResult<()> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(refresh_token::Column::FamilyId.eq(family))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}
