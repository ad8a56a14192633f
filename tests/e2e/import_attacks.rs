//! Imports a bureau cannot use to hurt the server or its readers (issue 25 §1, `shared/contract/imports.md`):
//! a workbook that breaks after 6,000 good rows leaves nothing of itself, for every kind, from the API and the
//! CLI; bomb files built here (a cell past column XFD, a 256 MB shared string in a 263 KB file, a zip
//! directory that understates an entry, an over-long cell, a row past the bound, a CSV line of 2 MB) are refused
//! with a clear reason and store nothing; and a real server process refusing them stays within 100 MB of its
//! idle memory, then imports a 20,000-row workbook.

use std::io::{Cursor, Read};
use std::sync::OnceLock;

use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, Statement};
use serde_json::{Value, json};
use xinyidai::subjects::entity as subject;
use xyd_tests::fixtures::uscc;
use xyd_tests::served::{Served, server_binary};
use xyd_tests::{GqlResponse, TestApp, both_backends};

use crate::import_formats::{Table, credit, registry, tax};

// ---- Zip archives written by hand, so that the test controls every byte ----

/// One entry of a zip archive: its bytes as stored (method 0) or deflated (method 8), their CRC-32, and the
/// uncompressed size the archive's headers declare (the truth, or a lie).
struct Entry {
    name: String,
    method: u16,
    crc: u32,
    data: Vec<u8>,
    declared: u32,
}

impl Entry {
    fn stored(name: &str, bytes: Vec<u8>) -> Self {
        let size = u32::try_from(bytes.len()).unwrap();
        Self { name: name.to_string(), method: 0, crc: !crc_update(!0, &bytes), data: bytes, declared: size }
    }
}

/// The entries of a workbook, copied raw (still compressed).
fn entries(xlsx: &[u8]) -> Vec<Entry> {
    let mut archive = zip::ZipArchive::new(Cursor::new(xlsx)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index_raw(i).unwrap();
            let method = match file.compression() {
                zip::CompressionMethod::Stored => 0,
                zip::CompressionMethod::Deflated => 8,
                other => panic!("unexpected compression {other:?}"),
            };
            let (name, crc, declared) = (file.name().to_string(), file.crc32(), u32::try_from(file.size()).unwrap());
            let mut data = Vec::new();
            file.read_to_end(&mut data).unwrap();
            Entry { name, method, crc, data, declared }
        })
        .collect()
}

/// The text of entry `name` of a workbook.
fn entry_text(xlsx: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(xlsx)).unwrap();
    let mut text = String::new();
    archive.by_name(name).unwrap().read_to_string(&mut text).unwrap();
    text
}

/// `xlsx` with entry `entry.name` replaced by `entry`.
fn with_entry(xlsx: &[u8], entry: Entry) -> Vec<u8> {
    let mut all = entries(xlsx);
    let slot = all.iter_mut().find(|e| e.name == entry.name).unwrap_or_else(|| panic!("no {}", entry.name));
    *slot = entry;
    zip_archive(&all)
}

