//! 金融产品 (loan products): the validated specification a bank publishes, its lifecycle, and the
//! hard filters of the product supermarket (金融产品超市).
//!
//! - [`ProductSpec`] is a product's terms, only constructible through validation
//!   ([`ProductSpec::parse`] for bank input, [`ProductSpec::restore`] for stored rows).
//! - [`ProductStatus`] is the lifecycle DRAFT → PUBLISHED ⇄ SUSPENDED → ARCHIVED.
//! - [`ProductFilter`] is the product search's hard filter; [`ProductFilter::matches`] is the one
//!   definition that the Meilisearch filter and the SQL fallback both reproduce.

mod filter;
pub mod pre_credit;
mod spec;
mod status;

pub use filter::{ProductFilter, industry_prefixes_of, region_prefixes_of};
pub use pre_credit::PreCreditRule;
pub use spec::{ProductRules, ProductSpec, ProductSpecInput};
pub use status::ProductStatus;
