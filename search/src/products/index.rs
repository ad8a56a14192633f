//! The product index on the server: creating it with its settings, writing documents, searching,
//! listing versions for `verify`, and rebuilding it without downtime for `reindex`.

use std::future::Future;
use std::time::Duration;

use meilisearch_sdk::client::SwapIndexes;

use crate::engine::Client;
use meilisearch_sdk::documents::DocumentsQuery;
use meilisearch_sdk::errors::{Error as MeiliError, ErrorCode};
use meilisearch_sdk::search::Selectors;
use meilisearch_sdk::task_info::TaskInfo;
use meilisearch_sdk::tasks::Task;
use serde::Deserialize;
use xyd_domain::ProductFilter;

use super::document::ProductDocument;
use super::filter::filter_expression;
use super::settings::{DEFAULT_SORT, LOCALES, PRIMARY_KEY, product_settings, settings_match};
use crate::SearchError;

/// The longest any single HTTP request may take before Meilisearch counts as unavailable.
pub(crate) const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// The default time a write waits for its task to succeed.
const DEFAULT_TASK_TIMEOUT: Duration = Duration::from_secs(60);
/// How often a pending task is polled.
const POLL_INTERVAL: Duration = Duration::from_millis(25);
/// Documents per request when rebuilding and per page when listing versions.
const BATCH: usize = 1_000;

/// One page of search results: product IDs in ranking order and the exact number of matches.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchPage {
    /// Product IDs (UUID strings) of this page, best first.
    pub ids: Vec<String>,
    /// How many products match in all (exact, up to the index's `maxTotalHits`).
    pub total: usize,
}

#[derive(Deserialize)]
struct IdOnly {
    id: String,
}

#[derive(Deserialize)]
struct IdVersion {
    id: String,
    version: i64,
}

/// The product index `{prefix}_products` (primary key `id`). Every write waits until
/// Meilisearch reports its task succeeded; a failed task is [`SearchError::TaskFailed`].
#[derive(Clone)]
pub struct ProductIndex {
    client: Client,
    uid: String,
    task_timeout: Duration,
}

impl ProductIndex {
    pub(crate) fn new(client: Client, uid: String) -> Self {
        Self { client, uid, task_timeout: DEFAULT_TASK_TIMEOUT }
    }

    /// The same index, waiting at most `timeout` for each write's task (default 60 s).
    pub fn with_task_timeout(mut self, timeout: Duration) -> Self {
        self.task_timeout = timeout;
        self
    }

    /// The index's full name (`{prefix}_products`).
    pub fn uid(&self) -> &str {
        &self.uid
    }

    /// Creates the index if it is missing and applies the settings unless the index already has
    /// them (then no task is queued: cheap enough to call before every batch). Idempotent; safe
    /// to run concurrently from several replicas.
    pub async fn ensure(&self) -> Result<(), SearchError> {
        self.create_if_missing(&self.uid).await?;
        let index = self.client.index(&self.uid);
        match request(index.get_settings()).await {
            Ok(current) if settings_match(&current, &product_settings()) => return Ok(()),
            Err(err) if err.is_unavailable() => return Err(err),
            // Different settings, or settings this SDK cannot read: apply ours.
            Ok(_) | Err(_) => {}
        }
        self.apply_settings(&self.uid).await
    }

    /// Adds or replaces `docs` (whole documents, by `id`). Creates the index with its settings
    /// first if it is missing (e.g. Meilisearch lost its data), so filters keep working.
    pub async fn upsert(&self, docs: &[ProductDocument]) -> Result<(), SearchError> {
        if docs.is_empty() {
            return Ok(());
        }
        if !self.exists(&self.uid).await? {
            self.ensure().await?;
        }
        let tasks = self.enqueue_documents(&self.uid, docs).await?;
        for task in tasks {
            self.wait(task, self.task_timeout).await?;
        }
        Ok(())
    }

    /// Deletes the documents with these IDs; IDs not in the index, or a missing index, are fine.
    pub async fn delete(&self, ids: &[String]) -> Result<(), SearchError> {
        if ids.is_empty() {
            return Ok(());
        }
        let index = self.client.index(&self.uid);
        let task = request(index.delete_documents(ids)).await?;
        match self.wait(task, self.task_timeout).await {
            Err(SearchError::TaskFailed { code, .. }) if code == "index_not_found" => Ok(()),
            other => other,
        }
    }