/// A zip archive: local headers and data, the central directory, its end record. The sizes in both headers are
/// the entry's `declared` size, as a hostile file would write them.
fn zip_archive(entries: &[Entry]) -> Vec<u8> {
    fn u16le(out: &mut Vec<u8>, v: u16) {
        out.extend(v.to_le_bytes());
    }
    fn u32le(out: &mut Vec<u8>, v: u32) {
        out.extend(v.to_le_bytes());
    }
    // Version, flags, method, time, date, CRC, sizes, name length, extra length: shared by both headers.
    fn common(out: &mut Vec<u8>, e: &Entry) {
        for v in [20, 0, e.method, 0, 0x21] {
            u16le(out, v);
        }
        for v in [e.crc, u32::try_from(e.data.len()).unwrap(), e.declared] {
            u32le(out, v);
        }
        u16le(out, u16::try_from(e.name.len()).unwrap());
        u16le(out, 0);
    }
    let (mut out, mut central) = (Vec::new(), Vec::new());
    for e in entries {
        let offset = u32::try_from(out.len()).unwrap();
        u32le(&mut out, 0x0403_4b50);
        common(&mut out, e);
        out.extend(e.name.as_bytes());
        out.extend(&e.data);
        u32le(&mut central, 0x0201_4b50);
        u16le(&mut central, 20); // made by
        common(&mut central, e);
        for v in [0, 0, 0] {
            u16le(&mut central, v); // comment length, disk, internal attributes
        }
        u32le(&mut central, 0); // external attributes
        u32le(&mut central, offset);
        central.extend(e.name.as_bytes());
    }
    let (start, size) = (u32::try_from(out.len()).unwrap(), u32::try_from(central.len()).unwrap());
    out.extend(central);
    u32le(&mut out, 0x0605_4b50);
    for v in [0, 0, u16::try_from(entries.len()).unwrap(), u16::try_from(entries.len()).unwrap()] {
        u16le(&mut out, v);
    }
    u32le(&mut out, size);
    u32le(&mut out, start);
    u16le(&mut out, 0);
    out
}

// ---- CRC-32 and deflate, for an entry of 256 MB that is never held ----

const CRC_POLY: u32 = 0xEDB8_8320;

/// The CRC register after one byte, with no input: linear in the register.
fn crc_shift8(mut c: u32) -> u32 {
    for _ in 0..8 {
        c = if c & 1 == 1 { (c >> 1) ^ CRC_POLY } else { c >> 1 };
    }
    c
}

/// The CRC-32 register (inverted form: start from `!0`, invert at the end) after `bytes`.
fn crc_update(mut c: u32, bytes: &[u8]) -> u32 {
    for &b in bytes {
        c = crc_shift8(c ^ u32::from(b));
    }
    c
}

/// `c ↦ m·c ⊕ v` over GF(2)^32, `m` by its columns: one byte of CRC input is such a map.
#[derive(Clone, Copy)]
struct Affine {
    m: [u32; 32],
    v: u32,
}

impl Affine {
    fn apply_linear(m: &[u32; 32], c: u32) -> u32 {
        (0..32).filter(|i| c >> i & 1 == 1).fold(0, |acc, i| acc ^ m[i])
    }

    fn apply(&self, c: u32) -> u32 {
        Self::apply_linear(&self.m, c) ^ self.v
    }

    /// `self ∘ other`.
    fn after(&self, other: &Affine) -> Affine {
        Affine { m: std::array::from_fn(|i| Self::apply_linear(&self.m, other.m[i])), v: self.apply(other.v) }
    }
}

/// `crc_update(c, &[byte; n])` in 28 squarings instead of n steps.
fn crc_run(c: u32, byte: u8, mut n: u64) -> u32 {
    let mut power = Affine { m: std::array::from_fn(|i| crc_shift8(1 << i)), v: crc_shift8(u32::from(byte)) };
    let mut result = Affine { m: std::array::from_fn(|i| 1 << i), v: 0 };
    while n > 0 {
        if n & 1 == 1 {
            result = power.after(&result);
        }
        power = power.after(&power);
        n >>= 1;
    }
    result.apply(c)
}

/// Bits written least significant first, as deflate wants them.
#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    fn put(&mut self, value: u64, count: u32) {
        self.acc |= value << self.n;
        self.n += count;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    /// A Huffman code: its bits go most significant first.
    fn code(&mut self, code: u64, len: u32) {
        let reversed = (0..len).fold(0, |acc, i| acc << 1 | (code >> i & 1));
        self.put(reversed, len);
    }

    fn align(&mut self) {
        if self.n > 0 {
            self.put(0, 8 - self.n);
        }
    }

    fn stored_block(&mut self, last: bool, bytes: &[u8]) {
        self.put(u64::from(last), 1);
        self.put(0, 2);
        self.align();
        let len = u16::try_from(bytes.len()).unwrap();
        self.out.extend(len.to_le_bytes());
        self.out.extend((!len).to_le_bytes());
        self.out.extend(bytes);
    }
}

