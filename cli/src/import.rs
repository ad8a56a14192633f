//! `xinyidai import <kind> FILE`: the same import as the GraphQL upload (CSV in UTF-8 or GB18030/GBK, or an
//! XLSX workbook), with a progress bar, a summary in Chinese and a report file listing every rejected row.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use xinyidai::error::AppError;
use xinyidai::imports::job::{self, Counts};
use xinyidai::imports::runner::RunOptions;
use xinyidai::imports::source::SourceOptions;
use xinyidai::institutions::Scope;
use xinyidai::state::AppState;
use xyd_domain::{ImportJobId, ImportKind};

/// Rejected rows shown after the summary (the report file has them all).
const SHOWN_ERRORS: u64 = 10;

/// How `import` runs besides the file itself.
#[derive(Default)]
pub struct ImportOptions {
    /// Reject rows outside this region code prefix (a bureau's jurisdiction).
    pub region: Option<String>,
    /// Where every rejected row goes (default: `FILE.rejected.csv`).
    pub report: Option<PathBuf>,
    /// The file's format and encoding where the operator names them; detected otherwise.
    pub source: SourceOptions,
}

/// Import `file`, format and encoding detected; rows outside `region` (when given) are rejected. Rejected
/// rows go to `report` (default: `FILE.rejected.csv`).
pub async fn import_file(
    state: &AppState,
    kind: ImportKind,
    file: &Path,
    region: Option<&str>,
    report: Option<PathBuf>,
) -> anyhow::Result<()> {
    let options = ImportOptions { region: region.map(str::to_string), report, source: SourceOptions::default() };
    import_file_with(state, kind, file, options).await
}

/// Import `file` as `options` say.
pub async fn import_file_with(
    state: &AppState,
    kind: ImportKind,
    file: &Path,
    options: ImportOptions,
) -> anyhow::Result<()> {
    let ImportOptions { region, report, source: source_options } = options;
    let scope = match region.as_deref() {
        Some(r) => Scope::Within(xinyidai::regions::parse_area(r).map_err(|e| anyhow::anyhow!("--region: {e}"))?),
        None => Scope::All,
    };
    let source = File::open(file).with_context(|| format!("无法打开文件 {}", file.display()))?;
    let size = source.metadata().map(|m| m.len()).unwrap_or(0);
    let report_path = report.unwrap_or_else(|| default_report(file));
    let report_file =
        File::create(&report_path).with_context(|| format!("无法创建报告文件 {}", report_path.display()))?;

    let name = file.file_name().map_or_else(|| file.display().to_string(), |n| n.to_string_lossy().into_owned());
    let txn = state.db.begin_write().await.map_err(|e| anyhow::anyhow!(e))?;
    let created = job::create(&*txn, kind, &name, None, None).await.map_err(crate::commands::operator)?;
    txn.commit().await?;

    let progress = Arc::new(AtomicU64::new(0));
    let (bar, ticker) = progress_bar(size, progress.clone());
    let options = RunOptions {
        batch_rows: state.config.imports.batch_rows,
        keep_errors: state.config.imports.stored_errors,
        report: Some(Box::new(BufWriter::new(report_file))),
        progress: Some(progress),
        source: source_options,
    };
    let outcome = xinyidai::imports::run_kind(state, created.id, kind, scope, source, options).await;
    ticker.abort();
    bar.finish_and_clear();
    let counts = outcome.map_err(|e| anyhow::anyhow!("导入失败（{name}，任务 {}）：{}", created.id, failure(&e)))?;
    print_summary(state, created.id, &name, counts, &report_path).await
}

/// Why an import failed, for the operator: the job's reason, or an internal error's cause.
fn failure(e: &AppError) -> String {
    match e {
        AppError::Internal(_) => e.operator_message(),
        other => other.message(),
    }
}

/// The totals in Chinese, then the first rejected rows with their line numbers, codes and reasons.
async fn print_summary(
    state: &AppState,
    job_id: ImportJobId,
    name: &str,
    counts: Counts,
    report_path: &Path,
) -> anyhow::Result<()> {
    println!("导入完成：{name}（任务 {job_id}）");
    println!("  总行数 {}，导入 {}，拒绝 {}", counts.total, counts.accepted, counts.rejected);
    println!(
        "  统一社会信用代码无效 {} 行，重错码 {} 行，重错码率 {}",
        counts.invalid_codes,
        counts.duplicate_codes,
        rate_text(&counts)
    );
    if counts.rejected == 0 {
        println!("  没有被拒绝的行（报告文件：{}）", report_path.display());
        return Ok(());
    }
    println!("  被拒绝的行全部列在：{}", report_path.display());
    let shown = job::errors(state.db.conn(), job_id, SHOWN_ERRORS).await.map_err(crate::commands::operator)?;
    let more =
        if counts.rejected as u64 > SHOWN_ERRORS { format!("（前 {SHOWN_ERRORS} 行）") } else { String::new() };
    println!("被拒绝的行{more}：");
    for e in shown {
        println!("  第{}行  {}  {}", e.line, e.code, e.message);
    }
    Ok(())
}

/// `FILE.rejected.csv` beside the imported file.
fn default_report(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".rejected.csv");
    PathBuf::from(name)
}

/// A progress bar over `size` bytes, and the task that moves it to the bytes `progress` says were read.
fn progress_bar(size: u64, progress: Arc<AtomicU64>) -> (ProgressBar, tokio::task::JoinHandle<()>) {
    let bar = ProgressBar::new(size).with_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let ticker = {
        let bar = bar.clone();
        tokio::spawn(async move {
            loop {
                bar.set_position(progress.load(Ordering::Relaxed));
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        })
    };
    (bar, ticker)
}

/// The 重错码率 of an import as a person reads it: a percentage with two decimals, "—" for an empty file.
pub fn rate_text(counts: &Counts) -> String {
    counts.erroneous_code_rate().map_or_else(|| "—".to_string(), |rate| format!("{:.2}%", rate * 100.0))
}
