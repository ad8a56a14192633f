//! The streaming import runner. A blocking thread reads the file (CSV or XLSX, see `source`) and validates its
//! rows (memory stays flat: only the current batches are held), bounded channels hand batches to the async
//! writers, and each batch is one transaction that upserts its rows and advances the job's counters. Killing an
//! import midway leaves whole batches; running it again upserts the same natural keys, so the end state is
//! exactly the file's rows.
//!
//! On PostgreSQL an importer whose rows name a key may be written by several transactions at once (its
//! *lanes*): a row goes to the lane its key picks, so the rows of one key are still written in file order, and
//! two lanes never touch the same rows (no lock waits between them, no deadlock). Only the job's counter row is
//! shared, updated last in each transaction.

use std::collections::HashMap;
use std::io::Write;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use sea_orm::DatabaseTransaction;
use tokio::sync::mpsc;
use xyd_domain::{ImportJobId, RowError};

use super::job::{self, Counts, RejectedRow};
use super::source::{RowSink, Source, SourceOptions};
use crate::db::Db;
use crate::error::{AppError, AppResult};

/// The cells of one row (of a CSV file or a sheet), by lower-cased header name.
pub struct Cells<'r> {
    record: &'r csv::StringRecord,
    index: &'r HashMap<String, usize>,
}

impl<'r> Cells<'r> {
    pub fn get(&self, column: &str) -> Option<&'r str> {
        self.index.get(column).and_then(|i| self.record.get(*i))
    }
}

/// One kind of import: how rows are validated (on the reader thread) and written (in a transaction).
pub trait Importer: Send + 'static {
    type Row: Send + 'static;
    /// What `write` needs, taken from the importer before it moves to the reader thread.
    type Writer: Send + Sync + 'static;

    fn writer(&self) -> Self::Writer;

    /// Columns the header must name.
    fn required_columns(&self) -> &'static [&'static str];

    /// Validate one row; `line` is its line in the file (the header is line 1).
    fn check(&mut self, line: u64, cells: &Cells<'_>) -> Result<Self::Row, RowError>;

    /// The key whose rows must be written in file order; rows of different keys may be written by concurrent
    /// transactions. The default keeps every row on one lane.
    fn lane_key(row: &Self::Row) -> u64 {
        let _ = row;
        0
    }

    /// Write accepted rows (with their lines) within the batch's transaction. Rows that only the database can
    /// judge (who owns a record, which jurisdictions hold a code) are refused here instead: they are returned
    /// with their reasons and must not have been written.
    fn write(
        writer: &Self::Writer,
        txn: &DatabaseTransaction,
        job: ImportJobId,
        rows: Vec<(u64, Self::Row)>,
    ) -> impl std::future::Future<Output = AppResult<Vec<(u64, RowError)>>> + Send;

    /// Work after the last batch, in the transaction that closes the job (whether it succeeded or not).
    fn finish(
        writer: &Self::Writer,
        txn: &DatabaseTransaction,
    ) -> impl std::future::Future<Output = AppResult<()>> + Send {
        let _ = (writer, txn);
        async { Ok(()) }
    }
}

/// How to run an import.
pub struct RunOptions {
    pub batch_rows: usize,
    /// Concurrent write transactions (lanes) on PostgreSQL; SQLite writes one at a time.
    pub writers: usize,
    /// Rejected rows kept in the database per job.
    pub keep_errors: usize,
    /// Where every rejected row is written as CSV (`line,code,message`), if anywhere.
    pub report: Option<Box<dyn Write + Send>>,
    /// Bytes read so far, for a progress bar.
    pub progress: Option<Arc<AtomicU64>>,
    /// The file's format and encoding, where the caller names them (else they are detected).
    pub source: SourceOptions,
}

/// Where every rejected row is reported, shared by the reader (invalid rows) and the writer (rows the
/// database refused).
type Report = Arc<Mutex<Box<dyn Write + Send>>>;

fn report_line(report: Option<&Report>, line: u64, err: &RowError) {
    if let Some(Ok(mut r)) = report.map(|r| r.lock()) {
        let _ = writeln!(r, "{line},{},{}", err.code, csv_cell(&err.message));
    }
}

/// Count a rejection, and its code family (invalid codes, 重错码).
fn tally(counts: &mut Counts, code: &str) {
    counts.rejected += 1;
    match code {
        "INVALID_USCC" => counts.invalid_codes += 1,
        "DUPLICATE_USCC" | "CROSS_REGION_USCC" => counts.duplicate_codes += 1,
        _ => {}
    }
}

