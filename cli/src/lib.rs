//! The `xinyidai` command line (serve, migrate, imports, reports, search maintenance) and the development data
//! it can load (demo accounts, `gen-data`). The server library (`xinyidai`) carries none of the generators.

pub mod args;
pub mod audit;
pub mod commands;
pub mod demo;
pub mod gen_data;
pub mod import;
pub mod report;
