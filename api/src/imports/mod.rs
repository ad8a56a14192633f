//! Data imports (信用信息归集): CSV files (UTF-8 or GB18030/GBK) and XLSX workbooks streamed in batches, each
//! row validated on its own, rejected rows reported with line number, code and message, good rows upserted on
//! their natural key, the whole file in one transaction (whole or not at all), a workbook bounded before and
//! while it is parsed. Used by the `importRecords` mutation and by `xinyidai import`.

mod bounds;
mod credit;
pub mod entity;
mod graphql;
mod income_tax;
pub mod job;
mod registry;
pub mod runner;
pub mod source;

use credit::SubjectDataImporter;
use xyd_domain::credit::{CreditRow, TaxRow};
use xyd_domain::loan::LoanHistoryRow;
use xyd_domain::{ImportJobId, ImportKind};

pub use graphql::{ImportMutation, ImportQuery};
use job::Counts;
pub use registry::RegistryImporter;
use runner::RunOptions;
use source::{Input, Source};

use crate::error::AppResult;
use crate::institutions::Scope;
use crate::state::AppState;

/// Whether users of `role` may upload files (`importRecords`): bureau staff only. Checked before an upload's
/// body is read.
pub fn may_upload(role: xyd_domain::Role) -> bool {
    role == xyd_domain::Role::Bureau
}

/// Run the import of `kind` over `input` (a file, bytes, or `Input::stream`) for `job`, limited to `scope`.
pub async fn run_kind(
    state: &AppState,
    job: ImportJobId,
    kind: ImportKind,
    scope: Scope,
    input: impl Into<Input>,
    options: RunOptions,
) -> AppResult<Counts> {
    let policy = state.config.credit.flag_policy();
    // A stream spooled for a workbook may hold no more than an upload may carry.
    let max_bytes = u64::try_from(state.config.limits.upload_body_bytes).unwrap_or(u64::MAX);
    let source = Source::new(input.into(), options.source, max_bytes, state.config.limits.import);
    match kind {
        ImportKind::Registry => {
            let importer = RegistryImporter::new(scope, state.cipher.clone(), state.db.backend());
            runner::run(&state.db, job, source, importer, options).await
        }
        ImportKind::Credit => {
            let importer = SubjectDataImporter::<CreditRow>::new(scope, policy);
            runner::run(&state.db, job, source, importer, options).await
        }
        ImportKind::Tax => {
            let importer = SubjectDataImporter::<TaxRow>::new(scope, policy);
            runner::run(&state.db, job, source, importer, options).await
        }
        ImportKind::IncomeTax => {
            let importer = income_tax::IncomeTaxImporter::new(scope, state.cipher.clone());
            runner::run(&state.db, job, source, importer, options).await
        }
        ImportKind::LoanHistory => {
            let importer = SubjectDataImporter::<LoanHistoryRow>::new(scope, policy);
            runner::run(&state.db, job, source, importer, options).await
        }
    }
}
