//! Files as bureaus have them: the same registry, credit and tax rows as UTF-8 CSV (with and without a BOM),
//! GBK CSV (detected or named) and XLSX are stored alike and reported alike, line numbers included; a GBK file
//! forced to UTF-8 is refused row by row and stores nothing; a broken or legacy workbook fails the file with
//! one clear message; the CLI reads the same files.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use sea_orm::{ConnectionTrait, EntityTrait};
use serde_json::{Value, json};
use xinyidai::credit::entity::{credit_record, tax_record};
use xinyidai::subjects::registry::entry;
use xyd_tests::fixtures::{LEGAL_REP_ID, broken, uscc};
use xyd_tests::{TestApp, both_backends};

/// How a workbook holds a column: as text, as numbers, or as date cells (a value that is no number or date,
/// such as a bad row's "2025-13-01", stays text, as a user would have typed it).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Col {
    Text,
    Number,
    Date,
}
use Col::{Date, Number, Text};

/// One file's content, to be written in every format: its columns, and its rows as CSV lines (no quoting).
pub(crate) struct Table {
    pub(crate) columns: &'static [(&'static str, Col)],
    pub(crate) rows: Vec<String>,
}

impl Table {
    pub(crate) fn csv(&self) -> String {
        let header: Vec<&str> = self.columns.iter().map(|(name, _)| *name).collect();
        let mut out = header.join(",");
        for row in &self.rows {
            out.push('\n');
            out.push_str(row);
        }
        out.push('\n');
        out
    }

    fn utf8(&self) -> Vec<u8> {
        self.csv().into_bytes()
    }

    fn utf8_bom(&self) -> Vec<u8> {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend(self.csv().into_bytes());
        bytes
    }

    /// The file as Chinese Windows saves it.
    fn gbk(&self) -> Vec<u8> {
        let text = self.csv();
        let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
        assert!(!unmappable, "the fixture has a character GBK lacks");
        assert!(std::str::from_utf8(&bytes).is_err(), "the fixture must carry Chinese text, so GBK differs from UTF-8");
        bytes.into_owned()
    }

    /// A workbook whose first sheet holds the table, row 1 the header: numbers as numbers, dates as date cells.
    pub(crate) fn xlsx(&self) -> Vec<u8> {
        let mut workbook = Workbook::new();
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let sheet = workbook.add_worksheet();
        for (c, (name, _)) in self.columns.iter().enumerate() {
            sheet.write_string(0, c as u16, *name).unwrap();
        }
        for (r, row) in self.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, (value, (_, col))) in row.split(',').zip(self.columns).enumerate() {
                let c = c as u16;
                if value.is_empty() {
                    continue;
                }
                let number = value.parse::<f64>().ok().filter(|_| *col == Number);
                let day = NaiveDate::parse_from_str(value, "%Y-%m-%d").ok().filter(|_| *col == Date);
                if let Some(n) = number {
                    sheet.write_number(r, c, n).unwrap();
                } else if let Some(d) = day {
                    let d = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8).unwrap();
                    sheet.write_datetime_with_format(r, c, &d, &date).unwrap();
                } else {
                    sheet.write_string(r, c, value).unwrap();
                }
            }
        }
        workbook.save_to_buffer().unwrap()
    }
}

/// A registry snapshot with one bad code (line 3).
pub(crate) fn registry() -> Table {
    Table {
        columns: &[
            ("uscc", Text),
            ("name", Text),
            ("kind", Text),
            ("region_code", Number),
            ("industry_code", Text),
            ("legal_rep_name", Text),
            ("legal_rep_id_number", Text),
            ("established_on", Date),
            ("status", Text),
            ("snapshot_date", Date),
        ],
        rows: vec![
            format!(
                "{},雷州市海田食品有限公司,企业,440882100,C1391,陈海田,{LEGAL_REP_ID},2015-06-01,存续,2026-10-31",
                uscc(201)
            ),
            format!(
                "{},雷州市南渡河农业发展有限公司,企业,440882105,A,黄文,,2018-04-02,存续,2026-10-31",
                broken(&uscc(202))
            ),
            format!("{},雷州市调风镇海产品加工有限公司,企业,440882111,C,林晓梅,,2019-03-15,注销,2026-10-31", uscc(203)),
        ],
    }
}

/// 信用信息 with one impossible date (line 3); categories by their Chinese names.
pub(crate) fn credit() -> Table {
    Table {
        columns: &[
            ("uscc", Text),
            ("category", Text),
            ("source", Text),
            ("doc_number", Text),
            ("title", Text),
            ("decided_at", Date),
            ("valid_until", Date),
        ],
        rows: vec![
            format!(
                "{},行政处罚,雷州市市场监督管理局,雷市监罚〔2025〕12号,未按规定公示年度报告,2025-03-01,2026-03-01",
                uscc(201)
            ),
            format!("{},行政处罚,雷州市市场监督管理局,雷市监罚〔2025〕13号,超范围经营,2025-13-01,", uscc(203)),
            format!("{},司法信息,雷州市人民法院,（2025）粤0882执123号,列入失信被执行人名单,2025-05-20,", uscc(203)),
        ],
    }
}

