//! Which tables are chained: the rows of each chain. Each table's owner implements `Chained` for its rows,
//! saying what a link covers (`credit/chained.rs`), since only the owner names its columns.

pub(super) type AccessLog = crate::credit::AccessLogRow;
pub(super) type RecordEvents = crate::credit::RecordEventRow;
