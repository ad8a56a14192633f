//! The streaming import runner. A blocking thread reads the file (CSV or XLSX, see `source`) and validates its
//! rows (memory stays flat: only the current batches are held), a bounded channel hands batches to the writer,
//! and the whole file is written in one transaction: whole or not at all (`../shared/contract/imports.md`).
//! Running an import again upserts the same natural keys, so the end state is exactly the file's rows.

use std::collections::HashMap;
use std::io::Write;
use std::ops::ControlFlow;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};

use sea_orm::DatabaseTransaction;
use tokio::sync::mpsc;
use xyd_domain::{ImportJobId, RowError};
use xyd_reasons::Reason;

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

    /// A batch's writes made ready (statements built, values hashed) by `prepare`.
    type Prepared: Send + 'static;

    /// Of a batch's accepted rows, those only the database can judge and refuses (which jurisdictions hold a
    /// code), with their reasons; the rest go on to `prepare`. Reads only, in the import's transaction, before
    /// the previous batch's writes run: a refusal must not depend on rows of the same file.
    fn refuse(
        writer: &Self::Writer,
        txn: &DatabaseTransaction,
        rows: Vec<(u64, Self::Row)>,
    ) -> impl std::future::Future<Output = AppResult<Refusals<Self::Row>>> + Send {
        let _ = (writer, txn);
        async { Ok(Refusals { accepted: rows, refused: Vec::new() }) }
    }

    /// The work of writing a batch that needs no database: run on a blocking thread while the previous batch's
    /// writes run, so the one transaction keeps the database busy.
    fn prepare(writer: &Self::Writer, job: ImportJobId, rows: Vec<(u64, Self::Row)>) -> Self::Prepared;

    /// Write a prepared batch within the import's transaction, after the batches before it. Rows that only the
    /// database can judge against what is written (who owns a record) may be refused here instead: they are
    /// returned with their reasons and must not have been written.
    fn write(
        writer: &Self::Writer,
        txn: &DatabaseTransaction,
        job: ImportJobId,
        batch: Self::Prepared,
    ) -> impl std::future::Future<Output = AppResult<Vec<(u64, RowError)>>> + Send;

    /// Work after the last batch, in the import's transaction (only when the whole file was read).
    fn finish(
        writer: &Self::Writer,
        txn: &DatabaseTransaction,
    ) -> impl std::future::Future<Output = AppResult<()>> + Send {
        let _ = (writer, txn);
        async { Ok(()) }
    }
}

/// A batch's rows split by `Importer::refuse`.
pub struct Refusals<R> {
    pub accepted: Vec<(u64, R)>,
    pub refused: Vec<(u64, RowError)>,
}

/// How to run an import.
pub struct RunOptions {
    /// Rows handed from the reader to the writer at once.
    pub batch_rows: usize,
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

/// A rejected row at `line`: counted with its code family (invalid codes, 重错码), reported, and returned to be
/// kept. The one way a row is rejected, by the reader or by the database.
fn reject(counts: &mut Counts, report: Option<&Report>, line: u64, err: RowError) -> RejectedRow {
    counts.rejected += 1;
    let (code, message) = (err.code(), err.message());
    match code {
        "INVALID_USCC" => counts.invalid_codes += 1,
        "DUPLICATE_USCC" | "CROSS_REGION_USCC" => counts.duplicate_codes += 1,
        _ => {}
    }
    if let Some(Ok(mut r)) = report.map(|r| r.lock()) {
        let _ = writeln!(r, "{line},{code},{}", csv_cell(&message));
    }
    RejectedRow { line, code, message }
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
            Err(err) => self.rejected.push(reject(&mut self.counts, report, line, err)),
        }
    }
}

type Message<R> = Result<Batch<R>, Reason>;

/// What the file's rows came to so far: the job's counters and the rejected rows it keeps.
#[derive(Default)]
struct Tally {
    counts: Counts,
    rejected: Vec<RejectedRow>,
}

