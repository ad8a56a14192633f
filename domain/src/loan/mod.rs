//! What a loan costs: its repayment schedule and interest ([`schedule`]), and its whole cost with fees, the
//! 年化综合融资成本 ([`cost`]).

pub mod cost;
pub mod schedule;

pub use cost::{Fee, MAX_FEES, comprehensive_cost, fees};
pub use schedule::{Month, Repayment, repayment, schedule};
