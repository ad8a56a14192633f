//! Tables as files people open in Excel, one way for every export (indicators, the loan ledger): CSV in UTF-8 with
//! a byte-order mark (so Excel reads it), formula-like text escaped; XLSX with Chinese headers, number formats for
//! money, shares and rates, a frozen header row.

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Worksheet, XlsxError};
use xyd_domain::Money;
use xyd_reasons::Reason;

use crate::error::{AppError, AppResult};

/// The file formats of an export.
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
pub enum Cell {
    Text(String),
    Count(i64),
    /// Fen, shown in yuan.
    Money(i64),
    /// A share, 0–1, shown as a percentage.
    Share(Option<f64>),
    Hours(Option<f64>),
    /// Annual rate in basis points, shown as a percentage.
    Rate(Option<i32>),
    /// 是 / 否.
    Flag(bool),
    Unknown,
}

/// A table: its Chinese headers and rows of cells; the last row bold when it is a total.
pub struct Table {
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
    pub total_last: bool,
}

/// CSV in UTF-8 with a byte-order mark; the header row, then the rows.
pub fn csv(table: &Table) -> AppResult<Vec<u8>> {
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    out.write_record(&table.headers).map_err(|e| AppError::internal("csv export", e))?;
    for row in &table.rows {
        out.write_record(row.iter().map(text)).map_err(|e| AppError::internal("csv export", e))?;
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
        Cell::Text(s) => escape(s),
        Cell::Count(n) => n.to_string(),
        Cell::Money(fen) => Money::from_fen(*fen).to_yuan_string(),
        Cell::Share(Some(s)) => format!("{:.2}%", s * 100.0),
        Cell::Hours(Some(h)) => format!("{h:.2}"),
        Cell::Rate(Some(bp)) => format!("{}.{:02}%", bp / 100, bp % 100),
        Cell::Flag(yes) => if *yes { "是" } else { "否" }.to_string(),
        Cell::Share(None) | Cell::Hours(None) | Cell::Rate(None) | Cell::Unknown => String::new(),
    }
}

/// The format of a header cell.
pub fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_text_wrap()
}

/// Write `table` to `sheet` named `name`: the header row frozen with the first `key_columns` columns.
pub fn write(sheet: &mut Worksheet, name: &str, table: &Table, key_columns: u16) -> Result<(), XlsxError> {
    let formats = Formats::new(Format::new());
    let total_formats = Formats::new(Format::new().set_bold());
    sheet.set_name(name)?;
    let header = header_format();
    for (col, title) in table.headers.iter().enumerate() {
        let col = col as u16;
        sheet.write_string_with_format(0, col, *title, &header)?;
        sheet.set_column_width(col, if col < key_columns { 16 } else { 13 })?;
    }
    sheet.set_row_height(0, 36)?;
    sheet.set_freeze_panes(1, key_columns)?;
    for (i, row) in table.rows.iter().enumerate() {
        let r = i as u32 + 1;
        let f = if table.total_last && i + 1 == table.rows.len() { &total_formats } else { &formats };
        for (j, cell) in row.iter().enumerate() {
            let col = j as u16;
            match cell {
                Cell::Text(s) => sheet.write_string_with_format(r, col, s, &f.text)?,
                Cell::Flag(yes) => sheet.write_string_with_format(r, col, if *yes { "是" } else { "否" }, &f.text)?,
                Cell::Count(n) => sheet.write_number_with_format(r, col, *n as f64, &f.count)?,
                Cell::Money(fen) => sheet.write_number_with_format(r, col, *fen as f64 / 100.0, &f.money)?,
                Cell::Share(Some(s)) => sheet.write_number_with_format(r, col, *s, &f.share)?,
                Cell::Hours(Some(h)) => sheet.write_number_with_format(r, col, *h, &f.hours)?,
                Cell::Rate(Some(bp)) => sheet.write_number_with_format(r, col, f64::from(*bp) / 10_000.0, &f.share)?,
                Cell::Share(None) | Cell::Hours(None) | Cell::Rate(None) | Cell::Unknown => sheet,
            };
        }
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
        assert_eq!(text(&Cell::Flag(true)), "是");
        assert_eq!(text(&Cell::Text("=cmd".into())), "'=cmd");
        assert_eq!(text(&Cell::Share(None)), "");
        assert_eq!(text(&Cell::Unknown), "");
    }
}
