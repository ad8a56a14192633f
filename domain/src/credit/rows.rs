//! Rows of the CREDIT and TAX import files.

use chrono::{Datelike, NaiveDate};
use xyd_reasons::Reason;

use crate::registry::{optional, parse_date, required};
use crate::{DataCategory, Money, RowError, TaxGrade, Uscc};

/// One 信用信息 row; natural key (source, doc_number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditRow {
    /// The subject.
    pub uscc: Uscc,
    /// Any category but TAX.
    pub category: DataCategory,
    /// 来源部门.
    pub source: String,
    /// 决定文书号.
    pub doc_number: String,
    /// Title.
    pub title: String,
    /// 决定日期.
    pub decided_at: NaiveDate,
    /// 公示截止日期.
    pub valid_until: Option<NaiveDate>,
}

fn text(value: &str, column: &str, max: usize) -> Result<String, RowError> {
    if value.chars().count() > max || value.chars().any(char::is_control) {
        return Err(RowError(Reason::ColumnTextTooLong { column: column.to_string(), max }));
    }
    Ok(value.to_string())
}

impl CreditRow {
    /// Columns a credit file must have.
    pub const COLUMNS: [&'static str; 6] = ["uscc", "category", "source", "doc_number", "title", "decided_at"];

    /// Validates one row; `get` returns the cell of a named column.
    pub fn parse<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Result<Self, RowError> {
        let uscc = Uscc::parse(required(get("uscc"), "uscc")?)?;
        let category = DataCategory::parse_field(required(get("category"), "category")?, "category")?;
        match category {
            DataCategory::Tax => return Err(RowError(Reason::TaxInCreditFile)),
            DataCategory::IncomeTax => return Err(RowError(Reason::IncomeTaxInCreditFile)),
            _ => {}
        }
        let decided_at = parse_date(required(get("decided_at"), "decided_at")?, "decided_at")?;
        let valid_until = optional(get("valid_until")).map(|d| parse_date(d, "valid_until")).transpose()?;
        if valid_until.is_some_and(|v| v < decided_at) {
            return Err(RowError(Reason::PublicityBeforeDecision));
        }
        Ok(Self {
            uscc,
            category,
            source: text(required(get("source"), "source")?, "source", 100)?,
            doc_number: text(required(get("doc_number"), "doc_number")?, "doc_number", 100)?,
            title: text(required(get("title"), "title")?, "title", 200)?,
            decided_at,
            valid_until,
        })
    }
}

/// One 纳税信用 row; natural key (uscc, year).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxRow {
    /// The subject.
    pub uscc: Uscc,
    /// Tax year.
    pub year: i32,
    /// 纳税信用等级.
    pub grade: TaxGrade,
    /// Tax paid.
    pub tax_paid: Money,
    /// VAT sales.
    pub vat_sales: Option<Money>,
    /// The day the tax bureau's data stood, if the file says (no later than today).
    pub snapshot_date: Option<NaiveDate>,
}

impl TaxRow {
    /// Columns a tax file must have (`vat_sales` and `snapshot_date` are optional).
    pub const COLUMNS: [&'static str; 4] = ["uscc", "year", "grade", "tax_paid"];

    /// Validates one row against `today` (no future years).
    pub fn parse<'a>(get: impl Fn(&str) -> Option<&'a str>, today: NaiveDate) -> Result<Self, RowError> {
        let uscc = Uscc::parse(required(get("uscc"), "uscc")?)?;
        let year: i32 = required(get("year"), "year")?.parse().map_err(|_| RowError(Reason::YearNotNumber))?;
        if !(1990..=today.year()).contains(&year) {
            return Err(RowError(Reason::YearOutOfRange { last: today.year() }));
        }
        let grade = TaxGrade::parse_field(required(get("grade"), "grade")?, "grade")?;
        let money = |v: &str, column: &str| -> Result<Money, RowError> {
            let m = Money::from_yuan_str(v)
                .map_err(|_| RowError(Reason::InvalidColumnMoney { column: column.to_string() }))?;
            if m.fen() < 0 {
                return Err(RowError(Reason::NegativeColumnMoney { column: column.to_string() }));
            }
            Ok(m)
        };
        Ok(Self {
            uscc,
            year,
            grade,
            tax_paid: money(required(get("tax_paid"), "tax_paid")?, "tax_paid")?,
            vat_sales: optional(get("vat_sales")).map(|v| money(v, "vat_sales")).transpose()?,
            snapshot_date: match optional(get("snapshot_date")) {
                None => None,
                Some(d) => {
                    let day = parse_date(d, "snapshot_date")?;
                    if day > today {
                        return Err(RowError(Reason::SnapshotDateInFuture { today: today.to_string() }));
                    }
                    Some(day)
                }
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    const USCC: &str = "91350100M000100Y43";

    fn map<'a>(pairs: &'a [(&'a str, &'a str)]) -> HashMap<&'a str, &'a str> {
        pairs.iter().copied().collect()
    }

    #[test]
    fn credit_rows_reject_tax_and_backward_dates() {
        let good = [
            ("uscc", USCC),
            ("category", "ADMIN_PENALTY"),
            ("source", "某局"),
            ("doc_number", "罚〔2025〕1号"),
            ("title", "行政处罚"),
            ("decided_at", "2025-01-02"),
            ("valid_until", "2026-01-02"),
        ];
        let m = map(&good);
        assert!(CreditRow::parse(|c| m.get(c).copied()).is_ok());
        let mut tax = good;
        tax[1] = ("category", "TAX");
        let m = map(&tax);
        assert_eq!(CreditRow::parse(|c| m.get(c).copied()).unwrap_err().code(), "TAX_IN_CREDIT_FILE");
        let mut back = good;
        back[6] = ("valid_until", "2024-01-01");
        let m = map(&back);
        assert_eq!(CreditRow::parse(|c| m.get(c).copied()).unwrap_err().code(), "INVALID_DATE");
    }

    #[test]
    fn tax_rows_check_year_grade_and_money() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let row = |year: &'static str, grade: &'static str, paid: &'static str| {
            let cells = [("uscc", USCC), ("year", year), ("grade", grade), ("tax_paid", paid)];
            let m: HashMap<&str, &str> = cells.into_iter().collect();
            TaxRow::parse(|c| m.get(c).copied(), today)
        };
        assert_eq!(row("2025", "A", "125000.50").unwrap().tax_paid.fen(), 12_500_050);
        assert_eq!(row("2030", "A", "1").unwrap_err().code(), "INVALID_YEAR");
        assert_eq!(row("2025", "E", "1").unwrap_err().code(), "INVALID_ENUM");
        assert_eq!(row("2025", "A", "-1").unwrap_err().code(), "INVALID_MONEY");
        assert_eq!(row("2025", "A", "1.234").unwrap_err().code(), "INVALID_MONEY");
    }
}
