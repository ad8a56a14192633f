//! Database schema migrations, shared by PostgreSQL and SQLite.
//!
//! Migrations describe tables with sea-query only and never import the application's entities, so an old
//! migration keeps compiling however the entities change later.

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_accounts;
mod m20261123_000002_subjects_registry;
mod m20261123_000003_products_outbox;
mod m20261123_000004_credit_consent;
mod m20261123_000005_demands;
mod m20261123_000006_indicators;
mod m20261123_000007_indicator_speed;
mod m20261127_000008_trust;
mod m20261128_000009_offers;
mod m20261128_000010_notifications;
mod m20261128_000011_pre_credit;
mod m20261128_000012_renewals;
mod m20261128_000013_credit_reports;
mod m20261128_000014_catalog_changes;
mod m20261128_000015_indicator_days;
mod m20261129_000016_audit_chains;
mod m20261129_000017_rate_windows;
mod m20261206_000018_catalog_notify;
mod m20261206_000019_not_rated;
mod m20261206_000020_persons;
mod m20261206_000021_income_tax;
mod m20261206_000022_data_exports;
mod m20261206_000023_erasure;
mod m20261206_000024_income_tax_rules;
mod m20261206_000025_loan_costs;
mod m20261206_000026_loan_ledger;
mod m20261206_000027_freshness;
mod m20261206_000028_indicator_reach;
mod sqlite_rebuild;

/// Every migration, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_accounts::Migration),
            Box::new(m20261123_000002_subjects_registry::Migration),
            Box::new(m20261123_000003_products_outbox::Migration),
            Box::new(m20261123_000004_credit_consent::Migration),
            Box::new(m20261123_000005_demands::Migration),
            Box::new(m20261123_000006_indicators::Migration),
            Box::new(m20261123_000007_indicator_speed::Migration),
            Box::new(m20261127_000008_trust::Migration),
            Box::new(m20261128_000009_offers::Migration),
            Box::new(m20261128_000010_notifications::Migration),
            Box::new(m20261128_000011_pre_credit::Migration),
            Box::new(m20261128_000012_renewals::Migration),
            Box::new(m20261128_000013_credit_reports::Migration),
            Box::new(m20261128_000014_catalog_changes::Migration),
            Box::new(m20261128_000015_indicator_days::Migration),
            Box::new(m20261129_000016_audit_chains::Migration),
            Box::new(m20261129_000017_rate_windows::Migration),
            Box::new(m20261206_000018_catalog_notify::Migration),
            Box::new(m20261206_000019_not_rated::Migration),
            Box::new(m20261206_000020_persons::Migration),
            Box::new(m20261206_000021_income_tax::Migration),
            Box::new(m20261206_000022_data_exports::Migration),
            Box::new(m20261206_000023_erasure::Migration),
            Box::new(m20261206_000024_income_tax_rules::Migration),
            Box::new(m20261206_000025_loan_costs::Migration),
            Box::new(m20261206_000026_loan_ledger::Migration),
            Box::new(m20261206_000027_freshness::Migration),
            Box::new(m20261206_000028_indicator_reach::Migration),
        ]
    }
}
