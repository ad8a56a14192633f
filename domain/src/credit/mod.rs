//! 信用信息 (credit records) and 纳税信用 (tax credit): imported rows, the objection and repair life cycle,
//! and the 失信惩戒 / 守信激励 flags they drive.

mod flags;
pub mod freshness;
mod income_tax;
mod lifecycle;
mod rows;

pub use flags::{FlagPolicy, RecordFact, SubjectFlags, flags};
pub use income_tax::{GRANT_CODE_ALPHABET, GRANT_CODE_LEN, IncomeTaxRow, consecutive_declared_years, is_grant_code};
pub use lifecycle::{OBJECTION_DAYS, file_objection, repair, resolve_objection};
pub use rows::{CreditRow, TaxRow};
