//! What a loan costs: its repayment schedule and interest ([`schedule`]), and its whole cost with fees, the
//! 年化综合融资成本 ([`cost`]); the loans collected elsewhere that make a 首贷 honest ([`history`]).

pub mod cost;
pub mod history;
pub mod schedule;

pub use cost::{Fee, MAX_FEES, comprehensive_cost, fees};
pub use history::LoanHistoryRow;
pub use schedule::{Month, Repayment, repayment, schedule};
