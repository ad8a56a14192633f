//! Data imports (信用信息归集): CSV files streamed in batches, each row validated on its own, rejected rows
//! reported with line number, code and message, good rows upserted on their natural key. Used by the
//! `importRecords` mutation and by `xinyidai import`.

pub mod cli;
pub mod entity;
mod graphql;
pub mod job;
mod registry;
pub mod runner;

pub use graphql::{ImportMutation, ImportQuery};
pub use registry::RegistryImporter;
