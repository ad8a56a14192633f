//! Institutions: banks and bureaus, onboarded by the platform administrator with their first staff account.

pub mod create;
pub mod entity;
mod graphql;
mod repo;
mod scope;

pub use graphql::{CreateInstitutionInput, Institution, InstitutionMutation};
pub use repo::InstitutionRepo;
pub use scope::Scope;
