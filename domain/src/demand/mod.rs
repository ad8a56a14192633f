//! 融资需求 (financing demands): the bank response state machine, the demand status derived from the
//! responses, response clocks in working days (工作日), and explainable product matching (产品匹配).
//!
//! - [`response`]: (none) ─受理→ ACCEPTED ─授信→ CREDIT_GRANTED ─放款→ DISBURSED, 拒绝 from any
//!   non-final state; [`derive_status`] turns the responses into the demand's [`DemandStatus`].
//! - [`calendar`]: [`WorkCalendar`] counts working days in Asia/Shanghai on a configurable list of
//!   holidays (法定节假日) and make-up working days (调休上班).
//! - [`matching`]: [`evaluate`] says whether a product can serve a demand, with `reasons` and `unmet`;
//!   [`score`] ranks the eligible ones.
//!
//! [`DemandStatus`]: crate::DemandStatus

pub mod calendar;
pub mod matching;
pub mod new;
pub mod pre_credit;
pub mod renewal;
pub mod response;

pub use calendar::{WorkCalendar, local_date};
pub use matching::{
    DemandFacts, Detail, Evaluation, RankInputs, Reason, SubjectFacts, effective_rate, evaluate, evaluate_in,
    evaluate_subject, score, score_in,
};
pub use new::{DemandInput, DemandRules, NewDemand};
pub use response::{
    DEFAULT_MAX_HOLDERS, OPEN, SHARING, accept, choose, decline_for_other, derive_status, disburse, ensure_capacity,
    ensure_open, grant_credit, holder_count, holds, is_open, on_expiry, reject, supersede, withdraw,
};

/// 首次响应时限: a bank should first respond (accept or reject) within this many working days of
/// posting (configurable; default 3).
pub const FIRST_RESPONSE_WORKING_DAYS: u32 = 3;

/// 授信决定时限: a bank should decide on credit within this many working days of accepting
/// (configurable; default 10).
pub const CREDIT_DECISION_WORKING_DAYS: u32 = 10;
