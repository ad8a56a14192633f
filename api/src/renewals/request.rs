//! The enterprise asks its lending bank to renew (无还本续贷) or extend (展期) a disbursed loan near its maturity.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, Set};
use xyd_domain::demand::renewal::{NewRenewal, ensure_in_window, maturity};
use xyd_domain::{Money, RenewalId, RenewalKind, RenewalStatus, ResponseId, ResponseStatus, SubjectId};
use xyd_reasons::Reason;

use super::{entity, notices};
use crate::auth::Principal;
use crate::demands::repo::{DemandRow, ResponseRow};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::subjects::SubjectRepo;

/// A request as the enterprise entered it; validated against its loan by [`request`].
pub struct Ask {
    pub kind: RenewalKind,
    pub amount: Money,
    pub term_months: i32,
    pub reason: String,
}

/// A disbursed loan of the caller's subject.
struct Loan {
    response: ResponseRow,
    demand: DemandRow,
    disbursed_at: chrono::DateTime<Utc>,
    term_months: i32,
    lent: Money,
}

/// The enterprise asks its lending bank to renew or extend loan `loan` (a DISBURSED response on its demand).
pub async fn request(state: &AppState, principal: &Principal, loan: ResponseId, ask: Ask) -> AppResult<entity::Model> {
    let now = Utc::now();
    let txn = state.db.begin_write().await?;
    let subject = crate::subjects::claim::acting(&*txn, principal).await?;
    let loan = disbursed_loan(&*txn, subject, loan).await?;
    let r = NewRenewal::parse(ask.kind, ask.amount, ask.term_months, &ask.reason, loan.lent)
        .map_err(|e| AppError::from(e).prefixed("input"))?;
    let due = maturity(loan.disbursed_at, u32::try_from(loan.term_months).unwrap_or(0));
    ensure_in_window(now, due, state.config.demands.renewal_window_days)?;
    let owner = SubjectRepo::get(&*txn, subject).await?;
    let config = &state.config.demands;
    let row = entity::ActiveModel {
        id: Set(RenewalId::new()),
        response_id: Set(loan.response.id),
        demand_id: Set(loan.demand.id),
        subject_id: Set(subject),
        bank_id: Set(loan.response.bank_id),
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
    .map_err(crate::db::duplicate_as(|| AppError::refused(Reason::RenewalPending)))?;
    let sent = notices::requested(&*txn, &row, loan.lent).await?;
    txn.commit().await?;
    crate::notifications::publish(state, sent).await;
    Ok(row)
}

/// Loan `loan` of `subject`, disbursed (NOT_FOUND for another subject's, INVALID_STATE before disbursement).
async fn disbursed_loan(conn: &impl sea_orm::ConnectionTrait, subject: SubjectId, loan: ResponseId) -> AppResult<Loan> {
    let not_found = || AppError::not_found("贷款不存在");
    let found = crate::demands::repo::responses(conn, [loan]).await?.pop().ok_or_else(not_found)?;
    let d = crate::demands::repo::lookup(conn, found.demand_id).await?.ok_or_else(not_found)?;
    if d.subject_id != subject {
        return Err(not_found());
    }
    match (found.status, found.disbursed_at, found.credit_term, found.disbursed_amount) {
        (ResponseStatus::Disbursed, Some(disbursed_at), Some(term_months), Some(lent)) => {
            Ok(Loan { response: found, demand: d, disbursed_at, term_months, lent: Money::from_fen(lent) })
        }
        _ => Err(AppError::refused(Reason::NotDisbursed)),
    }
}
