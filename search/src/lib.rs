//! Meilisearch adapter: the only code that talks to Meilisearch, always through meilisearch-sdk.
//!
//! It turns domain types into documents and filters and owns index settings. Index names carry a
//! configurable prefix so tenants and test runs never collide.

use meilisearch_sdk::client::Client;

/// A failure talking to Meilisearch.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("meilisearch: {0}")]
    Meili(#[from] meilisearch_sdk::errors::Error),
}

/// A handle on one Meilisearch server and this deployment's index prefix.
#[derive(Clone)]
pub struct Search {
    client: Client,
    prefix: String,
}

impl Search {
    pub fn new(url: &str, master_key: Option<&str>, prefix: &str) -> Result<Self, SearchError> {
        Ok(Self { client: Client::new(url, master_key)?, prefix: prefix.to_string() })
    }

    /// The full name of a logical index (`products` → `xyd_products`).
    pub fn index_name(&self, logical: &str) -> String {
        format!("{}_{logical}", self.prefix)
    }

    /// Whether Meilisearch answers its health check.
    pub async fn is_healthy(&self) -> bool {
        self.client.is_healthy().await
    }
}
