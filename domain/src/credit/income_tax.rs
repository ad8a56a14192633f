//! Rows of the INCOME_TAX import file: a natural person's 个人所得税 summary for a year, sent by the tax bureau
//! under the grant code of the person's authorization. What the row says about the grant (the code, the ID
//! number, the name) is checked against the authorization by the importer; here only its shape.

use chrono::{Datelike, NaiveDate};
use xyd_reasons::Reason;

use crate::registry::{optional, parse_date, required};
use crate::{IdNumber, IncomeKind, Money, RowError, Uscc};

/// The alphabet of grant codes: digits and capitals without 0, 1, I and O, which are easily misread.
pub const GRANT_CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
/// Characters in a grant code.
pub const GRANT_CODE_LEN: usize = 16;

/// Whether `code` has a grant code's shape (what no authorization can have is unknown at once).
pub fn is_grant_code(code: &str) -> bool {
    code.len() == GRANT_CODE_LEN && code.bytes().all(|b| GRANT_CODE_ALPHABET.contains(&b))
}

/// One 个人所得税 row; natural key (the grant's person, year, kind).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomeTaxRow {
    /// The grant code the person was given (upper case).
    pub grant_code: String,
    /// The person's number, compared with the grantor's by keyed hash and never stored.
    pub id_number: IdNumber,
    /// The person's name, compared with the grantor's.
    pub name: String,
    /// Tax year.
    pub year: i32,
    /// 经营所得 or 综合所得.
    pub kind: IncomeKind,
    /// 应纳税所得额.
    pub taxable_income: Money,
    /// 已缴税额.
    pub tax_paid: Money,
    /// Months with a declaration that year, 0–12.
    pub months_declared: u8,
    /// The individual business whose 经营所得 this is, if named.
    pub uscc: Option<Uscc>,
    /// The tax bureau's snapshot date.
    pub snapshot_date: NaiveDate,
}

impl IncomeTaxRow {
    /// Columns an income-tax file must have (`uscc` is optional).
    pub const COLUMNS: [&'static str; 9] = [
        "grant_code",
        "id_number",
        "name",
        "year",
        "kind",
        "taxable_income",
        "tax_paid",
        "months_declared",
        "snapshot_date",
    ];

    /// Validates one row against `today`; `get` returns the cell of a named column.
    pub fn parse<'a>(get: impl Fn(&str) -> Option<&'a str>, today: NaiveDate) -> Result<Self, RowError> {
        let grant_code = required(get("grant_code"), "grant_code")?.to_ascii_uppercase();
        if !is_grant_code(&grant_code) {
            return Err(RowError(Reason::GrantCodeUnknown));
        }
        let id_number = IdNumber::parse(required(get("id_number"), "id_number")?)?;
        let name = required(get("name"), "name")?.to_string();
        let year: i32 = required(get("year"), "year")?.parse().map_err(|_| RowError(Reason::YearNotNumber))?;
        if !(1990..=today.year()).contains(&year) {
            return Err(RowError(Reason::YearOutOfRange { last: today.year() }));
        }
        let kind = IncomeKind::parse_field(required(get("kind"), "kind")?, "kind")?;
        let money = |column: &str| -> Result<Money, RowError> {
            let m = Money::from_yuan_str(required(get(column), column)?)
                .map_err(|_| RowError(Reason::InvalidColumnMoney { column: column.to_string() }))?;
            if m.fen() < 0 {
                return Err(RowError(Reason::NegativeColumnMoney { column: column.to_string() }));
            }
            Ok(m)
        };
        let months_declared = required(get("months_declared"), "months_declared")?
            .parse::<u8>()
            .ok()
            .filter(|m| *m <= 12)
            .ok_or(RowError(Reason::MonthsDeclaredRange))?;
        let snapshot_date = parse_date(required(get("snapshot_date"), "snapshot_date")?, "snapshot_date")?;
        if snapshot_date > today {
            return Err(RowError(Reason::SnapshotInFuture { today: today.to_string() }));
        }
        Ok(Self {
            grant_code,
            id_number,
            name,
            year,
            kind,
            taxable_income: money("taxable_income")?,
            tax_paid: money("tax_paid")?,
            months_declared,
            uscc: optional(get("uscc")).map(Uscc::parse).transpose()?,
            snapshot_date,
        })
    }
}

