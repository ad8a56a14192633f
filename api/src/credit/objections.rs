//! Objections (异议) and credit repair (信用修复): status changes of a record, each audited and each
//! recomputing the subject's flags in the same transaction.

use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set,
};
use uuid::Uuid;
use xyd_domain::credit::{self, OBJECTION_DAYS};
use xyd_domain::{ObjectionOutcome, RecordStatus, RegionCode, SubjectId, Uscc};

use super::entity::{credit_record, objection, record_event};
use super::repo::{self, status_of};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::institutions::Scope;
use crate::state::AppState;
use crate::subjects::{SubjectRepo, entity as subject_entity};

async fn subject_of_record(
    conn: &impl ConnectionTrait,
    record: &credit_record::Model,
) -> AppResult<Option<subject_entity::Model>> {
    use crate::subjects::entity::{Column, Entity};
    Ok(Entity::find().filter(Column::Uscc.eq(record.uscc.clone())).one(conn).await?)
}

/// Set a record's status, audit it, and recompute the subject's flags.
async fn change(
    state: &AppState,
    conn: &impl ConnectionTrait,
    record: &credit_record::Model,
    to: RecordStatus,
    action: &str,
    actor: Uuid,
    note: Option<&str>,
) -> AppResult<()> {
    let updated = credit_record::Entity::update_many()
        .col_expr(credit_record::Column::Status, Expr::value(to.as_str()))
        .col_expr(credit_record::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(credit_record::Column::Id.eq(record.id))
        .filter(credit_record::Column::Status.eq(record.status.clone()))
        .exec(conn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(AppError::conflict("CONCURRENT_UPDATE", "该信用信息已被他人处理，请刷新后重试"));
    }
    record_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        record_id: Set(record.id),
        action: Set(action.to_string()),
        from_status: Set(record.status.clone()),
        to_status: Set(to.as_str().to_string()),
        actor_id: Set(actor),
        note: Set(note.map(str::to_string)),
        at: Set(Utc::now()),
    }
    .insert(conn)
    .await?;
    let uscc = Uscc::parse(&record.uscc).map_err(|e| AppError::internal("record uscc", e))?;
    repo::recompute_flags(conn, &[&uscc], state.config.credit.flag_policy()).await
}

fn text(value: &str, field: &str, what: &str) -> AppResult<String> {
    let value = value.trim();
    if !(2..=1000).contains(&value.chars().count()) {
        return Err(AppError::bad_input(field, "INVALID_TEXT", format!("{what}应为2至1000个字")));
    }
    Ok(value.to_string())
}

/// The subject's user files an objection against one of its records.
pub async fn file(
    state: &AppState,
    principal: &Principal,
    record_id: Uuid,
    reason: &str,
) -> AppResult<objection::Model> {
    let subject = principal.subject()?;
    let reason = text(reason, "reason", "异议理由")?;
    let txn = state.db.begin_write().await?;
    let record = repo::find_record(&*txn, record_id).await?;
    let owner = subject_of_record(&*txn, &record).await?;
    if owner.as_ref().map(|s| s.id) != Some(subject.as_uuid()) {
        return Err(AppError::not_found("信用信息不存在"));
    }
    let to = credit::file_objection(status_of(&record)?)?;
    change(state, &*txn, &record, to, "OBJECTION_FILED", principal.user_id.as_uuid(), Some(&reason)).await?;
    let now = Utc::now();
    let filed = objection::ActiveModel {
        id: Set(Uuid::now_v7()),
        record_id: Set(record.id),
        subject_id: Set(subject.as_uuid()),
        filed_by: Set(principal.user_id.as_uuid()),
        reason: Set(reason),
        filed_at: Set(now),
        due_at: Set(now + Duration::days(OBJECTION_DAYS)),
        outcome: Set(None),
        note: Set(None),
        resolved_at: Set(None),
        resolved_by: Set(None),
    }
    .insert(&*txn)
    .await?;
    txn.commit().await?;
    Ok(filed)
}

async fn ensure_jurisdiction(state: &AppState, principal: &Principal, subject_id: Uuid) -> AppResult<()> {
    let subject = SubjectRepo::get(state.db.conn(), SubjectId::from_uuid(subject_id)).await?;
    Scope::of_bureau(state.db.conn(), principal).await?.ensure(&subject.region()?)
}

