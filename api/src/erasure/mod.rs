//! A natural person's erasure of their data (PIPL Art. 47): the person asks with a reason; a bureau of their
//! county (or the admin) decides. Approved, what no law requires to keep is erased or irreversibly anonymized
//! (`erase`) and the request lists what was kept and why; refused, it says why.

pub mod entity;
mod erase;
mod graphql;

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use xyd_domain::written_reason::written_reason;
use xyd_domain::{ErasureStatus, SubjectKind};
use xyd_reasons::Reason;

pub use graphql::{ErasureMutation, ErasureQuery};

use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::institutions::Scope;
use crate::state::AppState;
use crate::subjects::SubjectRepo;

fn text(value: &str, field: &'static str) -> AppResult<String> {
    Ok(written_reason(value, field, Reason::InvalidErasureReason)?)
}

/// The caller (a natural person's user) asks for erasure; one request waits at a time.
pub async fn request(state: &AppState, principal: &Principal, reason: &str) -> AppResult<entity::Model> {
    let reason = text(reason, "reason")?;
    let txn = state.db.begin_write().await?;
    let person = SubjectRepo::get(&*txn, principal.subject()?).await?;
    if person.kind != SubjectKind::NaturalPerson {
        return Err(AppError::refused(Reason::NotAPerson));
    }
    let waiting = entity::Entity::find()
        .filter(entity::Column::SubjectId.eq(person.id))
        .filter(entity::Column::Status.eq(ErasureStatus::Requested))
        .one(&*txn)
        .await?;
    if waiting.is_some() {
        return Err(AppError::refused(Reason::ErasurePending));
    }
    let row = entity::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        subject_id: Set(person.id),
        region_code: Set(person.region_code.clone()),
        status: Set(ErasureStatus::Requested),
        reason: Set(reason),
        requested_at: Set(Utc::now()),
        decided_at: Set(None),
        decided_by: Set(None),
        note: Set(None),
        retained: Set("[]".into()),
    }
    .insert(&*txn)
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// A bureau of the person's county (or the admin) decides a waiting request: approved, the person's data is
/// erased in the same transaction; refused, with a note.
pub async fn decide(
    state: &AppState,
    principal: &Principal,
    id: uuid::Uuid,
    approve: bool,
    note: Option<&str>,
) -> AppResult<entity::Model> {
    let scope = Scope::of_official(state.db.conn(), principal).await?;
    let note = note.map(|n| text(n, "note")).transpose()?;
    let txn = state.db.begin_write().await?;
    let found =
        entity::Entity::find_by_id(id).one(&*txn).await?.ok_or_else(|| AppError::not_found("删除申请不存在"))?;
    scope.ensure(&SubjectRepo::get(&*txn, found.subject_id).await?.region()?)?;
    if found.status != ErasureStatus::Requested {
        return Err(AppError::refused(Reason::ErasureDecided));
    }
    let (status, retained) = if approve {
        let retained = erase::erase(&*txn, found.subject_id).await?;
        let status = if retained.is_empty() { ErasureStatus::Erased } else { ErasureStatus::PartiallyErased };
        (status, retained)
    } else {
        (ErasureStatus::Refused, Vec::new())
    };
    let retained = serde_json::to_string(&retained).map_err(|e| AppError::internal("retained", e))?;
    let decided = entity::ActiveModel {
        id: Set(found.id),
        status: Set(status),
        decided_at: Set(Some(Utc::now())),
        decided_by: Set(Some(principal.user_id)),
        note: Set(note),
        retained: Set(retained),
        ..Default::default()
    }
    .update(&*txn)
    .await?;
    txn.commit().await?;
    Ok(decided)
}

/// Requests as the caller may list them: a person's own, a bureau's county's, all for the admin; newest first.
pub async fn list(
    state: &AppState,
    principal: &Principal,
    status: Option<ErasureStatus>,
    first: i32,
    after: Option<uuid::Uuid>,
) -> AppResult<Vec<entity::Model>> {
    let mut query = entity::Entity::find();
    query = match principal.subject() {
        Ok(subject) => query.filter(entity::Column::SubjectId.eq(subject)),
        Err(_) => match Scope::of_official(state.db.conn(), principal).await? {
            Scope::All => query,
            Scope::Within(prefix) => query.filter(entity::Column::RegionCode.starts_with(prefix.as_str())),
        },
    };
    if let Some(status) = status {
        query = query.filter(entity::Column::Status.eq(status));
    }
    if let Some(after) = after {
        query = query.filter(entity::Column::Id.lt(after));
    }
    let limit = u64::try_from(first.clamp(1, 100)).unwrap_or(20);
    Ok(query.order_by_desc(entity::Column::Id).limit(limit).all(state.db.conn()).await?)
}
