//! What an import reads, as bureaus have it: CSV in UTF-8 (with or without a BOM) or in GB18030 (which
//! contains GBK and GB2312: what Chinese Windows saves), or the first sheet of an XLSX workbook. Whatever the
//! file, the row pipeline sees the same thing: a header of column names, then rows of text cells, each with
//! its line number: the CSV line, or the sheet's row number, so a report agrees with what the user sees in
//! Excel. Nothing holds the whole file: CSV is decoded while it streams, a sheet is read cell by cell.

use std::fs::File;
use std::io::{self, Cursor, Read, Seek, SeekFrom, Write};
use std::ops::ControlFlow;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use calamine::{DataRef, ExcelDateTime, Reader, Xlsx, XlsxError};
use csv::StringRecord;
use xyd_domain::RowError;
use xyd_reasons::Reason;

use crate::config::ImportBounds;

/// How many leading bytes decide the format and the encoding.
const SNIFF_BYTES: u64 = 64 * 1024;
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
/// Every ZIP archive, so every XLSX workbook, starts with a local file header.
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// The OLE2 compound file: legacy `.xls` workbooks, and XLSX workbooks encrypted with an open password.
const OLE2_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// 文件编码: how a CSV file's bytes are text. XLSX is always Unicode and ignores it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// GB18030, which contains GBK and GB2312.
    Gb18030,
}

/// 文件格式.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    /// The first sheet of an Excel workbook (Office Open XML).
    Xlsx,
}

/// What the caller says about a file; whatever it leaves out is detected from the content.
#[derive(Clone, Copy, Debug, Default)]
pub struct SourceOptions {
    pub format: Option<Format>,
    pub encoding: Option<Encoding>,
}

/// A reader that can also seek (a file, bytes in memory).
pub trait ReadSeek: Read + Seek + Send {}
impl<T: Read + Seek + Send> ReadSeek for T {}

/// The bytes of an import.
pub enum Input {
    /// A file (an upload is spooled to one already) or bytes in memory: a workbook is read in place.
    Seekable(Box<dyn ReadSeek>),
    /// A one-pass stream: a workbook is spooled to a temporary file first (within the byte limit).
    Stream(Box<dyn Read + Send>),
}

impl Input {
    pub fn stream(reader: impl Read + Send + 'static) -> Self {
        Self::Stream(Box::new(reader))
    }
}

impl From<File> for Input {
    fn from(file: File) -> Self {
        Self::Seekable(Box::new(file))
    }
}

impl From<Vec<u8>> for Input {
    fn from(bytes: Vec<u8>) -> Self {
        Self::Seekable(Box::new(Cursor::new(bytes)))
    }
}

/// Receives a file's header, then its rows in order.
pub(crate) trait RowSink {
    /// The column names (row 1), or why the file cannot be imported.
    fn header(&mut self, names: &StringRecord) -> Result<(), Reason>;
    /// One row at `line`, or why it cannot be read. `Break` stops the reading.
    fn row(&mut self, line: u64, row: Result<&StringRecord, RowError>) -> ControlFlow<()>;
}

/// An import's file with what is known of it.
pub struct Source {
    input: Input,
    options: SourceOptions,
    /// The most a one-pass stream may hold when it must be spooled.
    max_bytes: u64,
    /// What a workbook may inflate to, rows, cells and CSV lines.
    bounds: ImportBounds,
}

impl Source {
    pub fn new(input: Input, options: SourceOptions, max_bytes: u64, bounds: ImportBounds) -> Self {
        Self { input, options, max_bytes, bounds }
    }