    /// One page of the products matching `filter` (exactly [`ProductFilter::matches`]) and,
    /// when given, the text `query`: ranked by relevance with a query, otherwise by lowest rate
    /// then ID. `offset` and `limit` count products; `total` is exact.
    ///
    /// A missing index is reported as [`SearchError::Unavailable`]: search cannot serve yet.
    pub async fn search(
        &self,
        query: Option<&str>,
        filter: &ProductFilter,
        offset: usize,
        limit: usize,
    ) -> Result<SearchPage, SearchError> {
        let index = self.client.index(&self.uid);
        let expression = filter_expression(filter);
        let query = query.map(str::trim).filter(|q| !q.is_empty());
        // Exact totals need page mode (page / hitsPerPage). An offset that is not a multiple of
        // the limit is served from a first page long enough to contain it.
        let (page, hits_per_page, skip) = match offset.checked_rem(limit) {
            Some(0) => (offset / limit + 1, limit, 0),
            _ => (1, offset.saturating_add(limit), offset),
        };
        let mut search = index.search();
        search
            .with_page(page)
            .with_hits_per_page(hits_per_page)
            .with_attributes_to_retrieve(Selectors::Some(&["id"]))
            .with_locales(LOCALES);
        if let Some(expression) = &expression {
            search.with_filter(expression);
        }
        match query {
            Some(q) => {
                search.with_query(q);
            }
            None => {
                search.with_sort(DEFAULT_SORT);
            }
        }
        let results = match request(search.execute::<IdOnly>()).await {
            Err(SearchError::Meili(MeiliError::Meilisearch(e))) if e.error_code == ErrorCode::IndexNotFound => {
                return Err(SearchError::Unavailable(format!("index {} does not exist yet", self.uid)));
            }
            other => other?,
        };
        let total = results.total_hits.or(results.estimated_total_hits).unwrap_or(results.hits.len());
        let ids = results.hits.into_iter().skip(skip).map(|hit| hit.result.id).collect();
        Ok(SearchPage { ids, total })
    }

    /// The ID and version of every document in the index (empty if the index is missing), for
    /// comparing against the database.
    pub async fn versions(&self) -> Result<Vec<(String, i64)>, SearchError> {
        let index = self.client.index(&self.uid);
        let mut out = Vec::new();
        let mut offset = 0;
        loop {
            let mut query = DocumentsQuery::new(&index);
            query.with_offset(offset).with_limit(BATCH).with_fields(["id", "version"]);
            let page = match request(index.get_documents_with::<IdVersion>(&query)).await {
                Err(SearchError::Meili(MeiliError::Meilisearch(e))) if e.error_code == ErrorCode::IndexNotFound => {
                    return Ok(Vec::new());
                }
                other => other?,
            };
            let fetched = page.results.len();
            out.extend(page.results.into_iter().map(|d| (d.id, d.version)));
            offset += fetched;
            if fetched < BATCH || offset >= usize::try_from(page.total).unwrap_or(usize::MAX) {
                return Ok(out);
            }
        }
    }

    /// Replaces the whole index with `docs` without downtime: builds `{uid}_build_{random}`
    /// with the settings and every document, swaps it with the live index (created empty
    /// first if missing), then deletes the old data. Searches see the old index until the
    /// swap, and the new one right after.
    pub async fn rebuild(&self, docs: &[ProductDocument]) -> Result<(), SearchError> {
        let build = format!("{}_build_{}", self.uid, uuid::Uuid::now_v7().simple());
        let result = self.rebuild_via(&build, docs).await;
        if result.is_err() {
            // Best effort: do not leave a half-built index behind.
            if let Err(err) = self.delete_index(&build).await {
                tracing::warn!(index = %build, error = %err, "could not delete the build index");
            }
        }
        result
    }

    async fn rebuild_via(&self, build: &str, docs: &[ProductDocument]) -> Result<(), SearchError> {
        // Time to index everything scales with the number of documents.
        let import_timeout = self.task_timeout + Duration::from_millis(20) * docs.len() as u32;
        self.create_if_missing(build).await?;
        self.apply_settings(build).await?;
        let tasks = self.enqueue_documents(build, docs).await?;
        for task in tasks {
            self.wait(task, import_timeout).await?;
        }
        self.create_if_missing(&self.uid).await?;
        let swap = SwapIndexes { indexes: (self.uid.clone(), build.to_owned()), rename: None };
        let task = request(self.client.swap_indexes([&swap])).await?;
        self.wait(task, self.task_timeout).await?;
        tracing::info!(index = %self.uid, documents = docs.len(), "product index rebuilt and swapped in");
        // `build` now holds the previous data.
        self.delete_index(build).await
    }

    async fn exists(&self, uid: &str) -> Result<bool, SearchError> {
        match request(self.client.get_raw_index(uid)).await {
            Ok(_) => Ok(true),
            Err(SearchError::Meili(MeiliError::Meilisearch(e))) if e.error_code == ErrorCode::IndexNotFound => {
                Ok(false)
            }
            Err(err) => Err(err),
        }
    }

