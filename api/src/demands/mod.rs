//! Financing demands (融资需求) and bank responses: posting, accept / reject / grant credit / disburse under
//! working-day SLA clocks, expiry, matching against the product supermarket, and the bank's opportunities.

pub mod entity;
pub mod expiry;
pub mod fees;
mod graphql;
pub mod held;
mod matching;
mod notices;
mod offers;
mod opportunities;
mod post;
mod pre_credit;
pub(crate) mod repo;
mod respond;
mod view;

pub use expiry::{EXPIRY_JOB, close_expired, spawn_expiry};
pub use graphql::{DemandMutation, DemandQuery};
pub use opportunities::DemandSubscription;
pub use pre_credit::PreCreditQuery;
pub use respond::reject_note;
pub use view::{BankResponse, FinancingDemand, product_of};
