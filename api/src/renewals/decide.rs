//! The lending bank approves a renewal or extension (with the new rate) or rejects it (with a reason), while it
//! waits.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use xyd_domain::{Rate, RejectReason, RenewalId, RenewalStatus};
use xyd_reasons::Reason;

use super::{entity, notices};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The lending bank's decision.
pub enum Decision {
    /// Approve at `rate` (the loan's rate when absent).
    Approve(Option<Rate>),
    Reject(RejectReason, Option<String>),
}

/// Decide request `id`: only its lending bank, only while it waits.
pub async fn decide(
    state: &AppState,
    principal: &Principal,
    id: RenewalId,
    decision: Decision,
) -> AppResult<entity::Model> {
    principal.require(xyd_domain::Role::Bank)?;
    let bank = principal.institution()?;
    let now = Utc::now();
    let txn = state.db.begin_write().await?;
    let found = entity::Entity::find_by_id(id).one(&*txn).await?.filter(|r| r.bank_id == bank);
    let found = found.ok_or_else(|| AppError::not_found("续贷申请不存在"))?;
    if found.status != RenewalStatus::Requested {
        return Err(AppError::refused(Reason::RenewalDecided));
    }
    let (status, rate, reason, note) = match decision {
        Decision::Approve(rate) => {
            (RenewalStatus::Approved, Some(approved_rate(&*txn, state, &found, rate).await?), None, None)
        }
        Decision::Reject(reason, note) => {
            (RenewalStatus::Rejected, None, Some(reason), crate::demands::reject_note(reason, note)?)
        }
    };
    let updated = entity::Entity::update_many()
        .col_expr(entity::Column::Status, Expr::value(status))
        .col_expr(entity::Column::DecidedAt, Expr::value(now))
        .col_expr(entity::Column::DecidedBy, Expr::value(principal.user_id))
        .col_expr(entity::Column::AnnualRate, Expr::value(rate.map(|r| r.bp())))
        .col_expr(entity::Column::RejectReason, Expr::value(reason))
        .col_expr(entity::Column::Note, Expr::value(note.clone()))
        .filter(entity::Column::Id.eq(found.id))
        .filter(entity::Column::Status.eq(RenewalStatus::Requested))
        .exec(&*txn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(AppError::refused(Reason::RenewalChanged));
    }
    let sent = notices::decided(&*txn, &found, rate, reason, note).await?;
    let decided = entity::Entity::find_by_id(found.id)
        .one(&*txn)
        .await?
        .ok_or_else(|| AppError::internal("renewal", "vanished"))?;
    txn.commit().await?;
    crate::notifications::publish(state, sent).await;
    Ok(decided)
}

/// The rate of an approval: as given (positive, at most the ceiling) or the loan's own.
async fn approved_rate(
    conn: &impl ConnectionTrait,
    state: &AppState,
    r: &entity::Model,
    rate: Option<Rate>,
) -> AppResult<Rate> {
    if let Some(rate) = rate {
        if rate.bp() <= 0 || rate > state.config.products.max_rate() {
            return Err(AppError::input("annualRate", Reason::RenewalRate));
        }
        return Ok(rate);
    }
    let loan = crate::demands::repo::responses(conn, [r.response_id]).await?.pop();
    loan.and_then(|l| l.credit_rate)
        .and_then(|bp| Rate::from_bp(bp).ok())
        .ok_or_else(|| AppError::input("annualRate", Reason::RenewalRateRequired))
}