/// A raw deflate stream of `prefix`, `n` times `x`, then `suffix`: the run is one literal and then matches of
/// 258 bytes at distance 1, two bits each in a dynamic Huffman block whose only codes are `x` and end of block
/// (2 bits), length 258 (1 bit) and distance 1 (1 bit) — the way zlib compresses such a run, in a fraction of
/// the time a debug-built compressor takes to find it.
fn deflate_run_of_x(prefix: &[u8], n: u64, suffix: &[u8]) -> Vec<u8> {
    let mut bits = Bits::default();
    bits.stored_block(false, prefix);
    bits.put(0, 1); // not the last block
    bits.put(2, 2); // dynamic Huffman codes
    bits.put(286 - 257, 5); // HLIT: literal/length codes 0..=285
    bits.put(0, 5); // HDIST: one distance code
    bits.put(18 - 4, 4); // HCLEN: code length codes up to `1` in the order below
    // Code length code lengths, in the order 16 17 18 0 8 7 9 6 10 5 11 4 12 3 13 2 14 1: `18` (a run of
    // zeros) 1 bit, `2` and `1` 2 bits each.
    for len in [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 2] {
        bits.put(len, 3);
    }
    // Canonical codes of the code length alphabet: 18 → 0, 1 → 10, 2 → 11.
    let zeros = |bits: &mut Bits, count: u64| {
        bits.code(0, 1);
        bits.put(count - 11, 7);
    };
    zeros(&mut bits, u64::from(b'x')); // literals 0..x
    bits.code(0b11, 2); // `x`: 2 bits
    zeros(&mut bits, 255 - u64::from(b'x')); // literals after x
    bits.code(0b11, 2); // end of block: 2 bits
    zeros(&mut bits, 284 - 256); // lengths 257..=284
    bits.code(0b10, 2); // length 258 (285): 1 bit
    bits.code(0b10, 2); // distance 1: 1 bit
    // Canonical codes: length 258 → 0, `x` → 10, end of block → 11; distance 1 → 0.
    bits.code(0b10, 2);
    let rest = n - 1;
    for _ in 0..rest / 258 {
        bits.put(0, 2);
    }
    for _ in 0..rest % 258 {
        bits.code(0b10, 2);
    }
    bits.code(0b11, 2);
    bits.stored_block(true, suffix);
    bits.out
}

const SST_HEAD: &[u8] =
    br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>"#;
const SST_TAIL: &[u8] = b"</t></si></sst>";

/// `xl/sharedStrings.xml` holding one string of `n` bytes, deflated; its headers declare `declared` bytes
/// (the truth when `None`).
fn one_long_shared_string(n: u64, declared: Option<u32>) -> Entry {
    let data = deflate_run_of_x(SST_HEAD, n, SST_TAIL);
    let crc = !crc_update(crc_run(crc_update(!0, SST_HEAD), b'x', n), SST_TAIL);
    let size = n + (SST_HEAD.len() + SST_TAIL.len()) as u64;
    let declared = declared.unwrap_or_else(|| u32::try_from(size).unwrap());
    Entry { name: "xl/sharedStrings.xml".into(), method: 8, crc, data, declared }
}

#[test]
fn the_hand_written_deflate_stream_inflates_to_its_text_with_the_right_crc() {
    assert_eq!(crc_run(!0, b'x', 1000), crc_update(!0, &[b'x'; 1000]));
    for n in [1, 258, 259, 1000, 70_000] {
        let xlsx = with_entry(&registry().xlsx(), one_long_shared_string(n, None));
        // The zip reader checks the CRC-32 at the end of the entry.
        let text = entry_text(&xlsx, "xl/sharedStrings.xml");
        let expected = format!(
            "{}{}{}",
            std::str::from_utf8(SST_HEAD).unwrap(),
            "x".repeat(usize::try_from(n).unwrap()),
            std::str::from_utf8(SST_TAIL).unwrap()
        );
        assert!(text == expected, "n = {n}: {} bytes", text.len());
    }
}

