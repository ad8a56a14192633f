//! Objections (异议) and credit repair (信用修复): status changes of a record, each audited and each
//! recomputing the subject's flags in the same transaction.

use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set,
};
use xyd_domain::credit::{self, OBJECTION_DAYS};
use xyd_domain::{ObjectionId, ObjectionOutcome, RecordAction, RecordId, RecordStatus, Uscc, UserId};
use xyd_reasons::Reason;

use super::entity::{credit_record, objection, record_event};
use super::repo;
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::institutions::Scope;
use crate::state::AppState;
use crate::subjects::SubjectRepo;

/// Set a record's status, audit it, and recompute the subject's flags.
async fn change(
    state: &AppState,
    conn: &impl ConnectionTrait,
    record: &credit_record::Model,
    to: RecordStatus,
    action: RecordAction,
    actor: UserId,
    note: Option<&str>,
) -> AppResult<()> {
    let updated = credit_record::Entity::update_many()
        .col_expr(credit_record::Column::Status, Expr::value(to))
        .col_expr(credit_record::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(credit_record::Column::Id.eq(record.id))
        .filter(credit_record::Column::Status.eq(record.status))
        .exec(conn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(AppError::refused(Reason::RecordChanged));
    }
    let event = record_event::Model {
        id: uuid::Uuid::now_v7(),
        record_id: record.id,
        action,
        from_status: record.status,
        to_status: to,
        actor_id: actor,
        note: note.map(str::to_string),
        at: Utc::now(),
        chain_seq: None,
        chain_hash: None,
    };
    crate::audit::append(conn, event).await?;
    let uscc = Uscc::parse(&record.uscc).map_err(|e| AppError::internal("record uscc", e))?;
    repo::recompute_flags(conn, &[&uscc], state.config.credit.flag_policy()).await
}

fn text(value: &str, field: &str, what: &'static str) -> AppResult<String> {
    let value = value.trim();
    if !(2..=1000).contains(&value.chars().count()) {
        return Err(AppError::input(field, Reason::ObjectionText { what }));
    }
    Ok(value.to_string())
}

/// The subject's user files an objection against one of its records.
pub async fn file(
    state: &AppState,
    principal: &Principal,
    record_id: RecordId,
    reason: &str,
) -> AppResult<objection::Model> {
    principal.subject()?;
    let reason = text(reason, "reason", "异议理由")?;
    let txn = state.db.begin_write().await?;
    let subject = crate::subjects::claim::acting(&*txn, principal).await?;
    let record = repo::find_record(&*txn, record_id).await?;
    let owner = SubjectRepo::verified_owner(&*txn, &record.uscc).await?;
    if owner.as_ref().map(|s| s.id) != Some(subject) {
        return Err(AppError::not_found("信用信息不存在"));
    }
    let to = credit::file_objection(record.status)?;
    change(state, &*txn, &record, to, RecordAction::ObjectionFiled, principal.user_id, Some(&reason)).await?;
    let now = Utc::now();
    let filed = objection::ActiveModel {
        id: Set(ObjectionId::new()),
        record_id: Set(record.id),
        subject_id: Set(subject),
        filed_by: Set(principal.user_id),
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

/// An objection is decided by the bureau whose jurisdiction imported the record, or by the admin: a record
/// always has such a bureau, so no objection is undecidable.
pub async fn resolve(
    state: &AppState,
    principal: &Principal,
    id: ObjectionId,
    outcome: ObjectionOutcome,
    note: Option<&str>,
) -> AppResult<objection::Model> {
    let txn = state.db.begin_write().await?;
    let filed = objection::Entity::find_by_id(id).one(&*txn).await?.ok_or_else(|| AppError::not_found("异议不存在"))?;
    let record = repo::find_record(&*txn, filed.record_id).await?;
    Scope::of_official(&*txn, principal).await?.ensure_jurisdiction(&record.jurisdiction)?;
    if filed.resolved_at.is_some() {
        return Err(AppError::refused(Reason::AlreadyResolved));
    }
    let to = credit::resolve_objection(record.status, outcome)?;
    let action = match outcome {
        ObjectionOutcome::Corrected => RecordAction::ObjectionCorrected,
        ObjectionOutcome::Upheld => RecordAction::ObjectionUpheld,
    };
    change(state, &*txn, &record, to, action, principal.user_id, note).await?;
    objection::Entity::update_many()
        .col_expr(objection::Column::Outcome, Expr::value(outcome))
        .col_expr(objection::Column::Note, Expr::value(note.map(str::to_string)))
        .col_expr(objection::Column::ResolvedAt, Expr::value(Utc::now()))
        .col_expr(objection::Column::ResolvedBy, Expr::value(principal.user_id))
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

/// 信用修复 by the bureau whose jurisdiction imported the record.
pub async fn repair(
    state: &AppState,
    principal: &Principal,
    record_id: RecordId,
    note: &str,
) -> AppResult<credit_record::Model> {
    let note = text(note, "note", "修复说明")?;
    let txn = state.db.begin_write().await?;
    let record = repo::find_record(&*txn, record_id).await?;
    Scope::of_bureau(&*txn, principal).await?.ensure_jurisdiction(&record.jurisdiction)?;
    let to = credit::repair(record.status)?;
    change(state, &*txn, &record, to, RecordAction::Repaired, principal.user_id, Some(&note)).await?;
    let updated = repo::find_record(&*txn, record_id).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Objections against records of a bureau's jurisdiction (or everywhere for the admin): open ones, optionally
/// only overdue.
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
        let in_scope = credit_record::Entity::find()
            .select_only()
            .column(credit_record::Column::Id)
            .filter(credit_record::Column::Jurisdiction.starts_with(prefix.as_str()))
            .into_query();
        query = query.filter(objection::Column::RecordId.in_subquery(in_scope));
    }
    Ok(query.order_by_asc(objection::Column::DueAt).limit(limit).all(state.db.conn()).await?)
}
