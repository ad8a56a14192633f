//! The transactional outbox: a use case that changes an indexed document writes an outbox row in its own
//! transaction; the relay applies pending rows to Meilisearch after commit, waits for each task to
//! succeed, retries with backoff, and marks them done. The database stays the source of truth.

pub mod entity;
mod relay;
mod repo;

pub use relay::{Projection, Relay, spawn_relay};
pub use repo::{Lag, enqueue, lag};

/// The aggregate names used in outbox rows.
pub const PRODUCT: &str = "product";