/// 纳税信用 with one unknown grade (line 3), and a column the import ignores carrying the taxpayers' names.
pub(crate) fn tax() -> Table {
    Table {
        columns: &[
            ("uscc", Text),
            ("year", Number),
            ("grade", Text),
            ("tax_paid", Number),
            ("vat_sales", Number),
            ("纳税人名称", Text),
        ],
        rows: vec![
            format!("{},2024,A,125000.50,3200000.00,雷州市海田食品有限公司", uscc(201)),
            format!("{},2025,E,1000.00,,雷州市调风镇海产品加工有限公司", uscc(203)),
            format!("{},2024,B,8800,150000.25,雷州市调风镇海产品加工有限公司", uscc(203)),
        ],
    }
}

const IMPORT: &str = "mutation($k: ImportKind!, $file: Upload!, $e: ImportEncoding) {
    importRecords(kind: $k, file: $file, encoding: $e) {
        status totalRows acceptedRows rejectedRows invalidCodeRows duplicateCodeRows failure
        errors { line code message } } }";

/// Upload `bytes` as `file_name`, the encoding named or not; the job as answered (without its id).
async fn import(
    app: &TestApp,
    token: &str,
    kind: &str,
    file_name: &str,
    bytes: Vec<u8>,
    encoding: Option<&str>,
) -> Value {
    let r = app.upload(token, IMPORT, json!({ "k": kind, "e": encoding }), file_name, bytes).await;
    r.ok();
    r.at("/data/importRecords").clone()
}

/// What the import stored, one line per row, without ids, job ids and timestamps.
async fn stored(app: &TestApp, kind: &str) -> Vec<String> {
    let conn = app.db().conn();
    let mut rows: Vec<String> = match kind {
        "REGISTRY" => entry::Entity::find()
            .all(conn)
            .await
            .unwrap()
            .into_iter()
            .map(|e| {
                format!(
                    "{} {} {} {:?} {} {:?} {:?} {:?} {:?} {:?}",
                    e.uscc,
                    e.snapshot_date,
                    e.name,
                    e.kind,
                    e.region_code,
                    e.industry_code,
                    e.legal_rep_name,
                    e.legal_rep_id_hash,
                    e.established_on,
                    e.status
                )
            })
            .collect(),
        "CREDIT" => credit_record::Entity::find()
            .all(conn)
            .await
            .unwrap()
            .into_iter()
            .map(|r| {
                format!(
                    "{} {:?} {} {} {} {} {:?} {:?} {}",
                    r.uscc,
                    r.category,
                    r.source,
                    r.doc_number,
                    r.title,
                    r.decided_at,
                    r.valid_until,
                    r.status,
                    r.jurisdiction
                )
            })
            .collect(),
        _ => tax_record::Entity::find()
            .all(conn)
            .await
            .unwrap()
            .into_iter()
            .map(|r| format!("{} {} {:?} {} {:?}", r.uscc, r.year, r.grade, r.tax_paid, r.vat_sales))
            .collect(),
    };
    rows.sort();
    rows
}

/// Forget every imported row, so each variant of a file is judged on its own.
async fn clear(app: &TestApp) {
    let conn = app.db().conn();
    for table in ["registry_entries", "credit_records", "tax_records"] {
        conn.execute_unprepared(&format!("DELETE FROM {table}")).await.unwrap();
    }
}

