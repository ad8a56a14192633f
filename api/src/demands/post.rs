//! Use cases of the enterprise: post a financing demand (optionally addressed to chosen products, and
//! sharing data with every bank that accepts it), and withdraw it.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use xyd_domain::consent::ConsentTerms;
use xyd_domain::product::ProductStatus;
use xyd_domain::{AccessPurpose, DataCategory, DemandId, DemandStatus, Money, ProductId, ProductType, Rate, TagList};

use super::entity::demand;
use super::repo;
use crate::auth::Principal;
use crate::consents::{Grant, Grantee};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The consent text version shown with a demand's data sharing.
pub const SHARING_TEXT_VERSION: &str = "2026-01";

/// A validated demand.
pub struct NewDemand {
    pub amount: Money,
    pub term_months: u16,
    pub purpose: String,
    pub guarantee_types: Vec<ProductType>,
    pub max_rate: Option<Rate>,
    pub expires_at: Option<DateTime<Utc>>,
    pub target_product_ids: Vec<ProductId>,
    pub share_with_responders: Vec<DataCategory>,
}

fn validate(state: &AppState, d: &NewDemand, now: DateTime<Utc>) -> AppResult<DateTime<Utc>> {
    if !d.amount.is_positive() || d.amount.fen() > 100_000_000_000 {
        return Err(AppError::bad_input("input.amount", "INVALID_AMOUNT", "融资金额须大于0且不超过10亿元"));
    }
    if !(1..=360).contains(&d.term_months) {
        return Err(AppError::bad_input("input.termMonths", "INVALID_TERM", "融资期限须在1至360个月之间"));
    }
    if !(2..=500).contains(&d.purpose.trim().chars().count()) {
        return Err(AppError::bad_input("input.purpose", "INVALID_PURPOSE", "资金用途应为2至500个字"));
    }
    if d.guarantee_types.is_empty() {
        return Err(AppError::bad_input("input.guaranteeTypes", "REQUIRED", "请至少选择一种可接受的担保方式"));
    }
    if d.max_rate.is_some_and(|r| r.bp() <= 0 || r.bp() > state.config.products.max_rate_bp) {
        return Err(AppError::bad_input("input.maxRate", "INVALID_RATE", "可接受的最高利率须大于0且不超过利率上限"));
    }
    let expires_at = d.expires_at.unwrap_or(now + Duration::days(state.config.demands.default_validity_days));
    if expires_at <= now || expires_at > now + Duration::days(180) {
        return Err(AppError::bad_input("input.expiresAt", "INVALID_EXPIRY", "截止时间须在未来180天之内"));
    }
    Ok(expires_at)
}

pub async fn post(state: &AppState, principal: &Principal, d: NewDemand) -> AppResult<demand::Model> {
    principal.subject()?;
    let now = Utc::now();
    let expires_at = validate(state, &d, now)?;
    let sharing = (!d.share_with_responders.is_empty())
        .then(|| ConsentTerms::parse(&d.share_with_responders, AccessPurpose::LoanApplication, expires_at, now))
        .transpose()
        .map_err(|e| AppError::from(e).at("input.shareWithResponders"))?;
    let txn = state.db.begin_write().await?;
    let subject = crate::subjects::claim::acting(&*txn, principal).await?;
    ensure_published(&*txn, &d.target_product_ids).await?;
    let due = state.config.demands.calendar().add_working_days(now, state.config.demands.first_response_working_days);
    let row = demand::ActiveModel {
        id: Set(DemandId::new()),
        subject_id: Set(subject),
        amount: Set(d.amount.fen()),
        term_months: Set(i32::from(d.term_months)),
        purpose: Set(d.purpose.trim().to_string()),
        guarantee_types: Set(TagList::new(d.guarantee_types.clone())),
        max_rate: Set(d.max_rate.map(|r| r.bp())),
        status: Set(DemandStatus::Open),
        posted_at: Set(now),
        expires_at: Set(expires_at),
        first_response_due_at: Set(due),
        target_product_ids: Set(TagList::new(d.target_product_ids.clone())),
        shared_categories: Set(TagList::new(d.share_with_responders.clone())),
        closed_at: Set(None),
        version: Set(1),
    }
    .insert(&*txn)
    .await?;
    if let Some(terms) = sharing {
        // Shared with every bank that accepts the demand: one consent, granted like any other.
        let grant = Grant { grantee: Grantee::Demand(row.id), terms, text_version: SHARING_TEXT_VERSION.to_string() };
        crate::consents::grant(&*txn, subject, principal.user_id, grant).await?;
    }
    txn.commit().await?;
    let _ = state.demand_posted.send(row.id);
    Ok(row)
}

/// The products a demand names must exist and be on the shelf.
async fn ensure_published(conn: &impl sea_orm::ConnectionTrait, ids: &[ProductId]) -> AppResult<()> {
    use crate::products::entity::{Column, Entity};
    if ids.is_empty() {
        return Ok(());
    }
    let published = Entity::find()
        .filter(Column::Id.is_in(ids.iter().copied()))
        .filter(Column::Status.eq(ProductStatus::Published))
        .all(conn)
        .await?;
    if published.len() == ids.len() {
        Ok(())
    } else {
        Err(AppError::bad_input("input.targetProductIds", "PRODUCT_NOT_AVAILABLE", "所选产品不存在或未上架"))
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
