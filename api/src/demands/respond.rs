//! Use cases of a bank responding to a demand: accept (at most N banks hold a demand at once), reject with a
//! reason, grant credit, record the disbursement. Each locks the demand, applies the domain state machine,
//! and derives the demand's status from all responses.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use xyd_domain::demand::{self as rules};
use xyd_domain::{
    DemandId, DemandStatus, InstitutionId, Money, ProductId, Rate, RegionPrefix, RejectReason, RepaymentMethod,
    ResponseId, ResponseStatus,
};
use xyd_reasons::Reason;

use super::entity::{demand, response};
use super::opportunities::BankLens;
use super::repo;
use super::{fees, notices};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::institutions::Scope;
use crate::state::AppState;

/// Set a demand's status (and close it when final). Closing it ends every response that still holds it as
/// SUPERSEDED, which ends those banks' demand-scoped consent at once; the lender's DISBURSED response stays.
pub async fn save_status(
    conn: &impl ConnectionTrait,
    current: &demand::Model,
    next: DemandStatus,
) -> AppResult<demand::Model> {
    if current.status == next {
        return Ok(current.clone());
    }
    let closed = !rules::is_open(next);
    if closed {
        supersede_holders(conn, current.id).await?;
    }
    demand::Entity::update_many()
        .col_expr(demand::Column::Status, Expr::value(next))
        .col_expr(demand::Column::ClosedAt, Expr::value(closed.then(Utc::now)))
        .col_expr(demand::Column::Version, Expr::value(current.version + 1))
        .filter(demand::Column::Id.eq(current.id))
        .exec(conn)
        .await?;
    repo::find(conn, current.id).await
}

async fn supersede_holders(conn: &impl ConnectionTrait, demand_id: DemandId) -> AppResult<()> {
    let now = Utc::now();
    for r in repo::responses_of(conn, demand_id).await? {
        if let Some(next) = rules::supersede(r.status) {
            response::Entity::update_many()
                .col_expr(response::Column::Status, Expr::value(next))
                .col_expr(response::Column::UpdatedAt, Expr::value(now))
                .filter(response::Column::Id.eq(r.id))
                .exec(conn)
                .await?;
        }
    }
    Ok(())
}

/// Derive the demand's status from its responses and save it.
async fn rederive(conn: &impl ConnectionTrait, current: &demand::Model) -> AppResult<()> {
    let statuses = repo::responses_of(conn, current.id).await?.iter().map(|r| r.status).collect::<Vec<_>>();
    save_status(conn, current, rules::derive_status(current.status, &statuses)).await.map(|_| ())
}

/// The calling bank and its service area.
async fn bank_of(state: &AppState, principal: &Principal) -> AppResult<(InstitutionId, RegionPrefix)> {
    let area = Scope::bank_area(state.db.conn(), principal).await?;
    Ok((principal.institution()?, area))
}

/// The calling bank, when it may take up the demand (see `matching::may_serve`); FORBIDDEN otherwise.
async fn serving_bank(
    state: &AppState,
    principal: &Principal,
    conn: &impl ConnectionTrait,
    d: &demand::Model,
) -> AppResult<InstitutionId> {
    let lens = BankLens::of(state, principal).await?;
    if lens.may_serve(conn, d).await? {
        Ok(lens.bank())
    } else {
        Err(AppError::forbidden(
            "本机构不能响应该需求：需求不在服务区域内、指定了其他机构的产品，或本机构没有适合的已上架产品",
        ))
    }
}

