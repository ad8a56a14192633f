//! Deterministic synthetic data for the 信易贷 (Xinyidai) platform, written in its CSV import
//! formats (see `shared/contract/imports.md`) for tests at scale, benchmarks and `xinyidai gen-data`.
//!
//! Every generated row is a pure function of the options (above all the seed) and its index:
//! the same options always give byte-identical output, any row can be regenerated on its own
//! (so later generators can refer to the same subjects without storing them), and rows are
//! streamed, so memory stays flat however many are written.
//!
//! - [`region`]: the county being simulated (雷州市 by default) and its towns.
//! - [`names`]: plausible Chinese names of people and businesses, and the trades
//!   (GB/T 4754-2017 industry codes) they practise.
//! - [`registry`]: the 存续主体名录 (registry snapshot) import file.
//! - [`credit`]: 信用信息 (credit records) of the registry's subjects.
//! - [`tax`]: 纳税信用 (tax grades and amounts) of the registry's subjects.
//! - [`products`]: loan products (金融产品) of the banks serving the county.
//! - [`demands`]: financing demands (融资需求) of the registry's subjects and the banks' response
//!   histories (受理, 授信, 放款, 拒绝) over a span of months.

#![warn(missing_docs)]

pub mod credit;
pub mod demands;
pub mod names;
pub mod products;
mod random;
pub mod region;
pub mod registry;
pub mod tax;
#[cfg(test)]
mod test_csv;
mod units;
mod uscc;

/// Why data could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum GenError {
    /// Writing the output failed.
    #[error("cannot write generated data: {0}")]
    Io(#[from] std::io::Error),
    /// The CSV writer failed.
    #[error("cannot write generated CSV: {0}")]
    Csv(#[from] csv::Error),
    /// The options cannot produce valid data (e.g. an error rate outside 0–1).
    #[error("invalid generator options: {0}")]
    InvalidOptions(String),
    /// A configured value breaks a domain rule (e.g. a malformed county or town code).
    #[error("invalid generator options: {0}")]
    Domain(#[from] xyd_domain::DomainError),
}
