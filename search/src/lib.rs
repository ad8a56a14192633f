//! Meilisearch adapter: the only code that talks to Meilisearch, always through meilisearch-sdk.
//!
//! It turns domain types into documents and filters and owns index settings. Index names carry a
//! configurable prefix so tenants and test runs never collide.
//!
//! - [`products`]: the product supermarket index — [`ProductDocument`], [`filter_expression`],
//!   the index settings and [`ProductIndex`] (ensure, upsert, delete, search, versions, rebuild).
//! - [`SearchError`] tells [`SearchError::Unavailable`] (fall back to SQL, retry later) from the rest.

mod error;
pub mod products;

use meilisearch_sdk::client::Client;

pub use error::SearchError;
pub use products::{ProductDocument, ProductIndex, SearchPage, filter_expression};

/// A handle on one Meilisearch server and this deployment's index prefix.
#[derive(Clone)]
pub struct Search {
    client: Client,
    prefix: String,
}

impl Search {
    /// A handle on the server at `url` (no trailing slash), authenticating with `master_key`
    /// when given. Nothing is sent until the first call.
    pub fn new(url: &str, master_key: Option<&str>, prefix: &str) -> Result<Self, SearchError> {
        Ok(Self { client: Client::new(url, master_key)?, prefix: prefix.to_string() })
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
}
