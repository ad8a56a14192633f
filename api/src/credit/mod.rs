//! Credit data under consent: 信用信息 and 纳税信用 records, the credit profile a bank reads under the
//! enterprise's consent (every read logged), objections and credit repair.

mod access;
mod chained;
pub mod entity;
pub mod freshness;
mod graphql;
pub mod held;
mod objections;
pub mod profile;
mod readers;
pub mod repo;

pub use access::{AccessLog, Read};
pub use chained::{AccessLogRow, Chains, RecordEventRow};
pub use graphql::{AccessLogEntry, CreditMutation, CreditQuery};

/// A tax year of a subject, as `repo::tax_of` reads it (for the capabilities that use a subject's own tax data).
pub type TaxRecordRow = entity::tax_record::Model;
