//! Indicator reports as files: CSV (UTF-8 with BOM so Excel opens it, formula-like cells escaped) and a
//! formatted XLSX (Chinese headers, money and percentage formats, frozen header row, a sheet of notes).

use chrono::SecondsFormat;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use xyd_domain::indicators::Counts;
use xyd_domain::{Money, TaxGrade};
use xyd_reasons::Reason;

use super::report::{Report, Row};
use crate::error::{AppError, AppResult};

/// The file formats of `GET /exports/indicators`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

impl ExportFormat {
    pub fn parse(s: &str) -> AppResult<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(Self::Csv),
            "xlsx" => Ok(Self::Xlsx),
            _ => Err(AppError::input("format", Reason::InvalidFormat)),
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
        }
    }
}

/// One exported value.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Count(i64),
    /// Fen, shown in yuan.
    Money(i64),
    /// A share, 0–1, shown as a percentage.
    Share(Option<f64>),
    Hours(Option<f64>),
    /// Annual rate in basis points, shown as a percentage.
    Rate(Option<i32>),
    Unknown,
}

/// A column: its Chinese header and how its cell is read off a row's counts.
type Column = (&'static str, fn(&Counts) -> Cell);

/// The exported columns after the key and label, in order.
const COLUMNS: [Column; 36] = [
    ("存续主体数", |c| c.existing_subjects.map_or(Cell::Unknown, Cell::Count)),
    ("注册主体数", |c| Cell::Count(c.registered_subjects)),
    ("实名认证主体数", |c| Cell::Count(c.verified_subjects)),
    ("注册率", |c| Cell::Share(c.registration_rate())),
    ("发布需求数", |c| Cell::Count(c.demands_posted)),
    ("需求金额（元）", |c| Cell::Money(c.demand_amount)),
    ("获响应需求数", |c| Cell::Count(c.responded_demands)),
    ("响应率", |c| Cell::Share(c.response_rate())),
    ("按时响应数", |c| Cell::Count(c.responded_within_sla)),
    ("响应时长中位数（小时）", |c| Cell::Hours(c.median_response_hours)),
    ("授信笔数", |c| Cell::Count(c.lending.credit_granted_count)),
    ("授信金额（元）", |c| Cell::Money(c.lending.credit_granted_amount)),
    ("放款笔数", |c| Cell::Count(c.lending.disbursed_count)),
    ("放款金额（元）", |c| Cell::Money(c.lending.disbursed_amount)),
    ("获贷主体数", |c| Cell::Count(c.lending.loan_obtaining_subjects)),
    ("获贷企业占存续企业比例", |c| Cell::Share(c.loan_obtaining_ratio())),
    ("信用贷款占比", |c| Cell::Share(c.lending.credit_loan_share())),
    ("首贷户数", |c| Cell::Count(c.lending.first_loan_subjects)),
    ("银税互动贷款笔数", |c| Cell::Count(c.lending.tax_based_loan_count)),
    ("银税互动贷款金额（元）", |c| Cell::Money(c.lending.tax_based_loan_amount)),
    ("加权平均年利率", |c| Cell::Rate(c.lending.average_annual_rate().map(|r| r.bp()))),
    ("超时响应数", |c| Cell::Count(c.overdue_responses)),
    ("未办结异议数", |c| Cell::Count(c.open_objections)),
    ("超期异议数", |c| Cell::Count(c.overdue_objections)),
    ("纳税信用A级主体数", |c| Cell::Count(c.subjects_graded(TaxGrade::A))),
    ("纳税信用B级主体数", |c| Cell::Count(c.subjects_graded(TaxGrade::B))),
    ("纳税信用M级主体数", |c| Cell::Count(c.subjects_graded(TaxGrade::M))),
    ("纳税信用C级主体数", |c| Cell::Count(c.subjects_graded(TaxGrade::C))),
    ("纳税信用D级主体数", |c| Cell::Count(c.subjects_graded(TaxGrade::D))),
    ("未参评主体数", |c| Cell::Count(c.subjects_graded(TaxGrade::NotRated))),
    ("自然人注册数", |c| Cell::Count(c.persons.registered)),
    ("自然人核实数", |c| Cell::Count(c.persons.verified)),
    ("自然人需求数", |c| Cell::Count(c.persons.demands_posted)),
    ("自然人放款笔数", |c| Cell::Count(c.persons.lending.disbursed_count)),
    ("自然人放款金额（元）", |c| Cell::Money(c.persons.lending.disbursed_amount)),
    ("获贷自然人数", |c| Cell::Count(c.persons.lending.loan_obtaining_subjects)),
];

const KEY_HEADERS: [&str; 2] = ["分组", "名称"];

/// The data rows followed by the totals.
fn lines(report: &Report) -> impl Iterator<Item = &Row> {
    report.rows.iter().chain(std::iter::once(&report.totals))
}

/// A suggested file name, e.g. `indicators_4408_2026-01-01_2027-01-01.csv`.
pub fn file_name(report: &Report, format: ExportFormat) -> String {
    let region = report.region.as_ref().map_or("all", |r| r.as_str());
    format!("indicators_{region}_{}_{}.{}", report.period.from(), report.period.to(), format.extension())
}

/// How current the figures are at least, RFC 3339 in UTC as the GraphQL `asOf`, for the `X-Data-As-Of` header of
/// a download: a CSV is its header row and the figures, with no place for it (the XLSX also names it in 说明).
/// None when a standby cannot tell.
pub fn as_of(report: &Report) -> Option<String> {
    report.as_of.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

pub fn render(report: &Report, format: ExportFormat) -> AppResult<Vec<u8>> {
    match format {
        ExportFormat::Csv => csv(report),
        ExportFormat::Xlsx => xlsx(report).map_err(|e| AppError::internal("xlsx export", e)),
    }
}

/// CSV in UTF-8 with a byte-order mark; the header row, the data rows, then 合计.
pub fn csv(report: &Report) -> AppResult<Vec<u8>> {
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let header = KEY_HEADERS.iter().copied().chain(COLUMNS.iter().map(|(h, _)| *h));
    out.write_record(header).map_err(|e| AppError::internal("csv export", e))?;
    for row in lines(report) {
        let mut record = vec![escape(&row.key), escape(&row.label)];
        record.extend(COLUMNS.iter().map(|(_, value)| text(&value(&row.counts))));
        out.write_record(&record).map_err(|e| AppError::internal("csv export", e))?;
    }
    out.into_inner().map_err(|e| AppError::internal("csv export", e.to_string()))
}

/// A cell that a spreadsheet would read as a formula (= + - @, or a leading tab/CR) gets a leading quote.
pub fn escape(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

fn text(cell: &Cell) -> String {
    match cell {
        Cell::Count(n) => n.to_string(),
        Cell::Money(fen) => Money::from_fen(*fen).to_yuan_string(),
        Cell::Share(Some(s)) => format!("{:.2}%", s * 100.0),
        Cell::Hours(Some(h)) => format!("{h:.2}"),
        Cell::Rate(Some(bp)) => format!("{}.{:02}%", bp / 100, bp % 100),
        Cell::Share(None) | Cell::Hours(None) | Cell::Rate(None) | Cell::Unknown => String::new(),
    }
}

fn xlsx(report: &Report) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_text_wrap();
    figures_sheet(workbook.add_worksheet(), report, &header)?;
    notes_sheet(workbook.add_worksheet(), report, &header)?;
    workbook.save_to_buffer()
}

/// The 指标 sheet: one row per group and the total, frozen header and key columns.
fn figures_sheet(sheet: &mut Worksheet, report: &Report, header: &Format) -> Result<(), XlsxError> {
    let formats = Formats::new(Format::new());
    let total_formats = Formats::new(Format::new().set_bold());
    sheet.set_name("指标")?;
    for (col, title) in KEY_HEADERS.iter().chain(COLUMNS.iter().map(|(h, _)| h)).enumerate() {
        let col = col as u16;
        sheet.write_string_with_format(0, col, *title, header)?;
        sheet.set_column_width(col, if col < 2 { 16 } else { 13 })?;
    }
    sheet.set_row_height(0, 36)?;
    sheet.set_freeze_panes(1, 2)?;
    for (i, row) in lines(report).enumerate() {
        let r = i as u32 + 1;
        let f = if i == report.rows.len() { &total_formats } else { &formats };
        sheet.write_string_with_format(r, 0, &row.key, &f.text)?;
        sheet.write_string_with_format(r, 1, &row.label, &f.text)?;
        for (j, (_, value)) in COLUMNS.iter().enumerate() {
            let col = j as u16 + 2;
            match value(&row.counts) {
                Cell::Count(n) => sheet.write_number_with_format(r, col, n as f64, &f.count)?,
                Cell::Money(fen) => sheet.write_number_with_format(r, col, fen as f64 / 100.0, &f.money)?,
                Cell::Share(Some(s)) => sheet.write_number_with_format(r, col, s, &f.share)?,
                Cell::Hours(Some(h)) => sheet.write_number_with_format(r, col, h, &f.hours)?,
                Cell::Rate(Some(bp)) => sheet.write_number_with_format(r, col, f64::from(bp) / 10_000.0, &f.share)?,
                Cell::Share(None) | Cell::Hours(None) | Cell::Rate(None) | Cell::Unknown => sheet,
            };
        }
    }
    Ok(())
}

/// The 说明 sheet: period, region, grouping, the definitions version the figures follow and how current they are.
fn notes_sheet(notes: &mut Worksheet, report: &Report, header: &Format) -> Result<(), XlsxError> {
    notes.set_name("说明")?;
    let region = report.region.as_ref().map_or("全部".to_string(), |r| r.as_str().to_string());
    let group = report.group_by.map_or("不分组", |g| g.label_zh());
    let as_of = report.as_of.map_or("未知（只读副本无法判断其滞后）".to_string(), |t| {
        let local = t.with_timezone(&chrono_tz::Asia::Shanghai).format("%Y-%m-%d %H:%M:%S");
        format!("{local}（北京时间；此前提交的业务均已计入）")
    });
    let facts = [
        ("统计期间", format!("{} 至 {}（不含截止日，北京时间）", report.period.from(), report.period.to())),
        ("统计地区", region),
        ("分组维度", group.to_string()),
        ("指标口径版本", report.definitions_version.to_string()),
        ("数据截至", as_of),
        (
            "说明",
            "比率分母为0或未知时留空；存续主体数取截止日（含）前最新一期名录；\
             需求在响应时限前关闭（撤回、到期、未获贷或由他行放款）而终止的响应不计为超时"
                .to_string(),
        ),
    ];
    notes.set_column_width(0, 14)?;
    notes.set_column_width(1, 60)?;
    for (i, (name, value)) in facts.iter().enumerate() {
        notes.write_string_with_format(i as u32, 0, *name, header)?;
        notes.write_string(i as u32, 1, value)?;
    }
    Ok(())
}

struct Formats {
    text: Format,
    count: Format,
    money: Format,
    share: Format,
    hours: Format,
}

impl Formats {
    fn new(base: Format) -> Self {
        Self {
            text: base.clone(),
            count: base.clone().set_num_format("#,##0"),
            money: base.clone().set_num_format("#,##0.00"),
            share: base.clone().set_num_format("0.00%"),
            hours: base.set_num_format("0.00"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_cells_are_quoted() {
        assert_eq!(escape("=1+1"), "'=1+1");
        assert_eq!(escape("+86"), "'+86");
        assert_eq!(escape("-3"), "'-3");
        assert_eq!(escape("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(escape("雷州市"), "雷州市");
    }

    #[test]
    fn cells_print_as_people_read_them() {
        assert_eq!(text(&Cell::Money(150_000_050)), "1500000.50");
        assert_eq!(text(&Cell::Share(Some(0.125))), "12.50%");
        assert_eq!(text(&Cell::Rate(Some(435))), "4.35%");
        assert_eq!(text(&Cell::Rate(Some(5))), "0.05%");
        assert_eq!(text(&Cell::Share(None)), "");
        assert_eq!(text(&Cell::Unknown), "");
    }
}