struct Batch<R> {
    rows: Vec<(u64, R)>,
    rejected: Vec<RejectedRow>,
    counts: Counts,
}

impl<R> Batch<R> {
    fn with_capacity(rows: usize) -> Self {
        Self { rows: Vec::with_capacity(rows), rejected: Vec::new(), counts: Counts::default() }
    }

    /// Count a checked row: keep it, or note (and report) why it was rejected.
    fn add(&mut self, line: u64, outcome: Result<R, RowError>, report: Option<&Report>) {
        self.counts.total += 1;
        match outcome {
            Ok(row) => {
                self.counts.accepted += 1;
                self.rows.push((line, row));
            }
            Err(err) => {
                tally(&mut self.counts, err.code);
                report_line(report, line, &err);
                self.rejected.push(RejectedRow { line, code: err.code, message: err.message });
            }
        }
    }
}

type Message<R> = Result<Batch<R>, String>;

/// Run `importer` over `source` for `job`, then mark the job finished (or failed). Returns the totals.
pub async fn run<I: Importer>(
    db: &Db,
    job_id: ImportJobId,
    source: Source,
    importer: I,
    options: RunOptions,
) -> AppResult<Counts> {
    let writer = importer.writer();
    let result = write_batches(db, job_id, source, importer, &writer, options).await;
    let txn = db.begin_write().await?;
    I::finish(&writer, &txn).await?;
    match &result {
        Ok(_) => job::finish(&*txn, job_id, None).await?,
        Err(failure) => job::finish(&*txn, job_id, Some(failure)).await?,
    }
    txn.commit().await?;
    result.map_err(|failure| AppError::bad_input("file", "IMPORT_FAILED", failure))
}

async fn write_batches<I: Importer>(
    db: &Db,
    job_id: ImportJobId,
    source: Source,
    importer: I,
    writer: &I::Writer,
    options: RunOptions,
) -> Result<Counts, String> {
    let lanes = if db.backend() == sea_orm::DatabaseBackend::Postgres { options.writers.max(1) } else { 1 };
    let (senders, receivers): (Vec<_>, Vec<_>) = (0..lanes).map(|_| mpsc::channel::<Message<I::Row>>(2)).unzip();
    let batch_rows = options.batch_rows.max(1);
    let report: Option<Report> = options.report.map(|r| Arc::new(Mutex::new(r)));
    let reader_report = report.clone();
    let reader = tokio::task::spawn_blocking(move || {
        read(source, importer, batch_rows, reader_report, options.progress, &senders)
    });
    let kept = AtomicUsize::new(0);
    let lane: Lane<'_, I> =
        Lane { db, job_id, writer, report: report.as_ref(), keep_errors: options.keep_errors, kept: &kept };
    // The first lane to fail ends the others (their open transactions roll back) and, by dropping its
    // receiver, the reader.
    let written = futures::future::try_join_all(receivers.into_iter().map(|rx| lane.write(rx))).await;
    let lane_totals = match written {
        Ok(totals) => totals,
        Err(e) => {
            tracing::warn!(error = %e.message(), job = %job_id, "import batch failed");
            return Err("写入数据库失败，导入已中止；已写入的批次保留，重新导入即可补齐".to_string());
        }
    };
    reader.await.map_err(|e| format!("导入线程异常: {e}"))?;
    let mut totals = Counts::default();
    for lane_counts in lane_totals {
        add(&mut totals, lane_counts?);
    }
    Ok(totals)
}

/// What every lane shares.
struct Lane<'a, I: Importer> {
    db: &'a Db,
    job_id: ImportJobId,
    writer: &'a I::Writer,
    report: Option<&'a Report>,
    keep_errors: usize,
    /// Rejected rows stored for the job so far, over all lanes.
    kept: &'a AtomicUsize,
}

