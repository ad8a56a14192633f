//! The product supermarket (金融产品超市) index: one document per published loan product.

mod document;
mod filter;
mod index;
pub mod settings;

pub use document::ProductDocument;
pub use filter::filter_expression;
pub use index::{ProductIndex, SearchPage};

pub(crate) use index::{REQUEST_TIMEOUT, request};
