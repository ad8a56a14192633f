//! A subject's copy of the data the platform holds about it (PIPL Art. 45): requested by its verified owner
//! (enterprise or person), assembled in the background into a ZIP of JSON and CSV per section with a manifest
//! of SHA-256 digests, downloadable by the owner only (`GET /exports/my-data/{id}`) until it expires.

mod assemble;
pub mod entity;
mod graphql;

use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use xyd_domain::SubjectId;

pub use graphql::{MyDataMutation, MyDataQuery};

use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::subjects::{SubjectRepo, ensure_verified};

/// How long a copy can be downloaded once assembled.
pub const KEPT_DAYS: i64 = 7;

/// Start assembling a copy for the caller's own subject (verified owners only); it is ready when `readyAt` is set.
pub async fn request(state: &AppState, principal: &Principal) -> AppResult<entity::Model> {
    let subject = SubjectRepo::get(state.db.conn(), principal.subject()?).await?;
    ensure_verified(&subject)?;
    let row = entity::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        subject_id: Set(subject.id),
        requested_by: Set(principal.user_id),
        requested_at: Set(Utc::now()),
        ready_at: Set(None),
        expires_at: Set(None),
        sha256: Set(None),
        zip: Set(None),
        failure: Set(None),
    }
    .insert(state.db.conn())
    .await?;
    let (state, id) = (state.clone(), row.id);
    tokio::spawn(async move {
        let outcome = assemble::zip_of(&state, &subject).await;
        let mut done = entity::ActiveModel { id: Set(id), ..Default::default() };
        match outcome {
            Ok((zip, sha256)) => {
                let now = Utc::now();
                done.zip = Set(Some(zip));
                done.sha256 = Set(Some(sha256));
                done.ready_at = Set(Some(now));
                done.expires_at = Set(Some(now + Duration::days(KEPT_DAYS)));
            }
            Err(e) => {
                tracing::error!(export = %id, error = ?e, "a data copy could not be assembled");
                done.failure = Set(Some("数据副本生成失败，请重新申请".into()));
            }
        }
        if let Err(e) = done.update(state.db.conn()).await {
            tracing::error!(export = %id, error = %e, "a data copy could not be stored");
        }
    });
    Ok(row)
}

/// Delete the copies of `subject` (a person's erasure).
pub async fn erase(conn: &impl sea_orm::ConnectionTrait, subject: SubjectId) -> AppResult<()> {
    entity::Entity::delete_many().filter(entity::Column::SubjectId.eq(subject)).exec(conn).await?;
    Ok(())
}

/// The copies of `subject`, newest first.
pub async fn of_subject(state: &AppState, subject: SubjectId) -> AppResult<Vec<entity::Model>> {
    Ok(entity::Entity::find()
        .filter(entity::Column::SubjectId.eq(subject))
        .order_by_desc(entity::Column::Id)
        .all(state.db.conn())
        .await?)
}

/// A ready, unexpired copy the caller owns; NOT_FOUND for anything else (as for an unknown id).
pub async fn downloadable(state: &AppState, principal: &Principal, id: &str) -> AppResult<(entity::Model, Vec<u8>)> {
    let not_found = || AppError::not_found("数据副本不存在或已过期");
    let id: uuid::Uuid = id.parse().map_err(|_| not_found())?;
    let row = entity::Entity::find_by_id(id).one(state.db.conn()).await?.ok_or_else(not_found)?;
    let owner = principal.subject_id == Some(row.subject_id) && principal.subject().is_ok();
    let live = row.expires_at.is_some_and(|at| at > Utc::now());
    match (owner && live, row.zip.clone()) {
        (true, Some(zip)) => Ok((row, zip)),
        _ => Err(not_found()),
    }
}
