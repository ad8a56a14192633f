//! End-to-end tests through HTTP and GraphQL, on PostgreSQL and SQLite, with a real Meilisearch.
//! One binary, to keep link time down.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod abuse;
mod audit;
mod auth;
mod authz;
mod consent;
mod consent_texts;
mod contract;
mod credit;
mod credit_report;
mod dashboard;
mod demands;
mod demo;
mod first_start;
mod fuzz;
mod graphiql;
mod http_edges;
mod import_attacks;
mod import_formats;
mod imports;
mod income_tax;
mod indicator_days;
mod indicators;
mod institutions;
mod introspection;
mod journey;
mod not_rated;
mod notifications;
mod offers;
mod operations;
mod persons;
mod pre_credit;
mod products;
mod regions;
mod relay;
mod renewals;
mod replicas;
mod reports_on_a_standby;
mod schema;
mod search_sync;
mod statements;
mod subjects;
mod trust;
mod websocket;