// ---- The files ----

/// A registry workbook whose first sheet is `sheet_data` (the inside of `<sheetData>`).
fn workbook_with_sheet(sheet_data: &str) -> Vec<u8> {
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{sheet_data}</sheetData></worksheet>"#
    );
    with_entry(&registry().xlsx(), Entry::stored("xl/worksheets/sheet1.xml", sheet.into_bytes()))
}

/// A hostile file, its name, and what the refusal must say (one of).
struct Bomb {
    name: &'static str,
    bytes: Vec<u8>,
    says: &'static [&'static str],
}

/// The bombs, built once per test binary (the 256 MB string is never held: it is written as deflate codes).
fn bombs() -> &'static [Bomb] {
    static BOMBS: OnceLock<Vec<Bomb>> = OnceLock::new();
    BOMBS.get_or_init(|| {
        let only_cell = |r: &str| {
            let row: String = r.chars().filter(char::is_ascii_digit).collect();
            format!(r#"<row r="{row}"><c r="{r}" t="inlineStr"><is><t>x</t></is></c></row>"#)
        };
        let long_cell =
            format!(r#"<row r="1"><c r="A1" t="inlineStr"><is><t>{}</t></is></c></row>"#, "x".repeat(300 * 1024));
        let sst = 256 * 1024 * 1024;
        let mut csv_line = b"uscc,name,".to_vec();
        csv_line.resize(2 * 1024 * 1024, b'x');
        vec![
            // The column calamine reads as about 2.1 billion (a 51 GB row), or overflows on: refused from the
            // markup before the reader sees it.
            Bomb { name: "fxshrxw.xlsx", bytes: workbook_with_sheet(&only_cell("FXSHRXW2")), says: &["XFD"] },
            // Column 12,356,631: 400 MB more before the bound.
            Bomb { name: "aaaaaa.xlsx", bytes: workbook_with_sheet(&only_cell("AAAAAA2")), says: &["XFD"] },
            Bomb {
                name: "shared-string.xlsx",
                bytes: with_entry(&registry().xlsx(), one_long_shared_string(sst, None)),
                says: &["xl/sharedStrings.xml 解压后超过 64 MB"],
            },
            // The directory says 1 KB: the inflated size must be counted, not believed.
            Bomb {
                name: "understated.xlsx",
                bytes: with_entry(&registry().xlsx(), one_long_shared_string(sst, Some(1024))),
                says: &["大于文件目录所记的 1024 字节"],
            },
            Bomb { name: "long-cell.xlsx", bytes: workbook_with_sheet(&long_cell), says: &["256 KB"] },
            Bomb { name: "far-row.xlsx", bytes: workbook_with_sheet(&only_cell("A2000000")), says: &["1048576 行"] },
            Bomb { name: "long-line.csv", bytes: csv_line, says: &["256 KB"] },
        ]
    })
}

/// `rows` rows of `kind` (its columns as in `import_formats`), every one valid, the first about subject
/// `uscc(1)`: a 严重失信 record (credit) or grade A (tax), which sets its flags once the file is applied.
fn many(kind: &str, rows: u32) -> Table {
    let row = |n: u32| match kind {
        "REGISTRY" => {
            format!("{},雷州市{n}号商贸有限公司,企业,440882100,F5191,张{n},,2015-06-01,存续,2026-10-31", uscc(1000 + n))
        }
        "CREDIT" if n == 0 => {
            format!("{},严重失信主体名单,雷州市人民法院,（2025）粤0882执1号,列入严重失信主体名单,2025-05-20,", uscc(1))
        }
        "CREDIT" => format!(
            "{},行政处罚,雷州市市场监督管理局,雷市监罚〔2025〕{n}号,未按规定公示年度报告,2025-03-01,2026-03-01",
            uscc(1000 + n % 500)
        ),
        "TAX" if n == 0 => format!("{},2024,A,125000.50,3200000.00,雷州市一号有限公司", uscc(1)),
        _ => format!("{},2024,B,{}.50,,雷州市{n}号商贸有限公司", uscc(1000 + n), 1000 + n),
    };
    let columns = match kind {
        "REGISTRY" => registry().columns,
        "CREDIT" => credit().columns,
        _ => tax().columns,
    };
    Table { columns, rows: (0..rows).map(row).collect() }
}

/// `many(kind, 6_500)` as a workbook, built once for both databases (a debug build writes it slowly).
fn whole_workbook(kind: &str) -> &'static [u8] {
    static BOOKS: OnceLock<[Vec<u8>; 3]> = OnceLock::new();
    let books = BOOKS.get_or_init(|| ["REGISTRY", "CREDIT", "TAX"].map(|k| many(k, 6_500).xlsx()));
    match kind {
        "REGISTRY" => &books[0],
        "CREDIT" => &books[1],
        _ => &books[2],
    }
}

