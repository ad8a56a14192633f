//! Indicator reports as files (`sheets`): CSV, and XLSX with a sheet of notes.

use chrono::SecondsFormat;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use xyd_domain::TaxGrade;
use xyd_domain::indicators::Counts;

use super::report::{Report, Row};
use crate::error::{AppError, AppResult};
pub use crate::sheets::ExportFormat;
use crate::sheets::{self, Cell, Table};

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

/// The report as a table: the key and label, then every column, per row and for 合计 last.
fn table(report: &Report) -> Table {
    let headers = KEY_HEADERS.iter().copied().chain(COLUMNS.iter().map(|(h, _)| *h)).collect();
    let rows = lines(report)
        .map(|row| {
            let mut cells = vec![Cell::Text(row.key.clone()), Cell::Text(row.label.clone())];
            cells.extend(COLUMNS.iter().map(|(_, value)| value(&row.counts)));
            cells
        })
        .collect();
    Table { headers, rows, total_last: true }
}

pub fn render(report: &Report, format: ExportFormat) -> AppResult<Vec<u8>> {
    match format {
        ExportFormat::Csv => sheets::csv(&table(report)),
        ExportFormat::Xlsx => xlsx(report).map_err(|e| AppError::internal("xlsx export", e)),
    }
}

fn xlsx(report: &Report) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    sheets::write(workbook.add_worksheet(), "指标", &table(report), 2)?;
    notes_sheet(workbook.add_worksheet(), report, &sheets::header_format())?;
    workbook.save_to_buffer()
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
