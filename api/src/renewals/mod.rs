//! 续贷 / 展期: renewal and extension requests on disbursed loans, decided by the lending bank within a
//! working-day SLA, counted by the v2 indicators.

mod decide;
pub mod entity;
mod graphql;
pub mod held;
mod notices;
mod request;

pub use graphql::{RenewalMutation, RenewalQuery, RenewalRequest, of_loan};
