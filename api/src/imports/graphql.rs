//! GraphQL: `importRecords` (bureau upload) and `importJob`.

use std::time::Duration;

use async_graphql::{ComplexObject, Context, ID, Object, SimpleObject, Upload};

use super::entity::import_job;
use super::job;
use super::runner::RunOptions;
use crate::auth::Principal;
use crate::auth::principal::require_principal;
use crate::error::{AppError, AppResult};
use crate::graphql::{GqlDateTime, GqlImportKind, id_arg};
use crate::institutions::Scope;
use crate::state::AppState;
use xyd_domain::{ImportJobId, ImportKind};

/// An import and its outcome so far.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ImportJob {
    pub id: ID,
    #[graphql(skip)]
    pub job_id: ImportJobId,
    pub kind: GqlImportKind,
    /// RUNNING, COMPLETED or FAILED.
    pub status: String,
    pub file_name: String,
    pub total_rows: i64,
    pub accepted_rows: i64,
    pub rejected_rows: i64,
    /// Rows with an invalid 统一社会信用代码.
    pub invalid_code_rows: i64,
    /// Rows repeating another row's code with a different name (重错码).
    pub duplicate_code_rows: i64,
    /// Why a FAILED job stopped.
    pub failure: Option<String>,
    pub created_at: GqlDateTime,
    pub finished_at: Option<GqlDateTime>,
}

/// A rejected row.
#[derive(SimpleObject)]
pub struct ImportError {
    pub line: i64,
    pub code: String,
    pub message: String,
}

#[ComplexObject]
impl ImportJob {
    /// The 重错码 rate: (invalid + duplicate code rows) / total rows; null for an empty file.
    async fn erroneous_code_rate(&self) -> Option<f64> {
        (self.total_rows > 0)
            .then(|| (self.invalid_code_rows + self.duplicate_code_rows) as f64 / self.total_rows as f64)
    }

    /// The first rejected rows, by line (at most 100; the CLI report has them all).
    async fn errors(&self, ctx: &Context<'_>, #[graphql(default = 100)] first: i32) -> AppResult<Vec<ImportError>> {
        let state = ctx.data_unchecked::<AppState>();
        let rows = job::errors(state.db.conn(), self.job_id, first.clamp(1, 100) as u64).await?;
        Ok(rows.into_iter().map(|e| ImportError { line: e.line, code: e.code, message: e.message }).collect())
    }
}

impl ImportJob {
    fn from_model(m: import_job::Model) -> Self {
        Self {
            id: ID(m.id.to_string()),
            job_id: m.id,
            kind: m.kind.into(),
            status: m.status.to_string(),
            file_name: m.file_name,
            total_rows: m.total_rows,
            accepted_rows: m.accepted_rows,
            rejected_rows: m.rejected_rows,
            invalid_code_rows: m.invalid_code_rows,
            duplicate_code_rows: m.duplicate_code_rows,
            failure: m.failure,
            created_at: GqlDateTime(m.created_at),
            finished_at: m.finished_at.map(GqlDateTime),
        }
    }
}

/// Bureau staff see their institution's jobs; the admin sees all.
fn ensure_can_see(principal: &Principal, job: &import_job::Model) -> AppResult<()> {
    match principal.role {
        xyd_domain::Role::Admin => Ok(()),
        xyd_domain::Role::Bureau if job.institution_id == principal.institution_id => Ok(()),
        _ => Err(AppError::forbidden("无权查看该导入任务")),
    }
}

#[derive(Default)]
pub struct ImportQuery;

#[Object]
impl ImportQuery {
    async fn import_job(&self, ctx: &Context<'_>, id: ID) -> AppResult<Option<ImportJob>> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let id = id_arg(&id, "id")?;
        let Some(job) = job::find(state.db.conn(), id).await? else { return Ok(None) };
        ensure_can_see(principal, &job)?;
        Ok(Some(ImportJob::from_model(job)))
    }
}

#[derive(Default)]
pub struct ImportMutation;

#[Object]
impl ImportMutation {
    /// Import a CSV file (UTF-8, header row) into the bureau's jurisdiction. Answers when the job is done,
    /// or after a configurable wait with the job still RUNNING (poll `importJob`).
    async fn import_records(&self, ctx: &Context<'_>, kind: GqlImportKind, file: Upload) -> AppResult<ImportJob> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>().clone();
        let scope = Scope::of_bureau(state.db.conn(), principal).await?;
        let upload = file.value(ctx).map_err(|e| AppError::internal("read upload", e))?;
        let txn = state.db.begin_write().await?;
        let kind: ImportKind = kind.into();
        let created =
            job::create(&*txn, kind, &upload.filename, principal.institution_id, Some(principal.user_id)).await?;
        txn.commit().await?;
        let job_id = created.id;
        let options = RunOptions {
            batch_rows: state.config.imports.batch_rows,
            keep_errors: state.config.imports.stored_errors,
            report: None,
            progress: None,
        };
        let run_state = state.clone();
        let task =
            tokio::spawn(
                async move { super::run_kind(&run_state, job_id, kind, scope, upload.content, options).await },
            );
        // The import goes on in the background if the wait runs out.
        let _ = tokio::time::timeout(Duration::from_secs(state.config.imports.wait_secs), task).await;
        let job =
            job::find(state.db.conn(), job_id).await?.ok_or_else(|| AppError::internal("import job", "vanished"))?;
        Ok(ImportJob::from_model(job))
    }
}
