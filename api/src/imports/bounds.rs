//! Bounding a workbook before it is parsed. An XLSX file is a ZIP archive: a few kilobytes can inflate to
//! gigabytes, and the reader holds the shared strings whole. So before calamine sees a workbook, its archive
//! is checked twice: the sizes its own directory declares (each entry, the whole, the shared strings), then
//! every entry inflated once through a counter, because a directory can lie. While inflating, the markup is
//! scanned: no text or tag may run longer than a cell may hold (a 256 MB string would otherwise be read into
//! memory in one piece), and the shared strings are counted. Rows and columns are bounded as the sheet is read
//! (`source`). The limits are `[limits.import]` (`config::ImportBounds`).

use std::io::{self, Read, Seek};

use xyd_reasons::Reason;

use crate::config::ImportBounds;

/// The shared strings part: the one entry the reader holds whole.
const SHARED_STRINGS: &str = "xl/sharedStrings.xml";
/// Entries an archive may list: a workbook has a few dozen.
const MAX_ENTRIES: usize = 10_000;

type Archive<'f, RS> = zip::ZipArchive<&'f mut RS>;

/// Refuse a workbook whose archive exceeds `bounds`, with the reason in Chinese; rewinds `file` when it passes.
pub fn check_workbook<RS: Read + Seek>(file: &mut RS, bounds: &ImportBounds) -> Result<(), Reason> {
    {
        let mut archive = zip::ZipArchive::new(&mut *file).map_err(|e| {
            tracing::info!(error = %e, "an XLSX import is not a readable ZIP archive");
            Reason::UnreadableWorkbook
        })?;
        check_directory(&mut archive, bounds)?;
        // The directory said it fits; inflate each entry to see that it does.
        let mut total = 0u64;
        for i in 0..archive.len() {
            total = total.saturating_add(check_entry(&mut archive, i, bounds)?);
            if total > bounds.workbook_bytes {
                return Err(whole_too_large(bounds));
            }
        }
    }
    file.rewind().map_err(|e| {
        tracing::warn!(error = %e, "rewinding an import file failed");
        Reason::ReadFailed
    })
}

/// The sizes the archive's directory declares: its entries, each and together.
fn check_directory<RS: Read + Seek>(archive: &mut Archive<'_, RS>, bounds: &ImportBounds) -> Result<(), Reason> {
    if archive.len() > MAX_ENTRIES {
        return Err(Reason::WorkbookTooManyParts { parts: archive.len(), max: MAX_ENTRIES });
    }
    let mut declared_total = 0u64;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|e| unreadable_entry(&e))?;
        let limit = entry_limit(entry.name(), bounds);
        if entry.size() > limit {
            return Err(too_large(entry.name(), limit));
        }
        declared_total = declared_total.saturating_add(entry.size());
    }
    if declared_total > bounds.workbook_bytes { Err(whole_too_large(bounds)) } else { Ok(()) }
}

/// Entry `i` inflated through the markup scan, within what its directory declared and its bound; the bytes it
/// held.
fn check_entry<RS: Read + Seek>(archive: &mut Archive<'_, RS>, i: usize, bounds: &ImportBounds) -> Result<u64, Reason> {
    let entry = archive.by_index(i).map_err(|e| unreadable_entry(&e))?;
    let name = entry.name().to_string();
    let declared = entry.size();
    let limit = entry_limit(&name, bounds).min(declared);
    let markup = name.ends_with(".xml") || name.ends_with(".rels");
    let mut scan = Scan::new(bounds.cell_bytes, markup);
    let read = inflate(entry.take(limit.saturating_add(1)), &mut scan)?;
    if read > limit {
        // The directory passed the bounds, so the entry holds more than its directory says.
        return Err(if read > declared { understated(&name, declared) } else { too_large(&name, limit) });
    }
    if let Some(run) = scan.longest_over {
        tracing::info!(entry = %name, run, "an XLSX import holds an over-long cell or tag");
        return Err(Reason::WorkbookLongMarkup { kb: bounds.cell_bytes / 1024 });
    }
    if scan.beyond_xfd {
        return Err(Reason::BeyondXfd);
    }
    if name == SHARED_STRINGS && scan.strings > bounds.shared_strings {
        return Err(Reason::TooManySharedStrings { max: bounds.shared_strings });
    }
    Ok(read)
}

