//! The published products, parsed, cached in memory for matching and for the rows of a search page. Each use
//! revalidates the cache by reading one row: a trigger bumps the `catalog_changes` counter in the same
//! transaction as every write to `products`, so the next request sees a change, on every replica.

use std::collections::HashMap;
use std::sync::Arc;

use sea_orm::{ConnectionTrait, Statement};
use tokio::sync::RwLock;
use xyd_domain::{ProductId, ProductSpec};

use super::entity;
use super::repo::{ProductRepo, spec_of};
use crate::error::AppResult;

/// One published product: its row, and its terms parsed for the matching rules.
pub struct CatalogEntry {
    pub spec: ProductSpec,
    pub row: entity::Model,
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

/// The catalogue's change counter (`catalog_changes`, bumped by a trigger on every write to `products`).
type Key = i64;

#[derive(Default)]
pub struct Catalog {
    snapshot: RwLock<Option<(Key, Arc<Published>)>>,
}

async fn key(conn: &impl ConnectionTrait) -> AppResult<Key> {
    let sql = "SELECT changes FROM catalog_changes WHERE id = 1";
    let row = conn.query_one_raw(Statement::from_string(conn.get_database_backend(), sql)).await?;
    Ok(match row {
        Some(r) => r.try_get("", "changes")?,
        None => 0,
    })
}

impl Catalog {
    /// The published products as of now.
    pub async fn published(&self, conn: &impl ConnectionTrait) -> AppResult<Arc<Published>> {
        let current = key(conn).await?;
        if let Some((k, products)) = self.snapshot.read().await.as_ref()
            && *k == current
        {
            return Ok(products.clone());
        }
        let rows = ProductRepo::all_published(conn).await?;
        let entries = rows
            .into_iter()
            .map(|row| Ok(CatalogEntry { spec: spec_of(&row)?, row }))
            .collect::<AppResult<Vec<_>>>()?;
        let by_id = entries.iter().enumerate().map(|(i, e)| (e.row.id, i)).collect();
        let products = Arc::new(Published { entries, by_id });
        *self.snapshot.write().await = Some((current, products.clone()));
        Ok(products)
    }
}
