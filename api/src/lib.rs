//! The Xinyidai server library: GraphQL API, persistence, authentication, outbox relay, imports and reports.
//! The `xinyidai` command and the development data live in the `xyd-cli` crate.
//!
//! One module per capability, each holding its GraphQL types, use cases and repository. `app` builds the
//! HTTP application so tests can serve it on a free port.

pub mod audit;
pub mod auth;
pub mod config;
pub mod consents;
pub mod credit;
pub mod crypto;
pub mod db;
pub mod demands;
pub mod erasure;
pub mod error;
pub mod events;
pub mod graphql;
pub mod http;
pub mod imports;
pub mod income_tax;
pub mod indicators;
pub mod institutions;
pub mod jobs;
pub mod loans;
pub mod metrics;
pub mod my_data;
pub mod notifications;
pub mod outbox;
pub mod pagination;
pub mod products;
pub mod regions;
pub mod renewals;
pub mod reports;
pub mod schema;
pub mod serve;
pub mod sheets;
#[cfg(test)]
mod source_scan;
pub mod startup;
pub mod state;
pub mod subjects;
pub mod tags;

pub use config::Config;
pub use state::AppState;

/// The HTTP application over `state`.
pub fn app(state: AppState) -> axum::Router {
    http::router(state)
}
