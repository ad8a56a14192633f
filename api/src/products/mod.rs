//! Loan products (金融产品超市): banks manage their products; anyone browses the published ones, through
//! Meilisearch when it is healthy and through the same hard filters in SQL when it is not. The search, the
//! catalogue kept for matching and the reuse of the engine's answers are one service, [`ProductSearch`].

mod answers;
pub mod catalog;
pub mod entity;
mod graphql;
pub mod manage;
pub mod projection;
mod repo;
mod revision;
mod search;
mod service;
mod view;

pub use graphql::{ProductMutation, ProductQuery, with_banks};
pub use repo::{ProductRepo, ProductRow, spec_of};
pub use service::ProductSearch;
pub use view::LoanProduct;