    async fn create_if_missing(&self, uid: &str) -> Result<(), SearchError> {
        if self.exists(uid).await? {
            return Ok(());
        }
        let task = request(self.client.create_index(uid, Some(PRIMARY_KEY))).await?;
        match self.wait(task, self.task_timeout).await {
            // Another replica created it in between.
            Err(SearchError::TaskFailed { code, .. }) if code == "index_already_exists" => Ok(()),
            other => other,
        }
    }

    async fn apply_settings(&self, uid: &str) -> Result<(), SearchError> {
        let index = self.client.index(uid);
        let task = request(index.set_settings(&product_settings())).await?;
        self.wait(task, self.task_timeout).await
    }

    async fn delete_index(&self, uid: &str) -> Result<(), SearchError> {
        let task = request(self.client.delete_index(uid)).await?;
        match self.wait(task, self.task_timeout).await {
            Err(SearchError::TaskFailed { code, .. }) if code == "index_not_found" => Ok(()),
            other => other,
        }
    }

    /// Sends `docs` in batches, returning their tasks in order.
    async fn enqueue_documents(&self, uid: &str, docs: &[ProductDocument]) -> Result<Vec<TaskInfo>, SearchError> {
        let index = self.client.index(uid);
        let mut tasks = Vec::new();
        for chunk in docs.chunks(BATCH) {
            tasks.push(request(index.add_or_replace(chunk, Some(PRIMARY_KEY))).await?);
        }
        Ok(tasks)
    }

    /// Waits until `task` finishes: `Ok` if it succeeded, [`SearchError::TaskFailed`] if it
    /// failed, [`SearchError::Unavailable`] if it is still pending after `timeout`.
    async fn wait(&self, task: TaskInfo, timeout: Duration) -> Result<(), SearchError> {
        let uid = task.task_uid;
        let waiting = task.wait_for_completion(&self.client, Some(POLL_INTERVAL), Some(timeout));
        let finished =
            tokio::time::timeout(timeout + REQUEST_TIMEOUT, waiting).await.map_err(|_| pending(uid, timeout))?;
        match finished {
            Ok(Task::Succeeded { .. }) => Ok(()),
            Ok(Task::Failed { content }) => Err(SearchError::TaskFailed {
                uid,
                code: error_code(&content.error.error_code),
                message: content.error.error_message,
            }),
            Ok(Task::Enqueued { .. } | Task::Processing { .. }) | Err(MeiliError::Timeout) => {
                Err(pending(uid, timeout))
            }
            Err(err) => Err(err.into()),
        }
    }
}

fn pending(uid: u32, timeout: Duration) -> SearchError {
    SearchError::Unavailable(format!("task {uid} did not finish within {}s", timeout.as_secs()))
}

/// Runs one request to Meilisearch, mapping its error and giving up after [`REQUEST_TIMEOUT`].
pub(crate) async fn request<T>(call: impl Future<Output = Result<T, MeiliError>>) -> Result<T, SearchError> {
    match tokio::time::timeout(REQUEST_TIMEOUT, call).await {
        Ok(result) => result.map_err(SearchError::from),
        Err(_) => Err(SearchError::Unavailable(format!("no answer within {}s", REQUEST_TIMEOUT.as_secs()))),
    }
}

/// The snake_case code Meilisearch sent (`index_already_exists` …).
fn error_code(code: &ErrorCode) -> String {
    serde_json::to_value(code).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_else(|| format!("{code:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Search;

    #[test]
    fn error_codes_are_snake_case() {
        assert_eq!(error_code(&ErrorCode::IndexAlreadyExists), "index_already_exists");
        assert_eq!(error_code(&ErrorCode::IndexNotFound), "index_not_found");
    }

    #[tokio::test]
    async fn unreachable_server_is_unavailable() {
        // Nothing listens on port 1 of the loopback interface: connection refused.
        let search = Search::new("http://127.0.0.1:1", Some("key"), "t").unwrap();
        assert!(!search.is_healthy().await);
        let index = search.products();
        assert_eq!(index.uid(), "t_products");
        let err = index.search(None, &ProductFilter::default(), 0, 10).await.unwrap_err();
        assert!(err.is_unavailable(), "{err}");
        let err = index.ensure().await.unwrap_err();
        assert!(err.is_unavailable(), "{err}");
        let err = index.versions().await.unwrap_err();
        assert!(err.is_unavailable(), "{err}");
        let err = index.delete(&["x".to_owned()]).await.unwrap_err();
        assert!(err.is_unavailable(), "{err}");
    }
}