    /// Hand the header and every row to `sink` (blocking I/O: run it off the async runtime). `progress` follows
    /// the bytes of the file read so far. An error is about the whole file, in Chinese, for the job's `failure`.
    pub(crate) fn read_rows(self, progress: Option<Arc<AtomicU64>>, sink: &mut impl RowSink) -> Result<(), Reason> {
        let Source { input, options, max_bytes, bounds } = self;
        let progress = Progress(progress);
        match input {
            Input::Seekable(mut file) => {
                let size = file.seek(SeekFrom::End(0)).map_err(|e| read_failed(&e))?;
                file.seek(SeekFrom::Start(0)).map_err(|e| read_failed(&e))?;
                let head = read_head(&mut file)?;
                match format_of(&head, options.format)? {
                    Format::Csv => read_csv(head, file, options.encoding, &bounds, &progress, sink),
                    Format::Xlsx => {
                        file.seek(SeekFrom::Start(0)).map_err(|e| read_failed(&e))?;
                        read_xlsx(file, size, &bounds, &progress, sink)
                    }
                }
            }
            Input::Stream(mut stream) => {
                let head = read_head(&mut stream)?;
                match format_of(&head, options.format)? {
                    Format::Csv => read_csv(head, stream, options.encoding, &bounds, &progress, sink),
                    Format::Xlsx => {
                        let (file, size) = spool(head, stream, max_bytes)?;
                        read_xlsx(file, size, &bounds, &progress, sink)
                    }
                }
            }
        }
    }
}

/// The bytes read so far, for a progress bar.
#[derive(Clone)]
struct Progress(Option<Arc<AtomicU64>>);

impl Progress {
    fn set(&self, bytes: u64) {
        if let Some(p) = &self.0 {
            p.store(bytes, Ordering::Relaxed);
        }
    }

    fn add(&self, bytes: u64) {
        if let Some(p) = &self.0 {
            p.fetch_add(bytes, Ordering::Relaxed);
        }
    }
}

/// A reader that counts what passes through it.
struct Counted<R> {
    inner: R,
    progress: Progress,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.add(n as u64);
        Ok(n)
    }
}

fn read_failed(e: &io::Error) -> Reason {
    tracing::warn!(error = %e, "reading an import file failed");
    Reason::ReadFailed
}

fn read_head(input: &mut impl Read) -> Result<Vec<u8>, Reason> {
    let mut head = Vec::with_capacity(SNIFF_BYTES as usize);
    input.take(SNIFF_BYTES).read_to_end(&mut head).map_err(|e| read_failed(&e))?;
    Ok(head)
}

/// The format named by the caller, else by the content: a ZIP archive is a workbook, anything else CSV.
fn format_of(head: &[u8], chosen: Option<Format>) -> Result<Format, Reason> {
    if let Some(format) = chosen {
        return Ok(format);
    }
    if head.starts_with(ZIP_MAGIC) {
        return Ok(Format::Xlsx);
    }
    if head.starts_with(OLE2_MAGIC) {
        return Err(Reason::OldOrEncryptedWorkbook);
    }
    Ok(Format::Csv)
}

/// The encoding named by the caller, else a UTF-8 BOM, else whether the head is valid UTF-8: GBK text is
/// practically never valid UTF-8, and a character cut at the end of the head is no evidence against it.
fn encoding_of(head: &[u8], chosen: Option<Encoding>) -> Encoding {
    if let Some(encoding) = chosen {
        return encoding;
    }
    if head.starts_with(UTF8_BOM) {
        return Encoding::Utf8;
    }
    match std::str::from_utf8(head) {
        Ok(_) => Encoding::Utf8,
        Err(e) if e.error_len().is_none() => Encoding::Utf8,
        Err(_) => Encoding::Gb18030,
    }
}

const NOT_UTF8_HINT: &str = "若文件由中文 Windows/Excel 保存（GBK/GB18030 编码），请将编码指定为 GB18030 后重新导入";

// ---- CSV ----

