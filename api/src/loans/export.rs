//! The ledger as a file (`GET /exports/loans`, `sheets`): every loan the caller may see under the filter, newest
//! first. A lender without a code is exported with an empty code (the admin lists them with
//! `loans(filter: {lenderWithoutCode: true})`); a natural person appears with the masked number only.

use rust_xlsxwriter::{Workbook, XlsxError};
use xyd_domain::RepaymentMethod;

use super::graphql::{Loan, loans_of};
use super::ledger::{self, Filter};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::pagination::{MAX_PAGE, Page};
use crate::sheets::{self, Cell, ExportFormat, Table};
use crate::state::AppState;

/// A column: its Chinese header and how its cell is read off a loan.
type Column = (&'static str, fn(&Loan) -> Cell);

const COLUMNS: [Column; 18] = [
    ("贷款ID", |l| Cell::Text(l.id.to_string())),
    ("借款主体", |l| Cell::Text(l.borrower.name.clone())),
    ("统一社会信用代码/证件号码", |l| {
        Cell::Text(l.borrower.uscc.clone().or_else(|| l.borrower.id_number_masked.clone()).unwrap_or_default())
    }),
    ("所在地区代码", |l| Cell::Text(l.borrower.region_code.clone())),
    ("放款银行", |l| Cell::Text(l.lender.name.clone())),
    ("放款银行统一社会信用代码", |l| Cell::Text(l.lender.uscc.clone().unwrap_or_default())),
    ("放款日", |l| Cell::Text(l.disbursed_on.0.to_string())),
    ("放款金额（元）", |l| Cell::Money(l.amount.0.fen())),
    ("期限（月）", |l| Cell::Count(i64::from(l.term_months))),
    ("年利率", |l| Cell::Rate(Some(l.annual_rate.0.bp()))),
    ("还款方式", |l| Cell::Text(RepaymentMethod::from(l.repayment_method).label_zh().to_string())),
    ("担保方式", |l| {
        let types: Vec<&str> = l.guarantee_types.iter().map(|t| xyd_domain::ProductType::from(*t).label_zh()).collect();
        Cell::Text(types.join("、"))
    }),
    ("信用贷款", |l| Cell::Flag(l.credit_loan)),
    ("费用合计（元，每次收取额）", |l| Cell::Money(l.fees.iter().map(|f| f.amount.0.fen()).sum())),
    ("年化综合融资成本", |l| Cell::Rate(Some(l.comprehensive_cost.0.bp()))),
    ("首贷（平台计算）", |l| Cell::Flag(l.first_loan)),
    ("首贷（银行申报）", |l| Cell::Flag(l.declared_first_loan)),
    ("首贷不一致", |l| Cell::Flag(l.first_loan_mismatch)),
];

/// Every loan of `filter` that `principal` may see, as a file of `format`.
pub async fn render(
    state: &AppState,
    principal: &Principal,
    filter: &Filter,
    format: ExportFormat,
) -> AppResult<Vec<u8>> {
    let mut rows = Vec::new();
    let mut after = None;
    loop {
        let page = Page { first: MAX_PAGE as u64, after };
        let (_, mut listed) = ledger::page(state.db.conn(), principal, filter, page).await?;
        let more = listed.len() as u64 > page.first;
        listed.truncate(page.first as usize);
        after = listed.last().map(|l| l.id.as_uuid());
        rows.extend(
            loans_of(state, principal, &listed).await?.iter().map(|l| COLUMNS.iter().map(|(_, c)| c(l)).collect()),
        );
        if !more {
            break;
        }
    }
    let table = Table { headers: COLUMNS.iter().map(|(h, _)| *h).collect(), rows, total_last: false };
    match format {
        ExportFormat::Csv => sheets::csv(&table),
        ExportFormat::Xlsx => xlsx(&table).map_err(|e| AppError::internal("xlsx export", e)),
    }
}

fn xlsx(table: &Table) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    sheets::write(workbook.add_worksheet(), "贷款台账", table, 2)?;
    workbook.save_to_buffer()
}
