//! 贷款台账 (the loan ledger): every disbursement as a loan with its whole cost, 首贷 computed from the platform's
//! own loans and the imported loan history (`loan_history`, the LOAN_HISTORY import) beside what the bank
//! declared, for the bureau, the admin and each bank.

pub mod entity;
pub mod export;
pub mod first_loan;
mod graphql;
pub mod history;
pub mod ledger;

pub use graphql::{Loan, LoanFilter, LoanQuery, loans_of};