fn entry_limit(name: &str, bounds: &ImportBounds) -> u64 {
    if name == SHARED_STRINGS {
        bounds.shared_strings_bytes.min(bounds.workbook_entry_bytes)
    } else {
        bounds.workbook_entry_bytes
    }
}

fn unreadable_entry(e: &zip::result::ZipError) -> Reason {
    tracing::info!(error = %e, "an XLSX import holds an unreadable entry");
    Reason::UnreadableWorkbook
}

fn too_large(name: &str, limit: u64) -> Reason {
    Reason::WorkbookPartTooLarge { name: name.to_string(), mb: limit / (1024 * 1024) }
}

fn understated(name: &str, declared: u64) -> Reason {
    tracing::info!(entry = %name, declared, "an XLSX import holds an entry larger than its directory says");
    Reason::WorkbookPartUnderstated { name: name.to_string(), declared }
}

fn whole_too_large(bounds: &ImportBounds) -> Reason {
    Reason::WorkbookTooLarge { mb: bounds.workbook_bytes / (1024 * 1024) }
}

/// Inflate `entry` to its end through `scan`, returning the bytes it held.
fn inflate(mut entry: impl Read, scan: &mut Scan) -> Result<u64, Reason> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut read = 0u64;
    loop {
        let n = match entry.read(&mut buf) {
            Ok(0) => return Ok(read),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                tracing::info!(error = %e, "an XLSX import entry does not inflate");
                return Err(Reason::UnreadableWorkbook);
            }
        };
        read += n as u64;
        scan.feed(&buf[..n]);
    }
}

/// Excel's last column, XFD, as a number.
pub(super) const MAX_COLUMNS: u64 = 16_384;

/// What the markup of one entry holds: its longest run of bytes between two `<` (one text or one tag, which a
/// parser reads in one piece) when over the limit, how many `<si>` (shared strings) it opens, and whether a
/// cell reference (`r="…"`) names a column beyond XFD — which the reader would otherwise compute, and size a
/// row by, before any check of ours.
struct Scan {
    markup: bool,
    limit: u64,
    run: u64,
    longest_over: Option<u64>,
    strings: u64,
    /// The column letters of the cell reference being read: how many, and their value.
    letters: Option<(u32, u64)>,
    beyond_xfd: bool,
    /// The last bytes seen, for a tag cut between two reads.
    tail: [u8; 4],
}

impl Scan {
    fn new(limit: u64, markup: bool) -> Self {
        Self { markup, limit, run: 0, longest_over: None, strings: 0, letters: None, beyond_xfd: false, tail: [0; 4] }
    }

    /// Read one byte of a cell reference's column letters, if one is being read.
    fn column_letter(&mut self, b: u8) {
        let Some((count, value)) = self.letters else { return };
        if b.is_ascii_uppercase() {
            let value = value.saturating_mul(26).saturating_add(u64::from(b - b'A' + 1));
            self.letters = Some((count + 1, value.min(u64::MAX / 32)));
        } else {
            self.beyond_xfd |= count > 3 || value > MAX_COLUMNS;
            self.letters = None;
        }
    }

