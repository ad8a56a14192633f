//! Products in Meilisearch: applying outbox rows, rebuilding the index, and verifying it against the
//! database.

use std::collections::{BTreeSet, HashMap};

use xyd_domain::ProductId;
use xyd_domain::product::ProductStatus;
use xyd_search::ProductDocument;

use super::entity;
use super::repo::{ProductRepo, spec_of};
use crate::error::{AppError, AppResult};
use crate::institutions::InstitutionRepo;
use crate::state::AppState;

/// The documents of `products` (published ones only).
async fn documents(state: &AppState, products: Vec<entity::Model>) -> AppResult<Vec<ProductDocument>> {
    let banks = InstitutionRepo::find_many(state.db.conn(), products.iter().map(|p| p.bank_id)).await?;
    products
        .into_iter()
        .filter(|p| p.status == ProductStatus::Published)
        .map(|p| {
            let bank = banks.get(&p.bank_id).map_or("", |b| b.name.as_str());
            let spec = spec_of(&p)?;
            Ok(ProductDocument::new(p.id, p.version, p.bank_id, bank, &spec))
        })
        .collect()
}

/// Bring the index in line with the current state of products `ids` (the outbox relay's work).
pub async fn apply(state: &AppState, ids: &[ProductId]) -> Result<(), String> {
    let index = state.search.products();
    index.ensure().await.map_err(|e| e.to_string())?;
    let products = ProductRepo::find_many(state.db.conn(), ids).await.map_err(|e| e.message())?;
    let published: Vec<entity::Model> = products.into_values().collect();
    let docs = documents(state, published).await.map_err(|e| e.message())?;
    let indexed: BTreeSet<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    let gone: Vec<String> = ids.iter().map(ProductId::to_string).filter(|id| !indexed.contains(id.as_str())).collect();
    if !docs.is_empty() {
        index.upsert(&docs).await.map_err(|e| e.to_string())?;
    }
    if !gone.is_empty() {
        index.delete(&gone).await.map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Rebuild the index from the database into a fresh index and swap it in. Returns the documents indexed.
pub async fn reindex(state: &AppState) -> AppResult<usize> {
    let docs = documents(state, ProductRepo::all_published(state.db.conn()).await?).await?;
    state.search.products_admin().rebuild(&docs).await.map_err(|e| AppError::internal("reindex", e))?;
    // Every replica's kept search answers came from the index before; invalidating makes them ask again.
    state.product_search.invalidate(state.db.conn()).await?;
    Ok(docs.len())
}

/// How the index differs from the database.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct VerifyReport {
    /// Published products the index lacks.
    pub missing: Vec<String>,
    /// Documents of products that are not published (or do not exist).
    pub extra: Vec<String>,
    /// Documents older than the product.
    pub stale: Vec<String>,
}

impl VerifyReport {
    pub fn is_clean(&self) -> bool {
        self.missing.is_empty() && self.extra.is_empty() && self.stale.is_empty()
    }
}

pub async fn verify(state: &AppState) -> AppResult<VerifyReport> {
    let expected: HashMap<String, i64> =
        ProductRepo::all_published(state.db.conn()).await?.into_iter().map(|p| (p.id.to_string(), p.version)).collect();
    let indexed: HashMap<String, i64> = state
        .search
        .products()
        .versions()
        .await
        .map_err(|e| AppError::internal("read index", e))?
        .into_iter()
        .collect();
    let mut report = VerifyReport::default();
    for (id, version) in &expected {
        match indexed.get(id) {
            None => report.missing.push(id.clone()),
            Some(v) if v != version => report.stale.push(id.clone()),
            Some(_) => {}
        }
    }
    report.extra = indexed.keys().filter(|id| !expected.contains_key(*id)).cloned().collect();
    report.missing.sort();
    report.stale.sort();
    report.extra.sort();
    Ok(report)
}