/// Run `importer` over `source` for `job`, then mark the job finished (or failed). Returns the totals.
///
/// The whole file is applied in one transaction, committed only once the file has been read to its end: a file
/// that breaks midway (a corrupt workbook, a cut upload, a bound exceeded, a killed process) leaves nothing of
/// itself visible to any reader, on either database. Only the job's record says what was read before it broke.
pub async fn run<I: Importer>(
    db: &Db,
    job_id: ImportJobId,
    source: Source,
    importer: I,
    options: RunOptions,
) -> AppResult<Counts> {
    let writer = Arc::new(importer.writer());
    let keep = options.keep_errors;
    let mut so_far = Tally::default();
    let txn = db.begin_write().await?;
    let failure = match apply(&txn, job_id, source, importer, &writer, options, &mut so_far).await {
        Ok(Ok(())) => {
            I::finish(&writer, &txn).await?;
            job::close(&*txn, job_id, so_far.counts, &so_far.rejected, keep, None).await?;
            txn.commit().await?;
            return Ok(so_far.counts);
        }
        Ok(Err(failure)) => failure,
        Err(e) => {
            tracing::warn!(error = %e.message(), job = %job_id, "import write failed");
            Reason::WriteFailed
        }
    };
    drop(txn);
    // Nothing of the file was kept: the job says how far it was read and why it stopped.
    let txn = db.begin_write().await?;
    job::close(&*txn, job_id, so_far.counts, &so_far.rejected, keep, Some(&failure.message())).await?;
    txn.commit().await?;
    Err(AppError::input("file", failure))
}

/// Read the file on a blocking thread and write its batches in `txn` as they come, each batch prepared while the
/// one before it is written. `Ok(Err(_))` is a file that could not be read to its end, with the reason; `Err` a
/// database failure.
async fn apply<I: Importer>(
    txn: &DatabaseTransaction,
    job_id: ImportJobId,
    source: Source,
    importer: I,
    writer: &Arc<I::Writer>,
    options: RunOptions,
    so_far: &mut Tally,
) -> AppResult<Result<(), Reason>> {
    let (sender, mut receiver) = mpsc::channel::<Message<I::Row>>(2);
    let batch_rows = options.batch_rows.max(1);
    let report: Option<Report> = options.report.map(|r| Arc::new(Mutex::new(r)));
    let reader_report = report.clone();
    let progress = options.progress;
    let reader =
        tokio::task::spawn_blocking(move || read(source, importer, batch_rows, reader_report, progress, &sender));
    let keep = options.keep_errors;
    let mut pending: Option<I::Prepared> = None;
    // Dropping the receiver on a database failure ends the reader at its next batch.
    while let Some(message) = receiver.recv().await {
        let batch = match message {
            Ok(batch) => batch,
            Err(failure) => return Ok(Err(failure)),
        };
        add(&mut so_far.counts, batch.counts);
        so_far.keep(batch.rejected, keep);
        let Refusals { accepted, refused } = I::refuse(writer, txn, batch.rows).await?;
        so_far.refuse(refused, report.as_ref(), keep);
        let ready = {
            let writer = writer.clone();
            tokio::task::spawn_blocking(move || I::prepare(&writer, job_id, accepted))
        };
        let previous = async {
            match pending.take() {
                Some(prepared) => I::write(writer, txn, job_id, prepared).await,
                None => Ok(Vec::new()),
            }
        };
        let (refused, ready) = tokio::join!(previous, ready);
        so_far.refuse(refused?, report.as_ref(), keep);
        pending = Some(ready.map_err(|e| AppError::internal("import batch", e))?);
    }
    if let Some(prepared) = pending {
        let refused = I::write(writer, txn, job_id, prepared).await?;
        so_far.refuse(refused, report.as_ref(), keep);
    }
    reader.await.map_err(|e| AppError::internal("import reader", e))?;
    so_far.rejected.sort_by_key(|r| r.line);
    Ok(Ok(()))
}

