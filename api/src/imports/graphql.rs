//! GraphQL: `importRecords` (bureau upload) and `importJob`.

use std::time::Duration;

use async_graphql::{ComplexObject, Context, Enum, ID, Object, SimpleObject, Upload};
use xyd_domain::registry::erroneous_code_rate;

use super::entity::import_job;
use super::job;
use super::runner::RunOptions;
use super::source::{Encoding, SourceOptions};
use crate::auth::Principal;
use crate::auth::principal::require_principal;
use crate::error::{AppError, AppResult};
use crate::graphql::{GqlDateTime, GqlImportKind, id_arg};
use crate::institutions::Scope;
use crate::state::AppState;
use xyd_domain::{ImportJobId, ImportKind};

/// 导入任务 (import job)：一次文件导入及其目前的结果。
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ImportJob {
    /// 导入任务 ID。
    pub id: ID,
    #[graphql(skip)]
    pub job_id: ImportJobId,
    /// 导入的数据种类：存续主体名录、信用信息或纳税信用。
    pub kind: GqlImportKind,
    /// 状态：RUNNING（进行中）、COMPLETED（已完成）或 FAILED（失败，原因见 `failure`）。
    pub status: String,
    /// 上传的文件名。
    pub file_name: String,
    /// 已读取的数据行数（不含表头与空行）。
    pub total_rows: i64,
    /// 已导入（校验通过并写入）的行数。
    pub accepted_rows: i64,
    /// 被拒绝的行数；每行的行号、原因代码与说明见 `errors`。
    pub rejected_rows: i64,
    /// 统一社会信用代码无效的行数 (invalid USCC rows)。
    pub invalid_code_rows: i64,
    /// 重错码行数：同一名录中代码相同而名称不同，或代码已在其他辖区的最新名录中。
    pub duplicate_code_rows: i64,
    /// 任务失败的原因（文件无法读取、表头缺列、写入失败等），仅 FAILED 时有值。
    pub failure: Option<String>,
    /// 任务开始时间。
    pub created_at: GqlDateTime,
    /// 任务结束时间；进行中为 null。
    pub finished_at: Option<GqlDateTime>,
}

/// 被拒绝的一行 (a rejected row)。
#[derive(SimpleObject)]
pub struct ImportError {
    /// 行号：CSV 文件中的行号，或 XLSX 工作表的行号（表头为第1行），与 Excel 中看到的一致。
    pub line: i64,
    /// 原因代码（英文，稳定不变），如 `INVALID_USCC`、`DUPLICATE_USCC`、`INVALID_ROW`。
    pub code: String,
    /// 原因说明（中文）。
    pub message: String,
}

/// CSV 文件的编码 (character encoding)。XLSX 工作簿不使用此项。
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(name = "ImportEncoding")]
pub enum GqlImportEncoding {
    /// UTF-8（带或不带 BOM）。
    #[graphql(name = "UTF8")]
    Utf8,
    /// GB18030，包含 GBK 与 GB2312：中文 Windows 与 Excel“另存为 CSV”保存的文件多为此编码。
    #[graphql(name = "GB18030")]
    Gb18030,
}

impl From<GqlImportEncoding> for Encoding {
    fn from(e: GqlImportEncoding) -> Self {
        match e {
            GqlImportEncoding::Utf8 => Self::Utf8,
            GqlImportEncoding::Gb18030 => Self::Gb18030,
        }
    }
}

#[ComplexObject]
impl ImportJob {
    /// 重错码率 (erroneous code rate)：(代码无效行数 + 重错码行数) / 总行数；空文件为 null。
    async fn erroneous_code_rate(&self) -> Option<f64> {
        erroneous_code_rate(self.total_rows, self.invalid_code_rows + self.duplicate_code_rows)
    }

    /// 被拒绝的行，按行号排列（最多100行；任务最多保存前1,000行，命令行导入的报告文件列出全部）。
    async fn errors(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 100, desc = "返回的行数，1–100。")] first: i32,
    ) -> AppResult<Vec<ImportError>> {
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
    /// 查询一个导入任务 (import job)：主管部门工作人员可查看本机构的任务，平台管理员可查看全部。
    async fn import_job(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "导入任务 ID（`importRecords` 返回的 `id`）。")] id: ID,
    ) -> AppResult<Option<ImportJob>> {
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
    /// 数据归集 (import records)：主管部门上传文件，导入本辖区的数据。接受 CSV（UTF-8，带或不带 BOM；或
    /// GB18030/GBK）与 XLSX 工作簿（读取第一个工作表，第1行为表头，列名与 CSV 相同）；格式按内容识别。
    /// 每行单独校验：合格的行按自然键写入，不合格的行连同行号、原因代码与说明列入 `errors`。任务完成后
    /// 返回；超过等待时间（默认20秒）则返回仍为 RUNNING 的任务，请用 `importJob` 查询进度。
    async fn import_records(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "导入的数据种类：REGISTRY（存续主体名录）、CREDIT（信用信息）或 TAX（纳税信用）。")]
        kind: GqlImportKind,
        #[graphql(desc = "上传的文件（GraphQL multipart 请求）：CSV 或 XLSX。")] file: Upload,
        #[graphql(desc = "CSV 文件的编码。不传时自动识别：带 UTF-8 BOM、或开头 64 KiB 是合法的 UTF-8，按 \
                          UTF-8 读取，否则按 GB18030 读取。GBK、GB2312 文件请选 GB18030。XLSX 文件忽略此项。")]
        encoding: Option<GqlImportEncoding>,
    ) -> AppResult<ImportJob> {
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
            source: SourceOptions { format: None, encoding: encoding.map(Into::into) },
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