/// A bureau of the subject's jurisdiction decides an objection.
pub async fn resolve(
    state: &AppState,
    principal: &Principal,
    id: Uuid,
    outcome: ObjectionOutcome,
    note: Option<&str>,
) -> AppResult<objection::Model> {
    let txn = state.db.begin_write().await?;
    let filed = objection::Entity::find_by_id(id).one(&*txn).await?.ok_or_else(|| AppError::not_found("异议不存在"))?;
    ensure_jurisdiction(state, principal, filed.subject_id).await?;
    if filed.resolved_at.is_some() {
        return Err(AppError::invalid_state("ALREADY_RESOLVED", "该异议已处理"));
    }
    let record = repo::find_record(&*txn, filed.record_id).await?;
    let to = credit::resolve_objection(status_of(&record)?, outcome)?;
    let action = match outcome {
        ObjectionOutcome::Corrected => "OBJECTION_CORRECTED",
        ObjectionOutcome::Upheld => "OBJECTION_UPHELD",
    };
    change(state, &*txn, &record, to, action, principal.user_id.as_uuid(), note).await?;
    objection::Entity::update_many()
        .col_expr(objection::Column::Outcome, Expr::value(outcome.as_str()))
        .col_expr(objection::Column::Note, Expr::value(note.map(str::to_string)))
        .col_expr(objection::Column::ResolvedAt, Expr::value(Utc::now()))
        .col_expr(objection::Column::ResolvedBy, Expr::value(principal.user_id.as_uuid()))
        .filter(objection::Column::Id.eq(id))
        .exec(&*txn)
        .await?;
    let resolved = objection::Entity::find_by_id(id)
        .one(&*txn)
        .await?
        .ok_or_else(|| AppError::internal("objection", "vanished"))?;
    txn.commit().await?;
    Ok(resolved)
}

/// 信用修复 by a bureau of the subject's jurisdiction.
pub async fn repair(
    state: &AppState,
    principal: &Principal,
    record_id: Uuid,
    note: &str,
) -> AppResult<credit_record::Model> {
    let note = text(note, "note", "修复说明")?;
    let txn = state.db.begin_write().await?;
    let record = repo::find_record(&*txn, record_id).await?;
    let subject = subject_of_record(&*txn, &record).await?;
    match &subject {
        Some(s) => ensure_jurisdiction(state, principal, s.id).await?,
        None => {
            // Not registered on the platform: the code's registering county decides.
            let uscc = Uscc::parse(&record.uscc).map_err(|e| AppError::internal("record uscc", e))?;
            let county = RegionCode::parse(uscc.county_code()).map_err(|e| AppError::internal("uscc county", e))?;
            Scope::of_bureau(state.db.conn(), principal).await?.ensure(&county)?;
        }
    }
    let to = credit::repair(status_of(&record)?)?;
    change(state, &*txn, &record, to, "REPAIRED", principal.user_id.as_uuid(), Some(&note)).await?;
    let updated = repo::find_record(&*txn, record_id).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Objections in a bureau's jurisdiction (or everywhere for the admin): open ones, optionally only overdue.
pub async fn list(
    state: &AppState,
    principal: &Principal,
    open_only: bool,
    overdue_only: bool,
    limit: u64,
) -> AppResult<Vec<objection::Model>> {
    let scope = Scope::of_official(state.db.conn(), principal).await?;
    let mut query = objection::Entity::find();
    if open_only || overdue_only {
        query = query.filter(objection::Column::ResolvedAt.is_null());
    }
    if overdue_only {
        query = query.filter(objection::Column::DueAt.lt(Utc::now()));
    }
    if let Some(prefix) = scope.prefix() {
        use crate::subjects::entity::{Column, Entity};
        let in_scope = Entity::find()
            .select_only()
            .column(Column::Id)
            .filter(Column::RegionCode.starts_with(prefix.as_str()))
            .into_query();
        query = query.filter(objection::Column::SubjectId.in_subquery(in_scope));
    }
    Ok(query.order_by_asc(objection::Column::DueAt).limit(limit).all(state.db.conn()).await?)
}
