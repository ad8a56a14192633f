//! Meilisearch adapter: the only code that talks to Meilisearch, always through meilisearch-sdk.
//!
//! It turns domain types into documents and filters and owns index settings. Index names carry a
//! configurable prefix so tenants and test runs never collide.
//!
//! - [`products`]: the product supermarket index — [`ProductDocument`], [`filter_expression`],
//!   the index settings and [`ProductIndex`] (ensure, upsert, delete, search, versions, rebuild).
//! - [`SearchError`] tells [`SearchError::Unavailable`] (fall back to SQL, retry later) from the rest.
//! - [`key`]: the application's API key, scoped to the prefix's indexes; [`Search::connect`] sets it up.

mod engine;
mod error;
pub mod key;
pub mod products;

use engine::Client;

pub use error::SearchError;
pub use products::{ProductDocument, ProductIndex, SearchPage, filter_expression};

/// A handle on one Meilisearch server and this deployment's index prefix.
#[derive(Clone)]
pub struct Search {
    client: Client,
    /// The master key's client, kept for administration only (rebuilding an index swaps two indexes, a task
    /// a prefix-scoped key cannot follow). `None` when the application was given no master key.
    admin: Option<Client>,
    prefix: String,
}

impl Search {
    /// A handle on the server at `url` (no trailing slash), authenticating with `api_key`
    /// when given. Nothing is sent until the first call.
    pub fn new(url: &str, api_key: Option<&str>, prefix: &str) -> Result<Self, SearchError> {
        Ok(Self { client: engine::client(url, api_key)?, admin: None, prefix: prefix.to_string() })
    }

    /// The handle the application uses. With `api_key`, that key. Otherwise, with `master_key`, the
    /// key scoped to `{prefix}_*` and to the adapter's actions ([`key`]), found or created with the
    /// master key, which is then used for nothing else. When that key cannot be set up (Meilisearch
    /// down or refusing), the master key is used, with a warning, until the next start: the
    /// application must start, and fall back to SQL, while Meilisearch is away.
    pub async fn connect(
        url: &str,
        master_key: Option<&str>,
        api_key: Option<&str>,
        prefix: &str,
    ) -> Result<Self, SearchError> {
        if let Some(api_key) = api_key {
            return Self::new(url, Some(api_key), prefix);
        }
        let Some(master_key) = master_key else {
            return Self::new(url, None, prefix);
        };
        let admin = engine::client(url, Some(master_key))?;
        match key::ensure_scoped_key(&admin, prefix).await {
            Ok(scoped) => {
                tracing::info!(prefix, uid = %key::key_uid(prefix), "using the search API key scoped to the index prefix");
                Ok(Self { admin: Some(admin), ..Self::new(url, Some(&scoped), prefix)? })
            }
            Err(err) => {
                tracing::warn!(
                    prefix,
                    error = %err,
                    "cannot set up the scoped search API key: using the master key until the next start"
                );
                Self::new(url, Some(master_key), prefix)
            }
        }
    }

    /// The key requests are sent with (`None` without authentication).
    pub fn api_key(&self) -> Option<&str> {
        self.client.get_api_key()
    }

    /// The full name of a logical index (`products` → `xyd_products`).
    pub fn index_name(&self, logical: &str) -> String {
        format!("{}_{logical}", self.prefix)
    }

    /// Whether Meilisearch answers its health check.
    pub async fn is_healthy(&self) -> bool {
        tokio::time::timeout(products::REQUEST_TIMEOUT, self.client.is_healthy()).await.unwrap_or(false)
    }

    /// The product supermarket index, `{prefix}_products`.
    pub fn products(&self) -> ProductIndex {
        ProductIndex::new(self.client.clone(), self.index_name("products"))
    }

    /// The same index for administration (`reindex`): through the master key when the application holds one.
    pub fn products_admin(&self) -> ProductIndex {
        ProductIndex::new(self.admin.clone().unwrap_or_else(|| self.client.clone()), self.index_name("products"))
    }
}
