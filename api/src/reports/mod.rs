//! 公共信用信息报告 (the public credit report): a PDF issued to the enterprise (or, within their rights, a bureau
//! or a bank), stored with the SHA-256 of its bytes, downloaded with the caller's token, and verifiable by anyone
//! holding its code.

mod download;
pub mod entity;
mod graphql;
pub mod held;
mod issue;
mod pdf;

pub use download::downloadable;
pub use graphql::{ReportMutation, ReportQuery};
