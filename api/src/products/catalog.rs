//! The published products, parsed, cached in memory for matching and for the rows of a search page. The cache
//! is kept under the catalogue's change counter, which [`super::service`] reads on every use: the next request
//! after any write to `products` sees the change, on every replica.

use std::collections::HashMap;
use std::sync::Arc;

use sea_orm::ConnectionTrait;
use tokio::sync::RwLock;
use xyd_domain::{ProductId, ProductSpec};

use super::entity;
use super::repo::{ProductRepo, spec_of};
use crate::error::AppResult;

/// One published product: its row, and its terms parsed for the matching rules.
pub struct CatalogEntry {
    pub spec: ProductSpec,
    /// Shared with every page of search results and every `LoanProduct` that shows it.
    pub row: Arc<entity::Model>,
}

/// The published products as of one revalidation.
pub struct Published {
    pub entries: Vec<CatalogEntry>,
    by_id: HashMap<ProductId, usize>,
}

impl Published {
    /// The published product with this id.
    pub fn get(&self, id: &ProductId) -> Option<&CatalogEntry> {
        self.by_id.get(id).and_then(|&i| self.entries.get(i))
    }
}

/// The published products as of the last change count seen.
#[derive(Default)]
pub(super) struct Catalog {
    snapshot: RwLock<Option<(i64, Arc<Published>)>>,
}

impl Catalog {
    /// The published products at change count `changes`: the kept ones if they were loaded at that count.
    pub(super) async fn at(&self, conn: &impl ConnectionTrait, changes: i64) -> AppResult<Arc<Published>> {
        if let Some((k, products)) = self.snapshot.read().await.as_ref()
            && *k == changes
        {
            return Ok(products.clone());
        }
        let rows = ProductRepo::all_published(conn).await?;
        let entries = rows
            .into_iter()
            .map(|row| Ok(CatalogEntry { spec: spec_of(&row)?, row: Arc::new(row) }))
            .collect::<AppResult<Vec<_>>>()?;
        let by_id = entries.iter().enumerate().map(|(i, e)| (e.row.id, i)).collect();
        let products = Arc::new(Published { entries, by_id });
        *self.snapshot.write().await = Some((changes, products.clone()));
        Ok(products)
    }
}