fn lines_and_codes(job: &Value) -> Vec<(i64, String)> {
    job["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["line"].as_i64().unwrap(), e["code"].as_str().unwrap().to_string()))
        .collect()
}

both_backends! {
    async fn the_same_rows_as_utf8_bom_gbk_and_xlsx_are_stored_and_reported_alike(app) {
        let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
        let cases = [
            ("REGISTRY", registry(), "INVALID_USCC", "雷州市海田食品有限公司"),
            ("CREDIT", credit(), "INVALID_DATE", "（2025）粤0882执123号"),
            ("TAX", tax(), "INVALID_ENUM", "12500050"),
        ];
        for (kind, table, bad_code, stored_text) in cases {
            let variants = [
                ("utf8.csv", table.utf8(), None),
                ("utf8-bom.csv", table.utf8_bom(), None),
                ("utf8-named.csv", table.utf8(), Some("UTF8")),
                ("gbk.csv", table.gbk(), None),
                ("gbk-named.csv", table.gbk(), Some("GB18030")),
                ("sheet.xlsx", table.xlsx(), None),
            ];
            let mut first: Option<(Value, Vec<String>)> = None;
            for (name, bytes, encoding) in variants {
                clear(&app).await;
                let job = import(&app, &bureau, kind, name, bytes, encoding).await;
                let outcome = (job, stored(&app, kind).await);
                let expected = first.get_or_insert_with(|| outcome.clone());
                assert_eq!(&outcome, &*expected, "{kind}: {name} differs from the UTF-8 CSV");
            }
            let (job, rows) = first.unwrap();
            assert_eq!(job["status"], "COMPLETED", "{kind}: {job:#}");
            assert_eq!((&job["totalRows"], &job["acceptedRows"], &job["rejectedRows"]), (&json!(3), &json!(2), &json!(1)), "{kind}: {job:#}");
            assert_eq!(lines_and_codes(&job), vec![(3, bad_code.to_string())], "{kind}");
            assert_eq!(rows.len(), 2, "{kind}: {rows:#?}");
            assert!(rows.iter().any(|r| r.contains(stored_text)), "{kind}: Chinese text and numbers read right: {rows:#?}");
            if kind == "REGISTRY" {
                // The workbook's snapshot_date and established_on are date cells: they read as those dates.
                assert!(rows.iter().all(|r| r.contains(" 2026-10-31 ")), "{rows:#?}");
                assert!(rows.iter().any(|r| r.contains("Some(2015-06-01)")), "{rows:#?}");
                assert_eq!(job["invalidCodeRows"], 1);
            }
        }
    }

    async fn a_gbk_file_read_as_utf8_is_refused_row_by_row_and_stores_nothing(app) {
        let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
        let job = import(&app, &bureau, "REGISTRY", "gbk.csv", registry().gbk(), Some("UTF8")).await;
        assert_eq!(job["status"], "COMPLETED", "{job:#}");
        assert_eq!((&job["totalRows"], &job["acceptedRows"], &job["rejectedRows"]), (&json!(3), &json!(0), &json!(3)));
        let expected: Vec<(i64, String)> = (2..=4).map(|line| (line, "INVALID_ROW".to_string())).collect();
        assert_eq!(lines_and_codes(&job), expected);
        let message = job["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains("UTF-8") && message.contains("GB18030"), "a hint at the encoding: {message}");
        assert!(stored(&app, "REGISTRY").await.is_empty());

        // The same file, encoding detected, imports.
        let job = import(&app, &bureau, "REGISTRY", "gbk.csv", registry().gbk(), None).await;
        assert_eq!(job["acceptedRows"], 2, "{job:#}");
    }

    async fn a_broken_or_legacy_workbook_fails_the_file_with_one_clear_message(app) {
        let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
        let whole = registry().xlsx();
        let truncated = whole[..whole.len() / 2].to_vec();
        let mut legacy = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
        legacy.extend([0u8; 512]);
        for (name, bytes, hint) in [("truncated.xlsx", truncated, "XLSX"), ("old.xls", legacy, ".xls")] {
            let job = import(&app, &bureau, "REGISTRY", name, bytes, None).await;
            assert_eq!(job["status"], "FAILED", "{name}: {job:#}");
            let failure = job["failure"].as_str().unwrap();
            assert!(failure.contains(hint), "{name}: {failure}");
            assert_eq!(job["totalRows"], 0);
        }
        // A workbook whose header lacks columns fails like a CSV file's.
        let thin = Table { columns: &[("uscc", Text), ("name", Text)], rows: vec![format!("{},雷州市一号有限公司", uscc(1))] };
        let job = import(&app, &bureau, "REGISTRY", "thin.xlsx", thin.xlsx(), None).await;
        assert_eq!(job["status"], "FAILED", "{job:#}");
        assert!(job["failure"].as_str().unwrap().contains("snapshot_date"), "{job:#}");
        assert!(stored(&app, "REGISTRY").await.is_empty());
    }

    async fn the_cli_reads_gbk_and_xlsx_files_with_the_same_report(app) {
        let dir = std::env::temp_dir().join(format!("xyd-formats-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut reports = Vec::new();
        for (name, bytes) in [("registry.csv", registry().utf8()), ("registry-gbk.csv", registry().gbk()), ("registry.xlsx", registry().xlsx())] {
            clear(&app).await;
            let file = dir.join(name);
            std::fs::write(&file, bytes).unwrap();
            xyd_cli::import::import_file(&app.state, xyd_domain::ImportKind::Registry, &file, Some("440882"), None).await.unwrap();
            let mut report_name = file.into_os_string();
            report_name.push(".rejected.csv");
            reports.push((std::fs::read_to_string(report_name).unwrap(), stored(&app, "REGISTRY").await));
        }
        assert!(reports[0].0.lines().nth(1).unwrap().starts_with("3,INVALID_USCC,"), "{}", reports[0].0);
        assert_eq!(reports[1], reports[0], "GBK CSV");
        assert_eq!(reports[2], reports[0], "XLSX");

        // Named explicitly, the encoding is used as named.
        clear(&app).await;
        let file = dir.join("named-gbk.csv");
        std::fs::write(&file, registry().gbk()).unwrap();
        let options = xyd_cli::import::ImportOptions {
            region: Some("440882".into()),
            report: Some(dir.join("named.rejected.csv")),
            source: xinyidai::imports::source::SourceOptions {
                format: None,
                encoding: Some(xinyidai::imports::source::Encoding::Gb18030),
            },
        };
        xyd_cli::import::import_file_with(&app.state, xyd_domain::ImportKind::Registry, &file, options).await.unwrap();
        assert_eq!(stored(&app, "REGISTRY").await, reports[0].1);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