/// How a workbook breaks after its row 6,001 (6,000 good rows after the header).
#[derive(Clone, Copy, Debug)]
enum Break {
    /// The sheet ends there, as a cut upload or a full disk leaves it.
    Cut,
    /// What follows is no XML.
    Garbled,
}

/// `xlsx` with its sheet broken after row 6,001.
fn broken_after_6000_rows(xlsx: &[u8], how: Break) -> Vec<u8> {
    let sheet = entry_text(xlsx, "xl/worksheets/sheet1.xml");
    let at = sheet.find(r#"<row r="6002""#).expect("the workbook has more than 6,001 rows");
    let mut bytes = sheet.as_bytes()[..at].to_vec();
    if let Break::Garbled = how {
        bytes.extend(br#"<row r="6002"><c r="A6002" t="inlineStr"><is><t>"#);
        bytes.extend(b"\xFF\xFE\x00\x01<</>>&&;<![CDATA[");
    }
    with_entry(xlsx, Entry::stored("xl/worksheets/sheet1.xml", bytes))
}

// ---- Through the API and the CLI ----

const IMPORT: &str = "mutation($k: ImportKind!, $file: Upload!) { importRecords(kind: $k, file: $file) {
    id status totalRows acceptedRows rejectedRows failure } }";

async fn import(app: &TestApp, token: &str, kind: &str, name: &str, bytes: Vec<u8>) -> Value {
    let r = app.upload(token, IMPORT, json!({ "k": kind }), name, bytes).await;
    r.ok();
    r.at("/data/importRecords").clone()
}

/// Rows of each table an import writes, and the flags of subject `uscc(1)`.
async fn visible(conn: &DatabaseConnection) -> (Vec<i64>, (bool, bool)) {
    let mut counts = Vec::new();
    for table in ["registry_entries", "credit_records", "tax_records"] {
        let sql = format!("SELECT COUNT(*) AS n FROM {table}");
        let row = conn.query_one_raw(Statement::from_string(conn.get_database_backend(), sql)).await.unwrap().unwrap();
        counts.push(row.try_get::<i64>("", "n").unwrap());
    }
    let flags = subject::Entity::find()
        .all(conn)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.uscc == Some(uscc(1)))
        .map_or((false, false), |s| (s.restricted, s.trusted));
    (counts, flags)
}

/// A failure for people: in Chinese, naming what was expected.
fn assert_clear(failure: &str, says: &[&str]) {
    assert!(says.iter().any(|s| failure.contains(s)), "the failure names the cause ({says:?}): {failure}");
    assert!(failure.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "the failure is in Chinese: {failure}");
}