/// A CSV file: `head` (already read) then `rest`, decoded to UTF-8 as it streams.
fn read_csv(
    head: Vec<u8>,
    rest: impl Read,
    chosen: Option<Encoding>,
    bounds: &ImportBounds,
    progress: &Progress,
    sink: &mut impl RowSink,
) -> Result<(), Reason> {
    progress.set(head.len() as u64);
    let encoding = encoding_of(&head, chosen);
    let bom = if encoding == Encoding::Utf8 && head.starts_with(UTF8_BOM) { UTF8_BOM.len() as u64 } else { 0 };
    let mut head = Cursor::new(head);
    head.set_position(bom);
    let raw = Lines::new(head.chain(Counted { inner: rest, progress: progress.clone() }), bounds.cell_bytes);
    match encoding {
        Encoding::Utf8 => csv_rows(raw, encoding, sink),
        Encoding::Gb18030 => csv_rows(Decoded::new(raw, encoding_rs::GB18030), encoding, sink),
    }
}

/// A reader that fails once a line runs longer than `limit` bytes: the CSV reader would hold it whole.
struct Lines<R> {
    inner: R,
    limit: u64,
    run: u64,
}

/// The error `Lines` fails with.
#[derive(Debug)]
struct LineTooLong(u64);

impl std::fmt::Display for LineTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a line longer than {} bytes", self.0)
    }
}

impl std::error::Error for LineTooLong {}

impl<R: Read> Lines<R> {
    fn new(inner: R, limit: u64) -> Self {
        Self { inner, limit, run: 0 }
    }
}

impl<R: Read> Read for Lines<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &b in &buf[..n] {
            self.run = if b == b'\n' { 0 } else { self.run + 1 };
            if self.run > self.limit {
                return Err(io::Error::new(io::ErrorKind::InvalidData, LineTooLong(self.limit)));
            }
        }
        Ok(n)
    }
}

/// Why reading a CSV file stopped at `line`: a line over the bound, or the file itself.
fn csv_failure(e: &csv::Error, line: u64) -> Reason {
    let too_long = match e.kind() {
        csv::ErrorKind::Io(io) => io.get_ref().and_then(|inner| inner.downcast_ref::<LineTooLong>()),
        _ => None,
    };
    match too_long {
        Some(LineTooLong(limit)) => Reason::LineTooLong { line, kb: limit / 1024 },
        None => Reason::ReadFailedAt { line },
    }
}

fn csv_rows(text: impl Read, encoding: Encoding, sink: &mut impl RowSink) -> Result<(), Reason> {
    let mut csv =
        csv::ReaderBuilder::new().flexible(true).has_headers(true).buffer_capacity(64 * 1024).from_reader(text);
    let header = match csv.headers() {
        Ok(header) => header.clone(),
        Err(e) if matches!(e.kind(), csv::ErrorKind::Io(_)) => return Err(csv_failure(&e, 1)),
        Err(_) => return Err(Reason::HeaderNotUtf8 { hint: NOT_UTF8_HINT }),
    };
    sink.header(&header)?;
    let mut record = StringRecord::new();
    let mut line = 1u64;
    loop {
        let row = match csv.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                line = record.position().map_or(line + 1, |p| p.line());
                if encoding == Encoding::Gb18030 && record.iter().any(|cell| cell.contains('\u{FFFD}')) {
                    Err(RowError(Reason::NotGb18030))
                } else {
                    Ok(&record)
                }
            }
            Err(e) => {
                line = e.position().map_or(line + 1, |p| p.line());
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    return Err(csv_failure(&e, line));
                }
                Err(RowError(Reason::NotUtf8 { hint: NOT_UTF8_HINT }))
            }
        };
        if sink.row(line, row).is_break() {
            break;
        }
    }
    Ok(())
}

/// Decodes a byte stream to UTF-8 as it is read (malformed bytes become U+FFFD), holding one buffer of each.
struct Decoded<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    input: Vec<u8>,
    in_start: usize,
    in_end: usize,
    output: Vec<u8>,
    out_start: usize,
    out_end: usize,
    /// The source is exhausted.
    eof: bool,
    /// The decoder has flushed its last bytes and must not be used again.
    finished: bool,
}

