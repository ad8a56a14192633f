//! Product search as one service (金融产品超市检索): [`ProductSearch`] owns the published products kept in
//! memory and the engine's recent answers, and is the only code that reads or moves the catalogue's revision.
//! Callers see three things: [`ProductSearch::search`] for a page of the public search,
//! [`ProductSearch::published`] for matching, [`ProductSearch::invalidate`] after the index was rebuilt.
//!
//! # When an answer is reused
//!
//! A product search asks Meilisearch for one page of ids and takes the rows from the in-memory catalogue. The
//! same question (text, filters, page) gets the same ids from the engine for as long as no product changes and
//! the index has caught up with the last change — what a [`Revision`] tells. So an answer is kept under the
//! revision it was given at, and a later search that finds the catalogue still at that revision reuses it
//! instead of asking the engine again; the rows still come from the catalogue, so a product that left the shelf
//! is dropped at once, as without the cache.
//!
//! An answer is kept under a revision only if that revision was read, with the index caught up, before the
//! engine was asked, and read again alongside the answer. At the first read the index held every change up to
//! that count, and it only moves forward, so the engine answered for that count (or a newer one, harmless); at
//! the second the count had not moved. A search does not pay a round trip for this: the first read is the one
//! an earlier, finished search made (the revision the kept answers belong to), the second is the catalogue's
//! own revalidation alongside the engine: the revision as this replica heard it on PostgreSQL, read from the
//! database where nothing is heard ([`super::revision`] says when, and how fresh a heard one is).
//!
//! # What the revision relies on
//!
//! - The counter moves with every write to `products`, in the writer's transaction: a trigger does it
//!   (migration `m20261128_000014_catalog_changes`, on both databases), so no use case can forget.
//! - "Caught up" is "no outbox row pending": a use case that changes a product writes its outbox row in the same
//!   transaction, and the relay marks a row done only after the engine has applied it.
//! - A change to the index that passes neither way (a rebuild) calls [`ProductSearch::invalidate`].

use std::sync::Arc;

use sea_orm::{ConnectionTrait, Statement};
use xyd_domain::ProductId;
use xyd_domain::product::ProductFilter;
use xyd_search::SearchPage;

use super::answers::{Answers, Question};
use super::catalog::{Catalog, Published};
use super::entity;
use super::repo::ProductRepo;
use super::revision::{self, Heard, Revision};
use crate::error::AppResult;
use crate::state::AppState;

/// One page of the search: how many match, and the rows of this page.
pub struct Found {
    pub total: u64,
    pub rows: Vec<Arc<entity::Model>>,
}

/// The product search of this process: shared by every request, one per [`AppState`].
#[derive(Default)]
pub struct ProductSearch {
    catalog: Catalog,
    answers: Answers,
    heard: Heard,
}

impl ProductSearch {
    /// The published products as of now, parsed for the matching rules.
    pub async fn published(&self, conn: &impl ConnectionTrait) -> AppResult<Arc<Published>> {
        Ok(self.current(conn).await?.1)
    }

    /// Mark the catalogue changed without writing a product: the index was rebuilt, so answers the engine gave
    /// before may differ from the ones it gives now, and every replica's kept answers must go.
    pub async fn invalidate(&self, conn: &impl ConnectionTrait) -> AppResult<()> {
        let sql = "UPDATE catalog_changes SET changes = changes + 1 WHERE id = 1";
        conn.execute_raw(Statement::from_string(conn.get_database_backend(), sql)).await?;
        self.changed(conn).await;
        Ok(())
    }

    /// The catalogue may have moved: a notification was heard, or this process committed a product write (so its
    /// next request sees it without waiting for the notification). Reads the revision again for the searches.
    pub async fn changed(&self, conn: &impl ConnectionTrait) {
        if !self.heard.is_listening() {
            return;
        }
        let read = revision::read(conn).await;
        if let Err(error) = &read {
            tracing::warn!(error = %error.message(), "the catalogue's revision could not be read; searches read it themselves");
        }
        self.heard.read(read.ok());
    }

    /// Whether a listener hears every change of the catalogue, so searches read nothing to learn where it stands.
    pub fn hears(&self) -> bool {
        self.heard.is_listening()
    }

