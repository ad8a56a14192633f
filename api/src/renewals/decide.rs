//! Use cases of 续贷 / 展期: the enterprise requests on its disbursed loan near maturity; the lending bank approves
//! (with the new rate) or rejects (with a reason). Each writes its notification in the same transaction.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use xyd_domain::demand::renewal::{NewRenewal, ensure_in_window, maturity};
use xyd_domain::{
    Money, NotificationKind, Rate, RejectReason, RenewalId, RenewalKind, RenewalStatus, ResponseId, ResponseStatus,
};

use super::entity;
use crate::auth::Principal;
use crate::demands::entity::{demand, response};
use crate::error::{AppError, AppResult};
use crate::notifications::{Message, Recipients, notify};
use crate::state::AppState;
use crate::subjects::SubjectRepo;

/// A request as the enterprise entered it; validated against its loan by [`request`].
pub struct Ask {
    pub kind: RenewalKind,
    pub amount: Money,
    pub term_months: i32,
    pub reason: String,
}

/// The enterprise asks its lending bank to renew or extend loan `loan` (a DISBURSED response on its demand).
pub async fn request(state: &AppState, principal: &Principal, loan: ResponseId, ask: Ask) -> AppResult<entity::Model> {
    let now = Utc::now();
    let txn = state.db.begin_write().await?;
    let subject = crate::subjects::claim::acting(&*txn, principal).await?;
    let not_found = || AppError::not_found("贷款不存在");
    let found = response::Entity::find_by_id(loan).one(&*txn).await?.ok_or_else(not_found)?;
    let d = demand::Entity::find_by_id(found.demand_id).one(&*txn).await?.ok_or_else(not_found)?;
    if d.subject_id != subject {
        return Err(not_found());
    }
    let (disbursed_at, term, lent) = match (found.status, found.disbursed_at, found.credit_term, found.disbursed_amount)
    {
        (ResponseStatus::Disbursed, Some(at), Some(term), Some(lent)) => (at, term, lent),
        _ => return Err(AppError::invalid_state("NOT_DISBURSED", "只能对已放款的贷款申请续贷或展期")),
    };
    let r = NewRenewal::parse(ask.kind, ask.amount, ask.term_months, &ask.reason, Money::from_fen(lent))
        .map_err(|e| AppError::from(e).prefixed("input"))?;
    let due = maturity(disbursed_at, u32::try_from(term).unwrap_or(0));
    ensure_in_window(now, due, state.config.demands.renewal_window_days)?;
    let owner = SubjectRepo::get(&*txn, subject).await?;
    let config = &state.config.demands;
    let row = entity::ActiveModel {
        id: Set(RenewalId::new()),
        response_id: Set(found.id),
        demand_id: Set(d.id),
        subject_id: Set(subject),
        bank_id: Set(found.bank_id),
        region_code: Set(owner.region_code.clone()),
        industry_section: Set(owner.industry_code.as_deref().and_then(|c| c.get(..1)).unwrap_or("").to_string()),
        kind: Set(r.kind),
        amount: Set(r.amount.fen()),
        term_months: Set(i32::from(r.term_months)),
        reason: Set(r.reason),
        status: Set(RenewalStatus::Requested),
        requested_at: Set(now),
        due_at: Set(config.calendar().add_working_days(now, config.renewal_decision_working_days)),
        decided_at: Set(None),
        decided_by: Set(None),
        annual_rate: Set(None),
        reject_reason: Set(None),
        note: Set(None),
    }
    .insert(&*txn)
    .await
    .map_err(|e| {
        if crate::db::is_unique_violation(&e) {
            AppError::conflict("RENEWAL_PENDING", "该贷款已有待审批的续贷或展期申请")
        } else {
            e.into()
        }
    })?;
    let body = format!(
        "企业申请对{}元贷款{}：{}元，{}个月。理由：{}",
        Money::from_fen(lent).to_yuan_string(),
        row.kind.label_zh(),
        Money::from_fen(row.amount).to_yuan_string(),
        row.term_months,
        row.reason,
    );
    let message =
        Message {
            kind: NotificationKind::RenewalRequested, title: "企业申请续贷".into(), body, demand: Some(d.id)
        };
    let sent = notify(&*txn, Recipients::Bank(found.bank_id), message).await?;
    txn.commit().await?;
    crate::notifications::publish(state, sent).await;
    Ok(row)
}

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
        return Err(AppError::invalid_state("RENEWAL_DECIDED", "该申请已处理"));
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
        return Err(AppError::conflict("CONCURRENT_UPDATE", "该申请已被他人处理，请刷新后重试"));
    }
    let outcome = match (rate, reason) {
        (Some(rate), _) => format!("已同意，年利率{rate}%"),
        (None, Some(reason)) => {
            format!("未同意，原因：{}{}", reason.label_zh(), note.map(|n| format!("（{n}）")).unwrap_or_default())
        }
        (None, None) => String::new(),
    };
    let body = format!(
        "您的{}申请（{}元，{}个月）银行{}。",
        found.kind.label_zh(),
        Money::from_fen(found.amount).to_yuan_string(),
        found.term_months,
        outcome
    );
    let message = Message {
        kind: NotificationKind::RenewalDecided,
        title: "续贷申请已处理".into(),
        body,
        demand: Some(found.demand_id),
    };
    let sent = notify(&*txn, Recipients::Subject(found.subject_id), message).await?;
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
            return Err(AppError::bad_input("annualRate", "INVALID_RATE", "续贷利率须大于0且不超过利率上限"));
        }
        return Ok(rate);
    }
    let loan = response::Entity::find_by_id(r.response_id).one(conn).await?;
    loan.and_then(|l| l.credit_rate)
        .and_then(|bp| Rate::from_bp(bp).ok())
        .ok_or_else(|| AppError::bad_input("annualRate", "REQUIRED", "请填写续贷利率"))
}
