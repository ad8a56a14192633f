//! Application state shared by every request: configuration, database, search, auth services, metrics.

use std::sync::Arc;

use crate::auth::rate_limit::{RateLimits, RateStore};
use crate::auth::{password, tokens::TokenService};
use crate::config::Config;
use crate::crypto::FieldCipher;
use crate::db::Db;
use crate::metrics::Metrics;
use crate::outbox::Relay;

/// Cheap to clone; everything inside is shared.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub config: Config,
    pub db: Db,
    pub search: xyd_search::Search,
    pub tokens: TokenService,
    pub rate_limits: RateLimits,
    pub metrics: Metrics,
    pub cipher: FieldCipher,
    /// Wakes the outbox relay after a commit that enqueued work.
    pub relay: Relay,
    /// The product search: the published products for matching, and the engine's answers it may reuse.
    pub product_search: crate::products::ProductSearch,
    pub institutions: crate::institutions::InstitutionCache,
    /// The access log's writer: reads of consented data are logged through it, in batches.
    pub access_log: crate::credit::AccessLog,
    /// Demands posted and notifications written, for live subscriptions, from every replica.
    pub events: crate::events::Events,
    /// Verified against when a login names an unknown account, to equalize timing.
    pub decoy_hash: String,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    /// Assemble the state over an already migrated database (`startup::init` connects and migrates first).
    pub async fn new(config: Config, db: Db) -> anyhow::Result<Self> {
        let master_key = Some(config.search.master_key.expose()).filter(|k| !k.is_empty());
        let api_key = Some(config.search.api_key.expose()).filter(|k| !k.is_empty());
        // With only the master key, this sets up a key scoped to the index prefix and uses that one.
        let search =
            xyd_search::Search::connect(&config.search.url, master_key, api_key, &config.search.index_prefix).await?;
        let decoy_hash = password::decoy_hash().await.map_err(|e| anyhow::anyhow!("decoy hash: {}", e.message()))?;
        let cipher = FieldCipher::new(config.crypto.data_key.expose())?;
        let metrics = Metrics::default();
        Ok(Self(Arc::new(Inner {
            cipher,
            relay: Relay::default(),
            product_search: Default::default(),
            institutions: Default::default(),
            access_log: crate::credit::AccessLog::spawn(db.clone(), metrics.clone()),
            events: crate::events::Events::new(db.clone()),
            tokens: TokenService::new(&config.auth),
            rate_limits: RateLimits::new(&config.auth, RateStore::for_db(&db)),
            metrics,
            search,
            db,
            config,
            decoy_hash,
        })))
    }
}
