//! The consent ledger (授权): enterprises grant banks (or bureaus) access to authorized data for a purpose
//! and a period, and revoke it; access decisions read it inside the same transaction as the data.

pub mod entity;
mod graphql;
pub mod held;
mod ledger;
pub mod texts;

pub use graphql::{Consent, ConsentMutation, ConsentQuery};
pub use ledger::{Grant, Grantee, active_for, by_ids, ensure_demand_held, fact_of, grant, in_force_among};

/// A stored consent, as other capabilities name it.
pub type ConsentRow = entity::Model;
