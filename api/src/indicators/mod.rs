//! 监测指标: the city-credit monitoring figures (definitions v1) computed by SQL aggregation, their breakdowns,
//! the bank league table, and the CSV/XLSX exports.
//!
//! The figures read summary tables and denormalized columns that database triggers keep exactly consistent
//! with the events (migration `m20261123_000006_indicators`); registry snapshot counts are refreshed when a
//! registry import job ends (`subjects::registry_counts`).

pub mod export;
mod graphql;
mod league;
mod registry_quality;
pub mod report;
mod snapshot;
mod sql;

pub use graphql::IndicatorQueryRoot;