impl<R: Read> Decoded<R> {
    fn new(inner: R, encoding: &'static encoding_rs::Encoding) -> Self {
        Self {
            inner,
            decoder: encoding.new_decoder_without_bom_handling(),
            input: vec![0; 32 * 1024],
            in_start: 0,
            in_end: 0,
            // Room for more than one character: the decoder never splits one across calls.
            output: vec![0; 64 * 1024],
            out_start: 0,
            out_end: 0,
            eof: false,
            finished: false,
        }
    }
}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if self.out_start < self.out_end {
                let n = buf.len().min(self.out_end - self.out_start);
                buf[..n].copy_from_slice(&self.output[self.out_start..self.out_start + n]);
                self.out_start += n;
                return Ok(n);
            }
            if self.finished {
                return Ok(0);
            }
            if self.in_start == self.in_end && !self.eof {
                let n = match self.inner.read(&mut self.input) {
                    Ok(n) => n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                };
                self.in_start = 0;
                self.in_end = n;
                self.eof = n == 0;
            }
            let (result, read, written, _) =
                self.decoder.decode_to_utf8(&self.input[self.in_start..self.in_end], &mut self.output, self.eof);
            self.in_start += read;
            self.out_start = 0;
            self.out_end = written;
            if self.eof && result == encoding_rs::CoderResult::InputEmpty {
                self.finished = true;
            }
        }
    }
}

// ---- XLSX ----

/// A workbook larger than the limit is refused; a smaller one lands in a temporary file calamine can seek in.
fn spool(head: Vec<u8>, rest: impl Read, max_bytes: u64) -> Result<(File, u64), Reason> {
    let mut file = tempfile::tempfile().map_err(|e| read_failed(&e))?;
    file.write_all(&head).map_err(|e| read_failed(&e))?;
    let allowed = max_bytes.saturating_sub(head.len() as u64).saturating_add(1);
    let copied = io::copy(&mut rest.take(allowed), &mut file).map_err(|e| read_failed(&e))?;
    let size = head.len() as u64 + copied;
    if size > max_bytes {
        return Err(Reason::WorkbookFileTooLarge { mb: max_bytes / (1024 * 1024) });
    }
    file.seek(SeekFrom::Start(0)).map_err(|e| read_failed(&e))?;
    Ok((file, size))
}

/// The first sheet of a workbook: row 1 is the header, every later non-blank row a record at its row number.
fn read_xlsx<RS: Read + Seek>(
    mut file: RS,
    size: u64,
    bounds: &ImportBounds,
    progress: &Progress,
    sink: &mut impl RowSink,
) -> Result<(), Reason> {
    // calamine indexes the shared strings with what the file says: a malformed workbook must fail the file, not
    // the import's thread.
    std::panic::catch_unwind(AssertUnwindSafe(|| {
        super::bounds::check_workbook(&mut file, bounds)?;
        sheet_rows(file, size, bounds, progress, sink)
    }))
    .unwrap_or_else(|_| {
        tracing::warn!("an XLSX import panicked in the reader");
        Err(Reason::UnreadableWorkbook)
    })
}

fn unreadable(e: &XlsxError) -> Reason {
    tracing::info!(error = %e, "an XLSX import could not be read");
    match e {
        XlsxError::Password => Reason::OldOrEncryptedWorkbook,
        _ => Reason::UnreadableWorkbook,
    }
}

fn sheet_rows<RS: Read + Seek>(
    file: RS,
    size: u64,
    bounds: &ImportBounds,
    progress: &Progress,
    sink: &mut impl RowSink,
) -> Result<(), Reason> {
    let mut workbook: Xlsx<RS> = Xlsx::new(file).map_err(|e| unreadable(&e))?;
    let Some(first) = workbook.sheet_names().into_iter().next() else {
        return Err(Reason::NoSheet);
    };
    let mut cells = workbook.worksheet_cells_reader(&first).map_err(|e| unreadable(&e))?;
    let last_row = u64::from(cells.dimensions().end.0);
    let mut rows = Rows { header_read: false, record: StringRecord::new() };
    // The cells of the row being read, by column (0-based); the sheet lists a row's cells together, in order.
    let mut current: Option<u32> = None;
    let mut fields: Vec<String> = Vec::new();
    loop {
        let cell = cells.next_cell().map_err(|e| {
            tracing::info!(error = %e, "an XLSX sheet could not be read");
            Reason::SheetReadFailed { line: current.map_or(1, |r| u64::from(r) + 1) }
        })?;
        let row = cell.as_ref().map(|c| c.get_position().0);
        if row != current {
            if let Some(done) = current {
                if rows.emit(done, &fields, sink)?.is_break() {
                    return Ok(());
                }
                if last_row > 0 {
                    progress.set(size.saturating_mul(u64::from(done) + 1) / (last_row + 1));
                }
            }
            fields.clear();
            current = row;
        }
        let Some(cell) = cell else { break };
        place(&cell, bounds, &mut fields)?;
    }
    if !rows.header_read {
        // An empty sheet: the header lacks every required column.
        sink.header(&StringRecord::new())?;
    }
    progress.set(size);
    Ok(())
}

