//! The published products, parsed, cached in memory for matching and for the rows of a search page. Each use
//! revalidates the cache by reading one row: a trigger bumps the `catalog_changes` counter in the same
//! transaction as every write to `products`, so the next request sees a change, on every replica. The same
//! read tells whether the search index has caught up ([`Revision`]), which the search's answers rely on.

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

/// Where the catalogue stands: its change counter (`catalog_changes`, bumped by a trigger in every transaction
/// that writes `products`, and by a reindex), and whether the search index has caught up with it (no outbox
/// row pending). Ordered as time runs: the counter only grows, and at one count the index only catches up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Revision {
    pub changes: i64,
    pub indexed: bool,
}

/// One row, and one probe of the outbox for a pending row (`ix_outbox_pending` leads with `processed_at`).
const REVISION: &str = "SELECT changes, \
    (SELECT COUNT(*) FROM (SELECT 1 FROM outbox WHERE processed_at IS NULL LIMIT 1) p) AS pending \
    FROM catalog_changes WHERE id = 1";

async fn revision(conn: &impl ConnectionTrait) -> AppResult<Revision> {
    let row = conn.query_one_raw(Statement::from_string(conn.get_database_backend(), REVISION)).await?;
    Ok(match row {
        Some(r) => Revision { changes: r.try_get("", "changes")?, indexed: r.try_get::<i64>("", "pending")? == 0 },
        None => Revision { changes: 0, indexed: false },
    })
}

/// Mark the catalogue changed without writing a product: its index was rebuilt, so answers the engine gave
/// before may differ from the ones it gives now.
pub async fn bump(conn: &impl ConnectionTrait) -> AppResult<()> {
    let sql = "UPDATE catalog_changes SET changes = changes + 1 WHERE id = 1";
    conn.execute_raw(Statement::from_string(conn.get_database_backend(), sql)).await?;
    Ok(())
}

#[derive(Default)]
pub struct Catalog {
    snapshot: RwLock<Option<(i64, Arc<Published>)>>,
}

impl Catalog {
    /// The published products as of now.
    pub async fn published(&self, conn: &impl ConnectionTrait) -> AppResult<Arc<Published>> {
        Ok(self.current(conn).await?.1)
    }

    /// The catalogue's revision and its published products, as of now.
    pub async fn current(&self, conn: &impl ConnectionTrait) -> AppResult<(Revision, Arc<Published>)> {
        let revision = revision(conn).await?;
        if let Some((k, products)) = self.snapshot.read().await.as_ref()
            && *k == revision.changes
        {
            return Ok((revision, products.clone()));
        }
        let rows = ProductRepo::all_published(conn).await?;
        let entries = rows
            .into_iter()
            .map(|row| Ok(CatalogEntry { spec: spec_of(&row)?, row }))
            .collect::<AppResult<Vec<_>>>()?;
        let by_id = entries.iter().enumerate().map(|(i, e)| (e.row.id, i)).collect();
        let products = Arc::new(Published { entries, by_id });
        *self.snapshot.write().await = Some((revision.changes, products.clone()));
        Ok((revision, products))
    }
}
