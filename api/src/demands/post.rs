//! Use cases of the enterprise: post a financing demand (optionally addressed to chosen products, and
//! sharing data with every bank that accepts it), and withdraw it.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, Set};
use xyd_domain::consent::ConsentTerms;
use xyd_domain::demand::{DemandRules, NewDemand};
use xyd_domain::{AccessPurpose, DemandId, DemandStatus, ProductId};
use xyd_reasons::Reason;

use super::entity::demand;
use super::repo;
use crate::auth::Principal;
use crate::consents::texts::ConsentText;
use crate::consents::{Grant, Grantee};
use crate::error::{AppError, AppResult};
use crate::products::{ProductRepo, ProductRow};
use crate::state::AppState;

/// The limits of demands on this platform.
pub fn rules(state: &AppState) -> DemandRules {
    DemandRules {
        max_rate: state.config.products.max_rate(),
        default_validity_days: state.config.demands.default_validity_days,
    }
}

/// Post `d`; its data sharing, if any, signs `text` (the current consent text).
pub async fn post(
    state: &AppState,
    principal: &Principal,
    d: NewDemand,
    text: &'static ConsentText,
) -> AppResult<demand::Model> {
    principal.subject()?;
    let now = Utc::now();
    let expires_at = d.expires_at;
    let sharing = (!d.share_with_responders.is_empty())
        .then(|| ConsentTerms::parse(&d.share_with_responders, AccessPurpose::LoanApplication, expires_at, now))
        .transpose()
        .map_err(|e| AppError::from(e).at("input.shareWithResponders"))?;
    let txn = state.db.begin_write().await?;
    let subject = crate::subjects::claim::acting(&*txn, principal).await?;
    let targets = ensure_published(&*txn, &d.target_product_ids).await?;
    let due = state.config.demands.calendar().add_working_days(now, state.config.demands.first_response_working_days);
    let row = demand::ActiveModel {
        id: Set(DemandId::new()),
        subject_id: Set(subject),
        amount: Set(d.amount.fen()),
        term_months: Set(i32::from(d.term_months)),
        purpose: Set(d.purpose),
        guarantee_types: Set(d.guarantee_types.into()),
        max_rate: Set(d.max_rate.map(|r| r.bp())),
        status: Set(DemandStatus::Open),
        posted_at: Set(now),
        expires_at: Set(expires_at),
        first_response_due_at: Set(due),
        target_product_ids: Set(d.target_product_ids.into()),
        shared_categories: Set(d.share_with_responders.into()),
        closed_at: Set(None),
        version: Set(1),
    }
    .insert(&*txn)
    .await?;
    if let Some(terms) = sharing {
        // Shared with every bank that accepts the demand: one consent, granted like any other.
        let grant = Grant { grantee: Grantee::Demand(row.id), terms, text };
        crate::consents::grant(&*txn, subject, principal.user_id, grant).await?;
    }
    let mut sent = Vec::new();
    for product in &targets {
        sent.extend(super::notices::addressed(&*txn, &row, product.bank_id, &product.name).await?);
    }
    txn.commit().await?;
    crate::notifications::publish(state, sent).await;
    state.events.demand_posted(row.id).await;
    Ok(row)
}

/// The products a demand names, which must exist and be on the shelf.
async fn ensure_published(conn: &impl sea_orm::ConnectionTrait, ids: &[ProductId]) -> AppResult<Vec<ProductRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let published = ProductRepo::published_among(conn, ids).await?;
    if published.len() == ids.len() {
        Ok(published)
    } else {
        Err(AppError::input("input.targetProductIds", Reason::ProductNotAvailable))
    }
}

pub async fn withdraw(state: &AppState, principal: &Principal, id: DemandId) -> AppResult<demand::Model> {
    let subject = principal.subject()?;
    let txn = state.db.begin_write().await?;
    let current = repo::find_for_update(&*txn, id).await?;
    if current.subject_id != subject {
        return Err(AppError::not_found("融资需求不存在"));
    }
    let next = xyd_domain::demand::withdraw(current.status)?;
    let updated = super::respond::save_status(&*txn, &current, next).await?;
    txn.commit().await?;
    Ok(updated)
}