/// Put `cell` in its column of the row being read, within the sheet's bounds.
fn place(
    cell: &calamine::Cell<calamine::DataRef<'_>>,
    bounds: &ImportBounds,
    fields: &mut Vec<String>,
) -> Result<(), Reason> {
    let (row, column) = cell.get_position();
    if u64::from(row) >= bounds.rows {
        return Err(Reason::TooManyRows { rows: bounds.rows });
    }
    // `bounds` refused a reference beyond XFD in the markup; this holds whatever the reader makes of one.
    if u64::from(column) >= super::bounds::MAX_COLUMNS {
        return Err(Reason::BeyondXfd);
    }
    let column = column as usize;
    let text = cell_text(cell.get_value());
    if text.len() as u64 > bounds.cell_bytes {
        return Err(Reason::CellTooLong { row: u64::from(row) + 1, kb: bounds.cell_bytes / 1024 });
    }
    if fields.len() <= column {
        fields.resize(column + 1, String::new());
    }
    fields[column] = text;
    Ok(())
}

struct Rows {
    header_read: bool,
    record: StringRecord,
}

impl Rows {
    /// Hand sheet row `row` (0-based) to the sink: the first is the header, and must be row 1.
    fn emit(&mut self, row: u32, fields: &[String], sink: &mut impl RowSink) -> Result<ControlFlow<()>, Reason> {
        self.record.clear();
        for field in fields {
            self.record.push_field(field);
        }
        if !self.header_read {
            self.header_read = true;
            if row != 0 {
                return Err(Reason::EmptyHeaderRow);
            }
            sink.header(&self.record)?;
            return Ok(ControlFlow::Continue(()));
        }
        // Blank rows (cells formatted but empty) are skipped, as a CSV reader skips blank lines.
        if fields.iter().all(|f| f.trim().is_empty()) {
            return Ok(ControlFlow::Continue(()));
        }
        Ok(sink.row(u64::from(row) + 1, Ok(&self.record)))
    }
}

/// A cell as the CSV path would have seen it: text as is, numbers in plain decimals (integers without ".0"),
/// dates as `YYYY-MM-DD` (with the time, ISO 8601, when there is one), booleans as `true`/`false`.
fn cell_text(value: &DataRef<'_>) -> String {
    match value {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Int(n) => n.to_string(),
        DataRef::Float(f) => number_text(*f),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(dt) if dt.is_datetime() => date_text(dt),
        DataRef::DateTime(dt) => number_text(dt.as_f64()),
        DataRef::DateTimeIso(s) => iso_text(s),
        DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => e.to_string(),
    }
}

/// 2^53: below it every integer is exact in an f64.
const EXACT_INTEGERS: f64 = 9_007_199_254_740_992.0;

/// The shortest decimal that reads back as `value`, never in exponent form (`Display` of `f64` has none).
fn number_text(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < EXACT_INTEGERS { (value as i64).to_string() } else { format!("{value}") }
}

fn date_text(dt: &ExcelDateTime) -> String {
    let (y, mo, d, h, mi, s, ms) = dt.to_ymd_hms_milli();
    match (h, mi, s, ms) {
        (0, 0, 0, 0) => format!("{y:04}-{mo:02}-{d:02}"),
        (_, _, _, 0) => format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}"),
        _ => format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}"),
    }
}