pub async fn accept(state: &AppState, principal: &Principal, demand_id: DemandId) -> AppResult<response::Model> {
    principal.require(xyd_domain::Role::Bank)?;
    let now = Utc::now();
    let txn = state.db.begin_write().await?;
    let current = repo::find_for_update(&*txn, demand_id).await?;
    rules::ensure_open(current.status)?;
    let bank = serving_bank(state, principal, &*txn, &current).await?;
    let responses = repo::responses_of(&*txn, demand_id).await?;
    let mine = responses.iter().find(|r| r.bank_id == bank);
    rules::accept(mine.map(|r| r.status))?;
    let statuses: Vec<_> = responses.iter().map(|r| r.status).collect();
    rules::ensure_capacity(rules::holder_count(&statuses), state.config.demands.max_holders)?;
    let credit_due =
        state.config.demands.calendar().add_working_days(now, state.config.demands.credit_decision_working_days);
    let row = response::ActiveModel {
        id: Set(ResponseId::new()),
        demand_id: Set(demand_id),
        bank_id: Set(bank),
        status: Set(ResponseStatus::Accepted),
        first_responded_at: Set(now),
        responded_within_sla: Set(now <= current.first_response_due_at),
        accepted_at: Set(Some(now)),
        credit_due_at: Set(Some(credit_due)),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await
    .map_err(crate::db::duplicate_as(|| AppError::refused(Reason::AlreadyResponded)))?;
    rederive(&*txn, &current).await?;
    let sent = notices::accepted(&*txn, &current, &row).await?;
    txn.commit().await?;
    crate::notifications::publish(state, sent).await;
    Ok(row)
}

/// The note of a rejection, trimmed: at most 500 characters, and required with reason OTHER. A bank's rejection
/// of a demand and of a renewal read it the same way.
pub fn reject_note(reason: RejectReason, note: Option<String>) -> AppResult<Option<String>> {
    let note = note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    if note.as_ref().is_some_and(|n| n.chars().count() > 500) {
        return Err(AppError::input("note", Reason::InvalidNote));
    }
    if reason == RejectReason::Other && note.is_none() {
        return Err(AppError::input("note", Reason::NoteRequired));
    }
    Ok(note)
}

pub async fn reject(
    state: &AppState,
    principal: &Principal,
    demand_id: DemandId,
    reason: RejectReason,
    note: Option<String>,
) -> AppResult<response::Model> {
    let (bank, _) = bank_of(state, principal).await?;
    let note = reject_note(reason, note)?;
    let now = Utc::now();
    let txn = state.db.begin_write().await?;
    let current = repo::find_for_update(&*txn, demand_id).await?;
    rules::ensure_open(current.status)?;
    let mine = repo::responses_of(&*txn, demand_id).await?.into_iter().find(|r| r.bank_id == bank);
    if mine.is_none() {
        // Declining up front counts towards UNFUNDED: only a bank that could have served it may.
        serving_bank(state, principal, &*txn, &current).await?;
    }
    rules::reject(mine.as_ref().map(|r| r.status))?;
    let rejected = ResponseStatus::Rejected;
    let row = match mine {
        Some(existing) => {
            let mut row: response::ActiveModel = existing.into();
            row.status = Set(rejected);
            row.reject_reason = Set(Some(reason));
            row.reject_note = Set(note);
            row.rejected_at = Set(Some(now));
            row.updated_at = Set(now);
            row.update(&*txn).await?
        }
        None => {
            response::ActiveModel {
                id: Set(ResponseId::new()),
                demand_id: Set(demand_id),
                bank_id: Set(bank),
                status: Set(rejected),
                first_responded_at: Set(now),
                responded_within_sla: Set(now <= current.first_response_due_at),
                reject_reason: Set(Some(reason)),
                reject_note: Set(note),
                rejected_at: Set(Some(now)),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&*txn)
            .await?
        }
    };
    rederive(&*txn, &current).await?;
    let sent = notices::rejected(&*txn, &current, bank, reason, row.reject_note.as_deref()).await?;
    txn.commit().await?;
    crate::notifications::publish(state, sent).await;
    Ok(row)
}

/// A credit grant as the bank enters it.
pub struct CreditGrant {
    pub amount: Money,
    pub rate: Rate,
    pub term_months: i32,
    pub product_id: Option<ProductId>,
    pub repayment_method: RepaymentMethod,
    /// Fees besides the interest, unchecked.
    pub fees: Vec<xyd_domain::loan::Fee>,
}

/// Load the caller's response and its demand, locked.
async fn own_response(
    state: &AppState,
    txn: &impl ConnectionTrait,
    principal: &Principal,
    id: ResponseId,
) -> AppResult<(response::Model, demand::Model)> {
    let (bank, _) = bank_of(state, principal).await?;
    let found = repo::find_response(txn, id).await?;
    if found.bank_id != bank {
        return Err(AppError::not_found("对接记录不存在"));
    }
    let current = repo::find_for_update(txn, found.demand_id).await?;
    Ok((found, current))
}

pub async fn grant_credit(
    state: &AppState,
    principal: &Principal,
    id: ResponseId,
    g: CreditGrant,
) -> AppResult<response::Model> {
    if !g.amount.is_positive() {
        return Err(AppError::input("input.amount", Reason::CreditAmount));
    }
    if g.rate.bp() <= 0 || g.rate.bp() > state.config.products.max_rate_bp {
        return Err(AppError::input("input.annualRate", Reason::CreditRate));
    }
    let months = u16::try_from(g.term_months).ok().filter(|m| (1..=360).contains(m));
    let months = months.ok_or_else(|| AppError::input("input.termMonths", Reason::CreditTerm))?;
    let fees = xyd_domain::loan::fees(g.fees, g.amount).map_err(|e| AppError::from(e).prefixed("input"))?;
    let terms = fees::Terms { amount: g.amount, rate: g.rate, months, method: g.repayment_method };
    let cost = terms.cost(&fees)?;
    let now = Utc::now();
    let txn = state.db.begin_write().await?;
    let (found, current) = own_response(state, &*txn, principal, id).await?;
    rules::ensure_open(current.status)?;
    rules::grant_credit(found.status)?;
    if repo::responses_of(&*txn, current.id).await?.iter().any(|r| r.chosen_at.is_some()) {
        return Err(AppError::refused(Reason::CreditAfterChoice));
    }
    if let Some(product) = g.product_id {
        let owned = crate::products::ProductRepo::find(&*txn, product).await?;
        if owned.is_none_or(|p| p.bank_id != found.bank_id) {
            return Err(AppError::input("input.productId", Reason::ProductNotOwned));
        }
    }
    let mut row: response::ActiveModel = found.into();
    row.status = Set(ResponseStatus::CreditGranted);
    row.credit_amount = Set(Some(g.amount.fen()));
    row.credit_rate = Set(Some(g.rate.bp()));
    row.credit_term = Set(Some(g.term_months));
    row.credit_granted_at = Set(Some(now));
    row.product_id = Set(g.product_id);
    row.repayment_method = Set(Some(g.repayment_method));
    row.fees = Set(fees::encode(&fees));
    row.comprehensive_cost = Set(Some(cost.bp()));
    row.updated_at = Set(now);
    let saved = row.update(&*txn).await?;
    rederive(&*txn, &current).await?;
    let sent = notices::granted(&*txn, &current, &saved).await?;
    txn.commit().await?;
    crate::notifications::publish(state, sent).await;
    Ok(saved)
}

pub async fn disburse(
    state: &AppState,
    principal: &Principal,
    id: ResponseId,
    amount: Money,
    at: DateTime<Utc>,
    first_loan: bool,
) -> AppResult<response::Model> {
    let now = Utc::now();
    let txn = state.db.begin_write().await?;
    let (found, current) = own_response(state, &*txn, principal, id).await?;
    rules::ensure_open(current.status)?;
    rules::disburse(found.status)?;
    let others = repo::responses_of(&*txn, current.id).await?;
    if others.iter().any(|r| r.chosen_at.is_some() && r.id != found.id) {
        return Err(AppError::refused(Reason::OfferNotChosen));
    }
    if !amount.is_positive() || found.credit_amount.is_some_and(|c| amount.fen() > c) {
        return Err(AppError::input("input.amount", Reason::DisbursementAmount));
    }
    if at > now + chrono::Duration::hours(1)
        || found.credit_granted_at.is_some_and(|g| at < g - chrono::Duration::days(1))
    {
        return Err(AppError::input("input.disbursedAt", Reason::InvalidDisbursementTime));
    }
    let (id, chosen_at) = (found.id, found.chosen_at);
    let mut row: response::ActiveModel = found.into();
    row.status = Set(ResponseStatus::Disbursed);
    row.disbursed_amount = Set(Some(amount.fen()));
    row.disbursed_at = Set(Some(at));
    row.first_loan = Set(Some(first_loan));
    row.updated_at = Set(now);
    // Lending without an explicit choice counts as choosing this offer.
    row.chosen_at = Set(Some(chosen_at.unwrap_or(now)));
    let declined = decline_others(&*txn, &others, id, now).await?;
    let saved = row.update(&*txn).await?;
    rederive(&*txn, &current).await?;
    let sent = declined_notices(&*txn, &current, &declined).await?;
    txn.commit().await?;
    crate::notifications::publish(state, sent).await;
    Ok(saved)
}

/// 选定: the enterprise chooses one bank's credit grant on its open demand; every other bank still holding the
/// demand ends as REJECTED with reason CUSTOMER_DECLINED, and only the chosen bank may then lend.
pub async fn choose(state: &AppState, principal: &Principal, id: ResponseId) -> AppResult<demand::Model> {
    let now = Utc::now();
    let txn = state.db.begin_write().await?;
    let subject = crate::subjects::claim::acting(&*txn, principal).await?;
    let found = repo::find_response(&*txn, id).await?;
    let current = repo::find_for_update(&*txn, found.demand_id).await?;
    if current.subject_id != subject {
        return Err(AppError::not_found("对接记录不存在"));
    }
    rules::ensure_open(current.status)?;
    let responses = repo::responses_of(&*txn, current.id).await?;
    if responses.iter().any(|r| r.chosen_at.is_some()) {
        return Err(AppError::refused(Reason::OfferAlreadyChosen));
    }
    rules::choose(found.status)?;
    response::Entity::update_many()
        .col_expr(response::Column::ChosenAt, Expr::value(now))
        .col_expr(response::Column::UpdatedAt, Expr::value(now))
        .filter(response::Column::Id.eq(found.id))
        .exec(&*txn)
        .await?;
    let declined = decline_others(&*txn, &responses, found.id, now).await?;
    rederive(&*txn, &current).await?;
    let mut sent = notices::chosen(&*txn, &current, found.bank_id).await?;
    sent.extend(declined_notices(&*txn, &current, &declined).await?);
    let updated = repo::find(&*txn, current.id).await?;
    txn.commit().await?;
    crate::notifications::publish(state, sent).await;
    Ok(updated)
}

/// The other banks still holding the demand end as REJECTED (客户放弃) once the enterprise chose `chosen`.
/// Returns those banks.
async fn decline_others(
    conn: &impl ConnectionTrait,
    responses: &[response::Model],
    chosen: ResponseId,
    now: DateTime<Utc>,
) -> AppResult<Vec<InstitutionId>> {
    let mut declined = Vec::new();
    for r in responses.iter().filter(|r| r.id != chosen) {
        if let Some(next) = rules::decline_for_other(r.status) {
            response::Entity::update_many()
                .col_expr(response::Column::Status, Expr::value(next))
                .col_expr(response::Column::RejectReason, Expr::value(RejectReason::CustomerDeclined))
                .col_expr(response::Column::RejectNote, Expr::value("企业已选定其他机构的授信方案"))
                .col_expr(response::Column::RejectedAt, Expr::value(now))
                .col_expr(response::Column::UpdatedAt, Expr::value(now))
                .filter(response::Column::Id.eq(r.id))
                .exec(conn)
                .await?;
            declined.push(r.bank_id);
        }
    }
    Ok(declined)
}

/// Tell each of `banks` that the enterprise chose another offer on `d`.
async fn declined_notices(
    conn: &impl ConnectionTrait,
    d: &demand::Model,
    banks: &[InstitutionId],
) -> AppResult<Vec<crate::notifications::NotificationRow>> {
    let mut sent = Vec::new();
    for bank in banks {
        sent.extend(notices::declined(conn, d, *bank).await?);
    }
    Ok(sent)
}
