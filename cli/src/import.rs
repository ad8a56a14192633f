//! `xinyidai import <kind> FILE`: the same import as the GraphQL upload, with a progress bar and a
//! report file listing every rejected row.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use xyd_domain::RegionPrefix;

use xinyidai::imports::job;
use xinyidai::imports::runner::RunOptions;
use xinyidai::institutions::Scope;
use xinyidai::state::AppState;
use xyd_domain::ImportKind;

/// Import `file`; rows outside `region` (when given) are rejected. Rejected rows go to `report`
/// (default: `FILE.rejected.csv`).
pub async fn import_file(
    state: &AppState,
    kind: ImportKind,
    file: &Path,
    region: Option<&str>,
    report: Option<PathBuf>,
) -> anyhow::Result<()> {
    let scope = match region {
        Some(r) => Scope::Within(RegionPrefix::parse(r).map_err(|e| anyhow::anyhow!("--region: {e}"))?),
        None => Scope::All,
    };
    let source = File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    let size = source.metadata().map(|m| m.len()).unwrap_or(0);
    let report_path = report.unwrap_or_else(|| default_report(file));
    let report_file = File::create(&report_path).with_context(|| format!("cannot create {}", report_path.display()))?;

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
    };
    let outcome = xinyidai::imports::run_kind(state, created.id, kind, scope, source, options).await;
    ticker.abort();
    bar.finish_and_clear();
    let counts = outcome.map_err(crate::commands::operator)?;
    println!(
        "job {}: {} rows, {} accepted, {} rejected ({} invalid codes, {} duplicate codes); rejected rows in {}",
        created.id,
        counts.total,
        counts.accepted,
        counts.rejected,
        counts.invalid_codes,
        counts.duplicate_codes,
        report_path.display()
    );
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
