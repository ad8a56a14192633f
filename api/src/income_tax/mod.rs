//! 银税互动 for natural persons: a verified person's authorization that lets the tax bureau send their
//! 个人所得税 summaries here (`authorizations`, each with the grant code the bureau's import names per row),
//! and the summaries received under one (`records`). Nothing about a person's income enters otherwise; a
//! revoked or expired authorization takes no more rows, and a revoked one hides the stored rows from banks.

pub mod authorizations;
pub mod entity;
mod graphql;
pub mod held;
pub mod records;

/// An income-tax record as other capabilities name it.
pub type IncomeTaxRecordRow = entity::record::Model;

pub use graphql::{IncomeTaxMutation, IncomeTaxQuery, IncomeTaxYear};