/// Consecutive declared income-tax years ending at the latest declared one, which must be last year or the year
/// before (a year's annual filing, 汇算清缴, runs until the next June 30); 0 when there is none that recent.
/// `declared`: the years with at least one month declared, in any order, repeats allowed.
pub fn consecutive_declared_years(declared: &[i32], today: NaiveDate) -> u8 {
    let Some(&latest) = declared.iter().filter(|&&y| y < today.year()).max() else { return 0 };
    if latest < today.year() - 2 {
        return 0;
    }
    let mut run = 0u8;
    while run < u8::MAX && declared.contains(&(latest - i32::from(run))) {
        run += 1;
    }
    run
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn row(overrides: &[(&'static str, &'static str)]) -> Result<IncomeTaxRow, RowError> {
        let mut cells: HashMap<&str, &str> = [
            ("grant_code", "abcd2345efgh6789"),
            ("id_number", "11010519491231002X"),
            ("name", "陈小明"),
            ("year", "2025"),
            ("kind", "经营所得"),
            ("taxable_income", "120000.00"),
            ("tax_paid", "6500.50"),
            ("months_declared", "12"),
            ("snapshot_date", "2026-03-31"),
        ]
        .into_iter()
        .collect();
        cells.extend(overrides.iter().copied());
        IncomeTaxRow::parse(|c| cells.get(c).copied(), NaiveDate::from_ymd_opt(2026, 12, 6).unwrap())
    }

    #[test]
    fn a_good_row_parses_with_the_code_upper_case() {
        let r = row(&[]).unwrap();
        assert_eq!((r.grant_code.as_str(), r.kind, r.months_declared), ("ABCD2345EFGH6789", IncomeKind::Business, 12));
        assert_eq!(r.tax_paid, Money::from_fen(650_050));
        assert_eq!(r.uscc, None);
    }

    #[test]
    fn each_bad_cell_has_its_reason() {
        let code = |o: &[(&'static str, &'static str)]| row(o).unwrap_err().0.code();
        assert_eq!(code(&[("grant_code", "ABCD2345EFGH678O")]), "GRANT_CODE_UNKNOWN", "O is not in the alphabet");
        assert_eq!(code(&[("grant_code", "ABCD")]), "GRANT_CODE_UNKNOWN");
        assert_eq!(code(&[("id_number", "110105194912310021")]), "INVALID_ID_NUMBER");
        assert_eq!(code(&[("months_declared", "13")]), "INVALID_MONTHS");
        assert_eq!(code(&[("months_declared", "-1")]), "INVALID_MONTHS");
        assert_eq!(code(&[("tax_paid", "-5")]), "INVALID_MONEY");
        assert_eq!(code(&[("year", "2027")]), "INVALID_YEAR");
        assert_eq!(code(&[("snapshot_date", "2026-12-07")]), "INVALID_DATE");
    }

    #[test]
    fn declared_years_run_back_from_a_recent_year_without_gaps() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        assert_eq!(consecutive_declared_years(&[2025, 2024, 2024, 2022], today), 2, "2023 missing ends the run");
        assert_eq!(consecutive_declared_years(&[2024, 2023], today), 2, "the year before last may be the latest");
        assert_eq!(consecutive_declared_years(&[2023, 2022], today), 0, "too old");
        assert_eq!(consecutive_declared_years(&[2026, 2025], today), 1, "this year is not over");
        assert_eq!(consecutive_declared_years(&[], today), 0);
    }
}