    /// A listener hears every change of the catalogue from now on (`true`, just after it LISTENs), or no longer
    /// does (`false`, its connection was lost): while it hears, searches take the revision it keeps.
    pub async fn hearing(&self, conn: &impl ConnectionTrait, listening: bool) {
        self.heard.listening(listening);
        if listening {
            self.changed(conn).await;
        }
    }

    /// One page of the public search: a kept answer when the rule allows, else the engine's (kept if the rule
    /// allows), else the same hard filters in SQL when the engine cannot answer.
    pub async fn search(
        &self,
        state: &AppState,
        query: Option<&str>,
        filter: &ProductFilter,
        offset: u64,
        limit: u64,
    ) -> AppResult<Found> {
        let question = Question::new(query, filter, offset, limit);
        let conn = state.db.conn();
        // Asked before: one cheap read tells whether the kept answer still holds.
        if self.answers.holds(&question) {
            let (revision, catalog) = self.current(conn).await?;
            if let Some(page) = self.answers.get(&question, revision) {
                state.metrics.incr("xyd_search_answers_reused_total", 1);
                return Ok(found(&page, &catalog));
            }
            return self.ask(state, question, Some(revision), async { Ok((revision, catalog)) }).await;
        }
        self.ask(state, question, self.answers.revision(), self.current(conn)).await
    }

    /// The catalogue's revision and its published products, as of now.
    async fn current(&self, conn: &impl ConnectionTrait) -> AppResult<(Revision, Arc<Published>)> {
        let revision = match self.heard.current() {
            Some(heard) => heard,
            None => revision::read(conn).await?,
        };
        Ok((revision, self.catalog.at(conn, revision.changes).await?))
    }

    /// Ask the engine while `current` revalidates the catalogue (the page costs the longer of the two, not
    /// their sum), keeping the answer if the catalogue stood at `before` throughout; SQL answers when the engine
    /// cannot.
    async fn ask(
        &self,
        state: &AppState,
        question: Question,
        before: Option<Revision>,
        current: impl Future<Output = AppResult<(Revision, Arc<Published>)>>,
    ) -> AppResult<Found> {
        let index = state.search.products();
        let Question { query, filter, offset, limit } = &question;
        let (page, current) =
            tokio::join!(index.search(query.as_deref(), filter, *offset as usize, *limit as usize), current);
        match page {
            Ok(page) => {
                let (revision, catalog) = current?;
                let page = Arc::new(page);
                let found = found(&page, &catalog);
                self.answers.keep(question, before, revision, page);
                Ok(found)
            }
            Err(error) => {
                tracing::warn!(error = %error, "product search falls back to SQL");
                state.metrics.incr("xyd_search_fallback_total", 1);
                let (total, rows) =
                    ProductRepo::search(state.db.conn(), query.as_deref(), filter, *offset, *limit).await?;
                Ok(Found { total, rows: rows.into_iter().map(Arc::new).collect() })
            }
        }
    }
}

/// The rows of the engine's page, from the catalogue: the database has the last word, so a document whose
/// product left the shelf meanwhile is dropped.
fn found(page: &SearchPage, catalog: &Published) -> Found {
    let rows = page
        .ids
        .iter()
        .filter_map(|id| ProductId::parse(id).ok())
        .filter_map(|id| catalog.get(&id).map(|entry| entry.row.clone()))
        .collect();
    Found { total: page.total as u64, rows }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;
    use crate::outbox;

    #[tokio::test]
    async fn the_revision_moves_on_invalidate_and_is_not_indexed_while_an_outbox_row_is_pending() {
        let db = Db::connect("sqlite::memory:", 1).await.unwrap();
        crate::startup::migrate(&db).await.unwrap();
        let conn = db.conn();
        let start = revision::read(conn).await.unwrap();
        assert!(start.indexed, "a fresh database has nothing to index");
        ProductSearch::default().invalidate(conn).await.unwrap();
        let invalidated = revision::read(conn).await.unwrap();
        assert_eq!(invalidated, Revision { changes: start.changes + 1, indexed: true });
        assert!(invalidated > start, "kept answers belong to an older revision");
        outbox::enqueue(conn, outbox::PRODUCT, ProductId::new()).await.unwrap();
        assert_eq!(revision::read(conn).await.unwrap(), Revision { changes: invalidated.changes, indexed: false });
    }
}
