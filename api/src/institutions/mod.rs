//! Institutions: banks and bureaus, onboarded by the platform administrator with their first staff account.

mod cache;
pub mod create;
pub mod entity;
mod graphql;
mod repo;
mod scope;

pub use cache::InstitutionCache;
pub use graphql::{CreateInstitutionInput, Institution, InstitutionMutation};
pub use repo::InstitutionRepo;
pub use scope::Scope;
