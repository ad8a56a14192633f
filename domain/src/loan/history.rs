//! Rows of the LOAN_HISTORY import: loans the local credit platform (地方征信平台) already collected, per loan, so
//! the platform can tell an honest 首贷 — a borrower with any loan dated before a disbursement here is no first
//! borrower. Natural key (uscc, lender_uscc, loan_date, amount).

use chrono::NaiveDate;
use xyd_reasons::Reason;

use crate::registry::{optional, parse_date, required};
use crate::{Money, RowError, Uscc};

/// One loan of the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoanHistoryRow {
    /// The borrower.
    pub uscc: Uscc,
    /// The lender's code.
    pub lender_uscc: Uscc,
    /// The lender's name, as reported.
    pub lender_name: String,
    /// The day the loan was made.
    pub loan_date: NaiveDate,
    /// Its amount.
    pub amount: Money,
    /// Whether the lender reported it as the borrower's first loan (`是`/`否`), if it said.
    pub first_loan: Option<bool>,
}

impl LoanHistoryRow {
    /// Columns a loan-history file must have (`first_loan` is optional).
    pub const COLUMNS: [&'static str; 5] = ["uscc", "lender_uscc", "lender_name", "loan_date", "amount"];

    /// Validates one row against `today`; `get` returns the cell of a named column.
    pub fn parse<'a>(get: impl Fn(&str) -> Option<&'a str>, today: NaiveDate) -> Result<Self, RowError> {
        let uscc = Uscc::parse(required(get("uscc"), "uscc")?)?;
        let lender_uscc = Uscc::parse(required(get("lender_uscc"), "lender_uscc")?)?;
        let lender_name = required(get("lender_name"), "lender_name")?.trim().to_string();
        if lender_name.chars().count() > 100 || lender_name.chars().any(char::is_control) {
            return Err(RowError(Reason::ColumnTextTooLong { column: "lender_name".into(), max: 100 }));
        }
        let loan_date = parse_date(required(get("loan_date"), "loan_date")?, "loan_date")?;
        if loan_date > today {
            return Err(RowError(Reason::LoanDateInFuture { today: today.to_string() }));
        }
        let amount = Money::from_yuan_str(required(get("amount"), "amount")?)
            .map_err(|_| RowError(Reason::InvalidColumnMoney { column: "amount".into() }))?;
        if !amount.is_positive() {
            return Err(RowError(Reason::LoanAmountNotPositive));
        }
        let first_loan = match optional(get("first_loan")).map(str::trim) {
            None => None,
            Some("是" | "Y" | "y" | "true" | "TRUE" | "1") => Some(true),
            Some("否" | "N" | "n" | "false" | "FALSE" | "0") => Some(false),
            Some(_) => return Err(RowError(Reason::InvalidFirstLoanFlag)),
        };
        Ok(Self { uscc, lender_uscc, lender_name, loan_date, amount, first_loan })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    const BORROWER: &str = "12345";

    fn row(cells: &[(&str, &str)]) -> Result<LoanHistoryRow, RowError> {
        let map: HashMap<&str, &str> = cells.iter().copied().collect();
        LoanHistoryRow::parse(|c| map.get(c).copied(), NaiveDate::from_ymd_opt(2026, 12, 6).unwrap())
    }

    fn good(uscc: &str, lender: &str) -> Vec<(&'static str, String)> {
        vec![
            ("uscc", uscc.to_string()),
            ("lender_uscc", lender.to_string()),
            ("lender_name", "湛江农商银行".into()),
            ("loan_date", "2025-03-01".into()),
            ("amount", "300000.00".into()),
            ("first_loan", "是".into()),
        ]
    }

    #[test]
    fn each_bad_cell_has_its_reason() {
        let borrower = Uscc::from_parts('9', '1', "440882", "MA4UXXXX0").unwrap().to_string();
        let lender = Uscc::from_parts('9', '1', "440800", "YH0000001").unwrap().to_string();
        let base = good(&borrower, &lender);
        let cells = |change: &[(&'static str, &'static str)]| {
            let mut c: Vec<(&str, String)> = base.clone();
            for (k, v) in change {
                c.iter_mut().find(|(key, _)| key == k).unwrap().1 = v.to_string();
            }
            c
        };
        let parse = |c: Vec<(&str, String)>| {
            let borrowed: Vec<(&str, &str)> = c.iter().map(|(k, v)| (*k, v.as_str())).collect();
            row(&borrowed)
        };
        let ok = parse(cells(&[])).unwrap();
        assert_eq!((ok.amount.fen(), ok.first_loan), (30_000_000, Some(true)));
        let code = |change| parse(cells(change)).unwrap_err().0.code();
        assert_eq!(code(&[("loan_date", "2027-01-01")]), "DATE_IN_FUTURE");
        assert_eq!(code(&[("amount", "0")]), "INVALID_LOAN_AMOUNT");
        assert_eq!(code(&[("first_loan", "也许")]), "INVALID_FIRST_LOAN");
        assert_eq!(code(&[("uscc", BORROWER)]), "INVALID_USCC");
        assert_eq!(parse(cells(&[("first_loan", "")])).unwrap().first_loan, None);
    }
}