impl Tally {
    /// Keep rejected rows, up to `keep` in all.
    fn keep(&mut self, rejected: Vec<RejectedRow>, keep: usize) {
        let room = keep.saturating_sub(self.rejected.len());
        self.rejected.extend(rejected.into_iter().take(room));
    }

    /// Rows the database refused after the reader accepted them: counted, reported and kept as rejected.
    fn refuse(&mut self, refused: Vec<(u64, RowError)>, report: Option<&Report>, keep: usize) {
        self.counts.accepted -= refused.len() as i64;
        let rejected = refused.into_iter().map(|(line, err)| reject(&mut self.counts, report, line, err)).collect();
        self.keep(rejected, keep);
    }
}

fn add(totals: &mut Counts, c: Counts) {
    totals.total += c.total;
    totals.accepted += c.accepted;
    totals.rejected += c.rejected;
    totals.invalid_codes += c.invalid_codes;
    totals.duplicate_codes += c.duplicate_codes;
}

/// The reader thread: read the file, validate and batch. Stops when the writer goes away.
fn read<I: Importer>(
    source: Source,
    importer: I,
    batch_rows: usize,
    report: Option<Report>,
    progress: Option<Arc<AtomicU64>>,
    writer: &mpsc::Sender<Message<I::Row>>,
) {
    let mut pipeline = Pipeline {
        importer,
        index: HashMap::new(),
        batch: Batch::with_capacity(batch_rows),
        batch_rows,
        report: report.as_ref(),
        writer,
    };
    let outcome = source.read_rows(progress, &mut pipeline);
    // The rows read before a break are counted too: the job says how far the file was read.
    if pipeline.batch.counts.total > 0 {
        let _ = writer.blocking_send(Ok(pipeline.batch));
    }
    if let Err(message) = outcome {
        let _ = writer.blocking_send(Err(message));
        return;
    }
    if let Some(Ok(mut r)) = report.as_ref().map(|r| r.lock()) {
        let _ = r.flush();
    }
}

/// Every row of every format goes through here: checked by the importer, counted, reported, batched.
struct Pipeline<'a, I: Importer> {
    importer: I,
    index: HashMap<String, usize>,
    /// The batch being filled.
    batch: Batch<I::Row>,
    batch_rows: usize,
    report: Option<&'a Report>,
    writer: &'a mpsc::Sender<Message<I::Row>>,
}

impl<I: Importer> RowSink for Pipeline<'_, I> {
    fn header(&mut self, names: &csv::StringRecord) -> Result<(), Reason> {
        self.index = header_index(names, self.importer.required_columns())?;
        if let Some(Ok(mut r)) = self.report.map(|r| r.lock()) {
            let _ = writeln!(r, "line,code,message");
        }
        Ok(())
    }

    fn row(&mut self, line: u64, row: Result<&csv::StringRecord, RowError>) -> ControlFlow<()> {
        let outcome = row.and_then(|record| self.importer.check(line, &Cells { record, index: &self.index }));
        self.batch.add(line, outcome, self.report);
        if self.batch.counts.total as usize >= self.batch_rows {
            let full = std::mem::replace(&mut self.batch, Batch::with_capacity(self.batch_rows));
            if self.writer.blocking_send(Ok(full)).is_err() {
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    }
}

/// Column positions by lower-cased name, or the reason the header cannot be used.
fn header_index(header: &csv::StringRecord, required: &[&str]) -> Result<HashMap<String, usize>, Reason> {
    let index: HashMap<String, usize> =
        header.iter().enumerate().map(|(i, name)| (name.trim().to_lowercase(), i)).collect();
    let missing: Vec<&str> = required.iter().copied().filter(|c| !index.contains_key(*c)).collect();
    if missing.is_empty() { Ok(index) } else { Err(Reason::MissingColumns { columns: missing.join(", ") }) }
}

fn csv_cell(text: &str) -> String {
    if text.contains([',', '"', '\n']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_string() }
}