    fn feed(&mut self, bytes: &[u8]) {
        if !self.markup {
            return;
        }
        for &b in bytes {
            if b == b'<' {
                self.run = 0;
            } else {
                self.run += 1;
                if self.run > self.limit && self.longest_over.is_none_or(|l| self.run > l) {
                    self.longest_over = Some(self.run);
                }
            }
            // `<si>` or `<si ` opens a shared string.
            if (b == b'>' || b == b' ') && self.tail[1..] == *b"<si" {
                self.strings += 1;
            }
            self.column_letter(b);
            self.tail = [self.tail[1], self.tail[2], self.tail[3], b];
            // ` r="` starts a cell's reference (`<row r="2">` has digits only).
            if self.tail == *b" r=\"" {
                self.letters = Some((0, 0));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Write};

    use zip::write::SimpleFileOptions;

    use super::*;

    fn archive(entries: &[(&str, &[u8])]) -> Cursor<Vec<u8>> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in entries {
            zip.start_file(*name, options).unwrap();
            zip.write_all(bytes).unwrap();
        }
        let mut out = zip.finish().unwrap();
        out.set_position(0);
        out
    }

    fn small() -> ImportBounds {
        ImportBounds {
            workbook_entry_bytes: 1 << 20,
            workbook_bytes: 2 << 20,
            shared_strings_bytes: 1 << 16,
            shared_strings: 3,
            rows: 100,
            cell_bytes: 1024,
        }
    }

    #[test]
    fn a_workbook_inside_the_bounds_passes() {
        let sst = b"<sst><si><t>a</t></si><si><t>b</t></si></sst>";
        assert_eq!(
            check_workbook(&mut archive(&[(SHARED_STRINGS, sst), ("xl/workbook.xml", b"<w/>")]), &small()),
            Ok(())
        );
    }

    #[test]
    fn every_bound_refuses_its_bomb() {
        let big = vec![b'a'; 2 << 20];
        assert!(check_workbook(&mut archive(&[("xl/worksheets/sheet1.xml", &big)]), &small()).is_err(), "entry");
        let sst = vec![b'<'; 1 << 17];
        assert!(check_workbook(&mut archive(&[(SHARED_STRINGS, &sst)]), &small()).is_err(), "shared strings size");
        let many = b"<sst><si><t>a</t></si><si><t>b</t></si><si><t>c</t></si><si ><t>d</t></si></sst>";
        assert!(check_workbook(&mut archive(&[(SHARED_STRINGS, many)]), &small()).is_err(), "shared strings count");
        let mut long = b"<sst><si><t>".to_vec();
        long.extend(vec![b'x'; 2048]);
        assert!(check_workbook(&mut archive(&[(SHARED_STRINGS, &long)]), &small()).is_err(), "cell length");
        let half = vec![b'<'; (1 << 20) - 10];
        let whole = archive(&[("a.xml", &half), ("b.xml", &half), ("c.xml", &half)]);
        assert!(check_workbook(&mut whole.clone(), &small()).is_err(), "whole");
    }

    #[test]
    fn a_cell_beyond_column_xfd_is_refused_before_the_sheet_is_read() {
        let sheet = |r: &str| {
            format!(r#"<sheetData><row r="2"><c r="{r}" t="inlineStr"><is><t>x</t></is></c></row></sheetData>"#)
        };
        for r in ["A2", "XFD2", "AB12"] {
            let ok = check_workbook(&mut archive(&[("xl/worksheets/sheet1.xml", sheet(r).as_bytes())]), &small());
            assert_eq!(ok, Ok(()), "{r}");
        }
        for r in ["XFE2", "AAAA2", "FXSHRXW2"] {
            let refused = check_workbook(&mut archive(&[("xl/worksheets/sheet1.xml", sheet(r).as_bytes())]), &small());
            assert_eq!(refused, Err(Reason::BeyondXfd), "{r}");
        }
    }

    #[test]
    fn a_directory_that_understates_an_entry_is_refused() {
        // The central directory says 4 bytes; the entry inflates to 64 KiB.
        let mut bytes = archive(&[("xl/worksheets/sheet1.xml", &vec![b'<'; 1 << 16])]).into_inner();
        let central = bytes.windows(4).rposition(|w| w == b"PK\x01\x02").unwrap();
        bytes[central + 24..central + 28].copy_from_slice(&4u32.to_le_bytes());
        let local = 0;
        bytes[local + 22..local + 26].copy_from_slice(&4u32.to_le_bytes());
        assert!(check_workbook(&mut Cursor::new(bytes), &small()).is_err());
    }
}
