//! The public product search: Meilisearch when it answers (or its kept answer, see `answers`), otherwise the
//! same hard filters in SQL.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use xyd_domain::ProductId;
use xyd_domain::product::ProductFilter;
use xyd_search::SearchPage;

use super::answers::Question;
use super::catalog::{Published, Revision};
use super::entity;
use super::repo::ProductRepo;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub struct Found {
    pub total: u64,
    pub rows: Vec<entity::Model>,
}

pub fn encode_offset(offset: u64) -> String {
    URL_SAFE_NO_PAD.encode(format!("o:{offset}"))
}

/// The deepest offset a search page may start at: deeper pages are not a product catalogue's use, and each
/// one makes the engine rank that far.
pub const MAX_OFFSET: u64 = 10_000;

/// The offset of a cursor issued for pages of `first`: a forged cursor (not one of ours, not on a page
/// boundary of `first`, or too deep) is BAD_USER_INPUT, so a search never fetches more than one page.
pub fn decode_offset(cursor: &str, first: u64) -> AppResult<u64> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix("o:").and_then(|n| n.parse::<u64>().ok()))
        .filter(|offset| first > 0 && offset % first == 0 && *offset <= MAX_OFFSET)
        .ok_or_else(|| {
            AppError::bad_input("after", "INVALID_CURSOR", "分页游标无效（须使用上一页返回的游标，且每页条数不变）")
        })
}

pub async fn search(
    state: &AppState,
    query: Option<&str>,
    filter: &ProductFilter,
    offset: u64,
    limit: u64,
) -> AppResult<Found> {
    let question = Question::new(query, filter, offset, limit);
    let conn = state.db.conn();
    // Asked before: one cheap read tells whether the kept answer still holds.
    if state.answers.holds(&question) {
        let (revision, catalog) = state.catalog.current(conn).await?;
        if let Some(page) = state.answers.get(&question, revision) {
            state.metrics.incr("xyd_search_answers_reused_total", 1);
            return Ok(found(&page, &catalog));
        }
        return ask(state, question, Some(revision), async { Ok((revision, catalog)) }).await;
    }
    ask(state, question, state.answers.revision(), state.catalog.current(conn)).await
}

/// Ask the engine while `current` revalidates the catalogue (the page costs the longer of the two, not their
/// sum), keeping the answer if the catalogue stood at `before` throughout; SQL answers when the engine cannot.
async fn ask(
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
            state.answers.keep(question, before, revision, page);
            Ok(found)
        }
        Err(error) => {
            tracing::warn!(error = %error, "product search falls back to SQL");
            state.metrics.incr("xyd_search_fallback_total", 1);
            let (total, rows) = ProductRepo::search(state.db.conn(), query.as_deref(), filter, *offset, *limit).await?;
            Ok(Found { total, rows })
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