/// An ISO 8601 date cell (`t="d"`): its date when the time is midnight.
fn iso_text(s: &str) -> String {
    match (s.get(..10), s.get(10..)) {
        (Some(date), Some("" | "T00:00:00" | "T00:00:00Z" | "T00:00:00.000" | "T00:00:00.000Z")) => date.to_string(),
        _ => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_encoding_is_named_or_detected() {
        assert_eq!(encoding_of(b"\xEF\xBB\xBFuscc,name", None), Encoding::Utf8);
        assert_eq!(encoding_of("uscc,name\n1,雷州".as_bytes(), None), Encoding::Utf8);
        let (gbk, _, _) = encoding_rs::GBK.encode("uscc,name\n1,雷州市");
        assert_eq!(encoding_of(&gbk, None), Encoding::Gb18030);
        assert_eq!(encoding_of(&gbk, Some(Encoding::Utf8)), Encoding::Utf8);
        // A character cut at the end of the sniffed head.
        let cut = "名称".as_bytes();
        assert_eq!(encoding_of(&cut[..4], None), Encoding::Utf8);
    }

    #[test]
    fn a_zip_is_a_workbook_and_a_legacy_workbook_is_refused() {
        assert_eq!(format_of(b"PK\x03\x04rest", None), Ok(Format::Xlsx));
        assert_eq!(format_of(b"uscc,name", None), Ok(Format::Csv));
        assert_eq!(format_of(b"PK\x03\x04", Some(Format::Csv)), Ok(Format::Csv));
        assert!(format_of(OLE2_MAGIC, None).is_err());
    }

    #[test]
    fn gb18030_is_decoded_across_any_buffer_boundary() {
        let text = "uscc,name\n91440882MA00000001,雷州市调风镇海产品加工有限公司\n".repeat(5000);
        let (bytes, _, _) = encoding_rs::GB18030.encode(&text);
        // The source handing over a few bytes at a time, and the caller asking for a few at a time.
        struct Trickle(Cursor<Vec<u8>>, usize);
        impl Read for Trickle {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = buf.len().min(self.1);
                self.0.read(&mut buf[..n])
            }
        }
        for chunk in [1usize, 3, 7, 4096] {
            let mut reader = Decoded::new(Trickle(Cursor::new(bytes.to_vec()), chunk), encoding_rs::GB18030);
            let mut decoded = Vec::new();
            let mut buf = vec![0u8; chunk];
            loop {
                let n = reader.read(&mut buf).unwrap_or(0);
                if n == 0 {
                    break;
                }
                decoded.extend_from_slice(&buf[..n]);
            }
            assert_eq!(String::from_utf8(decoded).ok().as_deref(), Some(text.as_str()), "chunk {chunk}");
        }
    }

    #[test]
    fn numbers_read_as_typed() {
        assert_eq!(number_text(440882100.0), "440882100");
        assert_eq!(number_text(2024.0), "2024");
        assert_eq!(number_text(125000.5), "125000.5");
        assert_eq!(number_text(0.1), "0.1");
        assert_eq!(number_text(1e-7), "0.0000001");
        assert_eq!(number_text(-0.0), "0");
        assert_eq!(number_text(1e20), "100000000000000000000");
    }

    #[test]
    fn dates_read_as_iso_dates() {
        let day = ExcelDateTime::new(46326.0, calamine::ExcelDateTimeType::DateTime, false);
        assert_eq!(date_text(&day), "2026-10-31");
        let noon = ExcelDateTime::new(46326.5, calamine::ExcelDateTimeType::DateTime, false);
        assert_eq!(date_text(&noon), "2026-10-31T12:00:00");
        assert_eq!(iso_text("2026-10-31T00:00:00"), "2026-10-31");
        assert_eq!(iso_text("2026-10-31T08:30:00"), "2026-10-31T08:30:00");
    }
}
