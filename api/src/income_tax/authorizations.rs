//! Use cases: a verified person authorizes collection (signing the current TAX_COLLECTION text, at most a year)
//! and receives a grant code; revokes it; lists their own.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use xyd_domain::consent::MAX_VALIDITY_DAYS;
use xyd_domain::credit::{GRANT_CODE_ALPHABET, GRANT_CODE_LEN};
use xyd_domain::{AuthorizationId, SubjectId, SubjectKind};
use xyd_reasons::Reason;

use super::entity::authorization;
use crate::auth::Principal;
use crate::consents::texts::{self, TextKind};
use crate::db::duplicate_as;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::subjects::SubjectRepo;

/// A fresh grant code: 16 characters of an alphabet without look-alikes (about 80 bits).
fn grant_code() -> String {
    crate::crypto::random_code(GRANT_CODE_ALPHABET, GRANT_CODE_LEN)
}

/// The caller's own person, verified (INVALID_STATE `NOT_A_PERSON` for an enterprise, `UNVERIFIED` before).
async fn own_person(state: &AppState, principal: &Principal) -> AppResult<SubjectId> {
    let subject = SubjectRepo::get(state.db.conn(), principal.subject()?).await?;
    if subject.kind != SubjectKind::NaturalPerson {
        return Err(AppError::refused(Reason::NotAPerson));
    }
    crate::subjects::ensure_verified(&subject)?;
    Ok(subject.id)
}

/// Sign the current collection text until `valid_until` (in the future, at most a year).
pub async fn authorize(
    state: &AppState,
    principal: &Principal,
    text_version: &str,
    valid_until: DateTime<Utc>,
) -> AppResult<authorization::Model> {
    let subject = own_person(state, principal).await?;
    let text = texts::require_current_of(TextKind::TaxCollection, text_version, "textVersion")?;
    let now = Utc::now();
    if valid_until <= now {
        return Err(AppError::input("validUntil", Reason::ValidityPast));
    }
    if valid_until > now + Duration::days(MAX_VALIDITY_DAYS) {
        return Err(AppError::input("validUntil", Reason::ValidityTooLong));
    }
    let row = authorization::ActiveModel {
        id: Set(AuthorizationId::new()),
        subject_id: Set(subject),
        grant_code: Set(grant_code()),
        valid_from: Set(now),
        valid_until: Set(valid_until),
        revoked_at: Set(None),
        text_version: Set(text.version.clone()),
        text_sha256: Set(text.sha256.clone()),
        signed_by: Set(principal.user_id),
    };
    // A clash of two random 80-bit codes is not expected; if it happens, the client may simply ask again.
    row.insert(state.db.conn()).await.map_err(duplicate_as(|| AppError::internal("grant code", "collision")))
}

/// Revoke one of the caller's authorizations (again: unchanged). Another person's is NOT_FOUND.
pub async fn revoke(state: &AppState, principal: &Principal, id: AuthorizationId) -> AppResult<authorization::Model> {
    let conn = state.db.conn();
    let subject = principal.subject()?;
    let found = authorization::Entity::find_by_id(id).one(conn).await?;
    if found.is_none_or(|a| a.subject_id != subject) {
        return Err(AppError::not_found("授权不存在"));
    }
    authorization::Entity::update_many()
        .col_expr(authorization::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(authorization::Column::Id.eq(id))
        .filter(authorization::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    authorization::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::internal("authorization", "vanished"))
}

/// The authorizations of `subject`, newest first.
pub async fn of_subject(conn: &impl ConnectionTrait, subject: SubjectId) -> AppResult<Vec<authorization::Model>> {
    Ok(authorization::Entity::find()
        .filter(authorization::Column::SubjectId.eq(subject))
        .order_by_desc(authorization::Column::Id)
        .all(conn)
        .await?)
}

/// Which of `ids` are revoked.
pub async fn revoked_among(
    conn: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = AuthorizationId>,
) -> AppResult<HashSet<AuthorizationId>> {
    Ok(authorization::Entity::find()
        .filter(authorization::Column::Id.is_in(ids.into_iter().collect::<HashSet<_>>()))
        .filter(authorization::Column::RevokedAt.is_not_null())
        .all(conn)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect())
}

/// Why a row under `found` (the authorization of its grant code, if any) may not be stored at `now`, if it may
/// not: unknown, revoked, expired (or not begun).
pub fn refusal(found: Option<&authorization::Model>, now: DateTime<Utc>) -> Option<Reason> {
    match found {
        None => Some(Reason::GrantCodeUnknown),
        Some(a) if a.revoked_at.is_some() => Some(Reason::GrantCodeRevoked),
        Some(a) if now < a.valid_from || now >= a.valid_until => Some(Reason::GrantCodeExpired),
        Some(_) => None,
    }
}