both_backends! {
    async fn a_workbook_that_breaks_after_6000_good_rows_leaves_nothing_of_any_kind(app) {
        let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
        app.verified_enterprise(&bureau, &uscc(1), "雷州市一号有限公司", "张一").await;
        let conn = app.db().conn();
        assert_eq!(visible(conn).await, (vec![1, 0, 0], (false, false)));
        for (kind, table) in [("REGISTRY", 0), ("CREDIT", 1), ("TAX", 2)] {
            let before = visible(conn).await;
            let whole = whole_workbook(kind).to_vec();
            // Garbled markup fails the reader as a cut does; once is enough to show it.
            let hows: &[Break] = if kind == "REGISTRY" { &[Break::Cut, Break::Garbled] } else { &[Break::Cut] };
            for &how in hows {
                let job = import(&app, &bureau, kind, "broken.xlsx", broken_after_6000_rows(&whole, how)).await;
                assert_eq!(job["status"], "FAILED", "{kind} {how:?}: {job:#}");
                assert_clear(job["failure"].as_str().unwrap(), &["XLSX"]);
                // Two batches were written in the import's transaction before the break was read; the job counts
                // every row read up to it: rows 2–6,000 (row 6,001, the last before the break, was never known
                // to be whole).
                assert_eq!(job["totalRows"], 5_999, "{kind} {how:?}: the job says how far it read: {job:#}");
                assert_eq!(visible(conn).await, before, "{kind} {how:?}: nothing of the broken file is visible");
            }
            // The same rows, whole, are applied whole: what the broken files would have changed.
            let job = import(&app, &bureau, kind, "whole.xlsx", whole).await;
            assert_eq!((&job["status"], &job["acceptedRows"]), (&json!("COMPLETED"), &json!(6_500)), "{kind}: {job:#}");
            let (counts, _) = visible(conn).await;
            assert!(counts[table] >= 6_000, "{kind}: {counts:?}");
        }
        assert_eq!(visible(conn).await.1, (true, true), "the whole files flag the subject; the broken ones did not");
    }

    async fn the_cli_applies_a_broken_workbook_not_at_all(app) {
        let dir = std::env::temp_dir().join(format!("xyd-broken-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("registry.xlsx");
        std::fs::write(&file, broken_after_6000_rows(whole_workbook("REGISTRY"), Break::Cut)).unwrap();
        let error = xyd_cli::import::import_file(&app.state, xyd_domain::ImportKind::Registry, &file, Some("440882"), None)
            .await
            .unwrap_err()
            .to_string();
        assert_clear(&error, &["XLSX"]);
        assert_eq!(visible(app.db().conn()).await.0, vec![0, 0, 0], "nothing of the file is visible");
        let jobs = xinyidai::imports::entity::import_job::Entity::find().all(app.db().conn()).await.unwrap();
        assert_eq!(jobs.len(), 1);
        assert_eq!(jobs[0].status, xyd_domain::ImportStatus::Failed);
        assert_eq!(jobs[0].total_rows, 5_999, "the job says how far the file was read: {:?}", jobs[0]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    async fn bomb_files_are_refused_with_a_reason_and_store_nothing(app) {
        let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
        for bomb in bombs() {
            let job = import(&app, &bureau, "REGISTRY", bomb.name, bomb.bytes.clone()).await;
            assert_eq!(job["status"], "FAILED", "{}: {job:#}", bomb.name);
            assert_clear(job["failure"].as_str().unwrap(), bomb.says);
            assert_eq!(job["acceptedRows"], 0, "{}: {job:#}", bomb.name);
        }
        assert_eq!(visible(app.db().conn()).await.0, vec![0, 0, 0]);
        let job = import(&app, &bureau, "REGISTRY", "registry.xlsx", registry().xlsx()).await;
        assert_eq!((&job["status"], &job["acceptedRows"]), (&json!("COMPLETED"), &json!(2)), "{job:#}");
    }
}

// ---- A real server process, its memory measured ----

/// `xinyidai serve` on a fresh SQLite file and free ports, stopped on drop.
/// An import of a registry file through `served` as a GraphQL multipart request; the job as answered, once it
/// has ended.
async fn import_into(served: &Served, token: &str, name: &str, bytes: Vec<u8>) -> Value {
    let operations = json!({ "query": IMPORT, "variables": { "k": "REGISTRY", "file": null } }).to_string();
    let form = reqwest::multipart::Form::new()
        .text("operations", operations)
        .text("map", r#"{"0": ["variables.file"]}"#)
        .part("0", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()));
    let response = served.http.post(format!("{}/graphql", served.base)).bearer_auth(token).multipart(form).send().await;
    let r =
        GqlResponse::from(response.unwrap_or_else(|e| panic!("{name}: the server is down ({e}): {}", served.log())))
            .await;
    r.ok();
    let mut job = r.at("/data/importRecords").clone();
    // A loaded machine may answer before the job ends (`imports.wait_secs`): wait for it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(180);
    while job["status"] == "RUNNING" && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let q = "query($id: ID!) { importJob(id: $id) { id status totalRows acceptedRows rejectedRows failure } }";
        let r = served.gql(Some(token), q, json!({ "id": job["id"] })).await;
        r.ok();
        job = r.at("/data/importJob").clone();
    }
    job
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_refusing_bomb_files_stays_within_100_mb_of_idle_and_then_imports_a_large_workbook() {
    let Some(bin) = server_binary() else { return };
    let bombs = bombs();
    let legitimate = many("REGISTRY", 20_000).xlsx();
    let served = Served::start(&bin, "warn").await;
    let admin = served.token("admin@xyd.test", "Admin12345").await;
    let r = served
        .gql(
            Some(&admin),
            "mutation($i: CreateInstitutionInput!) { createInstitution(input: $i) { id } }",
            json!({ "i": { "kind": "BUREAU", "name": "雷州市发改局", "regionCode": "440882",
                           "adminEmail": "bureau@xyd.test", "adminPassword": "Staff12345" } }),
        )
        .await;
    r.ok();
    let bureau = served.token("bureau@xyd.test", "Staff12345").await;
    // Warm up the paths an import takes (CSV and XLSX), then take the idle figure.
    assert_eq!(import_into(&served, &bureau, "warm.csv", registry().csv().into_bytes()).await["status"], "COMPLETED");
    assert_eq!(import_into(&served, &bureau, "warm.xlsx", registry().xlsx()).await["status"], "COMPLETED");
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let idle = served.memory_kb("VmRSS");
    let db = sea_orm::Database::connect(served.database_url.as_str()).await.unwrap();
    let stored = visible(&db).await.0;

    for bomb in bombs {
        let job = import_into(&served, &bureau, bomb.name, bomb.bytes.clone()).await;
        let (rss, peak) = (served.memory_kb("VmRSS"), served.memory_kb("VmHWM"));
        eprintln!("{}: VmRSS {} MB, VmHWM {} MB (idle {} MB)", bomb.name, rss / 1024, peak / 1024, idle / 1024);
        assert!(
            peak <= idle + 100 * 1024,
            "{}: the server peaked at {} MB, {} MB over idle",
            bomb.name,
            peak / 1024,
            (peak - idle) / 1024
        );
        assert_eq!(job["status"], "FAILED", "{}: {job:#}", bomb.name);
        assert_clear(job["failure"].as_str().unwrap(), bomb.says);
    }
    assert_eq!(visible(&db).await.0, stored, "the bombs stored nothing");

    // Still up, and a legitimate large workbook imports.
    let job = import_into(&served, &bureau, "registry-20000.xlsx", legitimate).await;
    assert_eq!((&job["status"], &job["acceptedRows"]), (&json!("COMPLETED"), &json!(20_000)), "{job:#}");
    assert_eq!(visible(&db).await.0[0], stored[0] + 20_000);
    let peak = served.memory_kb("VmHWM");
    eprintln!("after 20,000 rows: VmHWM {} MB (idle {} MB)", peak / 1024, idle / 1024);
    assert!(peak <= idle + 200 * 1024, "a 20,000-row workbook peaked at {} MB over idle", (peak - idle) / 1024);
}
