//! The published products, parsed, cached in memory for matching and for the rows of a search page. Each use
//! revalidates the cache with one cheap query: every product change bumps that product's `version` (and
//! products are never deleted), so the sum of versions with the number published changes whenever the catalog
//! does — seen by the next request, on every replica.

use std::collections::HashMap;
use std::sync::Arc;

use sea_orm::ConnectionTrait;
use tokio::sync::RwLock;
use xyd_domain::{InstitutionId, ProductId, ProductSpec, ProductStatus};

use super::entity;
use super::repo::{ProductRepo, spec_of};
use crate::error::AppResult;

/// One published product, ready for the matching rules, with its row for display.
pub struct CatalogEntry {
    pub id: ProductId,
    pub bank_id: InstitutionId,
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

type Key = (i64, i64);

#[derive(Default)]
pub struct Catalog {
    snapshot: RwLock<Option<(Key, Arc<Published>)>>,
}

async fn key(conn: &impl ConnectionTrait) -> AppResult<Key> {
    let sql = "SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) AS changes,
                      CAST(COALESCE(SUM(CASE WHEN status = $1 THEN 1 ELSE 0 END), 0) AS BIGINT) AS published
               FROM products";
    let published = ProductStatus::Published.as_str();
    let row = conn.query_one_raw(crate::db::numbered(conn.get_database_backend(), sql, [published.into()])).await?;
    Ok(match row {
        Some(r) => (r.try_get("", "changes")?, r.try_get("", "published")?),
        None => (0, 0),
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
            .map(|row| Ok(CatalogEntry { id: row.id, bank_id: row.bank_id, spec: spec_of(&row)?, row }))
            .collect::<AppResult<Vec<_>>>()?;
        let by_id = entries.iter().enumerate().map(|(i, e)| (e.id, i)).collect();
        let products = Arc::new(Published { entries, by_id });
        *self.snapshot.write().await = Some((current, products.clone()));
        Ok(products)
    }
}
