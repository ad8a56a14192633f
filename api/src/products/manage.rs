//! Use cases of a bank managing its products. Each change is one transaction that also writes the
//! outbox row the search index follows; once it commits, this replica's searches are told
//! ([`super::ProductSearch::changed`]), so the bank's next request sees the change.

use chrono::Utc;
use xyd_domain::product::{ProductRules, ProductSpec, ProductSpecInput, ProductStatus};
use xyd_domain::{ProductId, RegionPrefix};
use xyd_reasons::Reason;

use super::entity;
use super::repo::ProductRepo;
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::institutions::Scope;
use crate::outbox;
use crate::state::AppState;

/// A lifecycle step.
#[derive(Clone, Copy, Debug)]
pub enum Transition {
    Publish,
    Suspend,
    Archive,
}

fn rules(state: &AppState) -> ProductRules {
    state.config.products.rules()
}

/// The calling bank's service area: its institution's region prefix.
async fn service_area(state: &AppState, principal: &Principal) -> AppResult<RegionPrefix> {
    Scope::bank_area(state.db.conn(), principal).await
}

fn parse_spec(mut input: ProductSpecInput, state: &AppState, area: &RegionPrefix) -> AppResult<ProductSpec> {
    // Areas become the platform's form (440800 → 4408) before the spec compares them with the bank's area
    // and the search filters by them.
    for text in &mut input.region_prefixes {
        let prefix = xyd_divisions::parse_area(text).map_err(|e| AppError::from(e).at("input.regionPrefixes"))?;
        *text = prefix.as_str().to_owned();
    }
    ProductSpec::parse(input, &rules(state), area).map_err(|e| AppError::from(e).prefixed("input"))
}

/// The product, if the caller's bank owns it; FORBIDDEN for another bank's, NOT_FOUND if absent.
async fn owned(state: &AppState, principal: &Principal, id: ProductId) -> AppResult<entity::Model> {
    principal.require(xyd_domain::Role::Bank)?;
    let product = ProductRepo::find(state.db.conn(), id).await?.ok_or_else(|| AppError::not_found("产品不存在"))?;
    if Some(product.bank_id) != principal.institution_id {
        return Err(AppError::forbidden("只能管理本机构的产品"));
    }
    Ok(product)
}

pub async fn create(state: &AppState, principal: &Principal, input: ProductSpecInput) -> AppResult<entity::Model> {
    let area = service_area(state, principal).await?;
    let spec = parse_spec(input, state, &area)?;
    let txn = state.db.begin_write().await?;
    let id = ProductId::new();
    let product = ProductRepo::insert(&*txn, id, principal.institution()?, &spec, Utc::now()).await?;
    txn.commit().await?;
    state.product_search.changed(state.db.conn()).await;
    Ok(product)
}

pub async fn update(
    state: &AppState,
    principal: &Principal,
    id: ProductId,
    input: ProductSpecInput,
    expected_version: Option<i64>,
) -> AppResult<entity::Model> {
    let area = service_area(state, principal).await?;
    let spec = parse_spec(input, state, &area)?;
    let current = owned(state, principal, id).await?;
    if expected_version.is_some_and(|v| v != current.version) {
        return Err(AppError::refused(Reason::VersionMismatch));
    }
    let status = current.status;
    status.ensure_editable()?;
    commit_change(state, &current, Some(&spec), status).await
}

pub async fn transition(
    state: &AppState,
    principal: &Principal,
    id: ProductId,
    step: Transition,
) -> AppResult<entity::Model> {
    let current = owned(state, principal, id).await?;
    let status = current.status;
    let next = match step {
        Transition::Publish => status.publish(),
        Transition::Suspend => status.suspend(),
        Transition::Archive => status.archive(),
    }?;
    commit_change(state, &current, None, next).await
}

async fn commit_change(
    state: &AppState,
    current: &entity::Model,
    spec: Option<&ProductSpec>,
    status: ProductStatus,
) -> AppResult<entity::Model> {
    let txn = state.db.begin_write().await?;
    let saved = ProductRepo::save(&*txn, current, spec, status).await?;
    outbox::enqueue(&*txn, outbox::PRODUCT, saved.id).await?;
    txn.commit().await?;
    state.product_search.changed(state.db.conn()).await;
    state.relay.wake();
    Ok(saved)
}