impl<I: Importer> Lane<'_, I> {
    /// Write the batches of one lane in order, each in its own transaction. A file the reader cannot read ends
    /// the lane with the reader's message (`Ok(Err(_))`); a database failure is `Err`.
    async fn write(&self, mut rx: mpsc::Receiver<Message<I::Row>>) -> AppResult<Result<Counts, String>> {
        let mut totals = Counts::default();
        while let Some(message) = rx.recv().await {
            let mut batch = match message {
                Ok(batch) => batch,
                Err(failure) => return Ok(Err(failure)),
            };
            let txn = self.db.begin_write().await?;
            let refused = I::write(self.writer, &txn, self.job_id, batch.rows).await?;
            for (line, err) in refused {
                batch.counts.accepted -= 1;
                tally(&mut batch.counts, err.code);
                report_line(self.report, line, &err);
                batch.rejected.push(RejectedRow { line, code: err.code, message: err.message });
            }
            batch.rejected.sort_by_key(|r| r.line);
            let keep = self.reserve(batch.rejected.len());
            job::record_batch(&*txn, self.job_id, batch.counts, &batch.rejected, keep).await?;
            txn.commit().await?;
            add(&mut totals, batch.counts);
        }
        Ok(Ok(totals))
    }

    /// How many of `rejected` new rejected rows may still be stored, counted as stored.
    fn reserve(&self, rejected: usize) -> usize {
        let before = self
            .kept
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |kept| {
                Some(kept + rejected.min(self.keep_errors.saturating_sub(kept)))
            })
            .unwrap_or(self.keep_errors);
        rejected.min(self.keep_errors.saturating_sub(before))
    }
}

fn add(totals: &mut Counts, c: Counts) {
    totals.total += c.total;
    totals.accepted += c.accepted;
    totals.rejected += c.rejected;
    totals.invalid_codes += c.invalid_codes;
    totals.duplicate_codes += c.duplicate_codes;
}

/// The reader thread: read the file, validate and batch by lane. Stops when a writer goes away.
fn read<I: Importer>(
    source: Source,
    importer: I,
    batch_rows: usize,
    report: Option<Report>,
    progress: Option<Arc<AtomicU64>>,
    lanes: &[mpsc::Sender<Message<I::Row>>],
) {
    let mut pipeline = Pipeline {
        importer,
        index: HashMap::new(),
        batches: lanes.iter().map(|_| Batch::with_capacity(batch_rows)).collect(),
        batch_rows,
        report: report.as_ref(),
        lanes,
    };
    if let Err(message) = source.read_rows(progress, &mut pipeline) {
        if let Some(first) = lanes.first() {
            let _ = first.blocking_send(Err(message));
        }
        return;
    }
    for (lane, batch) in lanes.iter().zip(pipeline.batches) {
        if batch.counts.total > 0 {
            let _ = lane.blocking_send(Ok(batch));
        }
    }
    if let Some(Ok(mut r)) = report.as_ref().map(|r| r.lock()) {
        let _ = r.flush();
    }
}

/// Every row of every format goes through here: checked by the importer, counted, reported, batched.
struct Pipeline<'a, I: Importer> {
    importer: I,
    index: HashMap<String, usize>,
    /// The batch being filled for each lane.
    batches: Vec<Batch<I::Row>>,
    batch_rows: usize,
    report: Option<&'a Report>,
    lanes: &'a [mpsc::Sender<Message<I::Row>>],
}

impl<I: Importer> RowSink for Pipeline<'_, I> {
    fn header(&mut self, names: &csv::StringRecord) -> Result<(), String> {
        self.index = header_index(names, self.importer.required_columns())?;
        if let Some(Ok(mut r)) = self.report.map(|r| r.lock()) {
            let _ = writeln!(r, "line,code,message");
        }
        Ok(())
    }

    fn row(&mut self, line: u64, row: Result<&csv::StringRecord, RowError>) -> ControlFlow<()> {
        let outcome = row.and_then(|record| self.importer.check(line, &Cells { record, index: &self.index }));
        // A rejected row writes nothing but the job's counters: any lane may record it.
        let key = outcome.as_ref().map_or(line, I::lane_key);
        let lane = usize::try_from(key % self.lanes.len() as u64).unwrap_or(0);
        let batch = &mut self.batches[lane];
        batch.add(line, outcome, self.report);
        if batch.counts.total as usize >= self.batch_rows {
            let full = std::mem::replace(batch, Batch::with_capacity(self.batch_rows));
            if self.lanes[lane].blocking_send(Ok(full)).is_err() {
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    }
}

/// Column positions by lower-cased name, or the reason the header cannot be used.
fn header_index(header: &csv::StringRecord, required: &[&str]) -> Result<HashMap<String, usize>, String> {
    let index: HashMap<String, usize> =
        header.iter().enumerate().map(|(i, name)| (name.trim().to_lowercase(), i)).collect();
    let missing: Vec<&str> = required.iter().copied().filter(|c| !index.contains_key(*c)).collect();
    if missing.is_empty() { Ok(index) } else { Err(format!("表头缺少必需列：{}", missing.join(", "))) }
}

fn csv_cell(text: &str) -> String {
    if text.contains([',', '"', '\n']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_string() }
}
