//! 审计链 — tamper-evident audit trails. Every access-log row (who read whose data, under which consent) and
//! every credit-record event (objections, repairs) takes the next place in its table's hash chain: the row
//! stores its position and the SHA-256 of its content and of the previous row's hash. Editing, deleting or
//! inserting a row by hand breaks the chain at that row, which `verify` finds and names; a head per day
//! (`anchors`) exported and kept elsewhere also catches a chain rewritten from the edit onwards.

mod anchors;
mod chain;
mod entity;
mod sequencer;
mod verify;
mod watch;

pub use anchors::{Anchor, anchor_heads, anchors, closed_day, parse_anchor_csv, spawn_anchoring};
pub use chain::{Chain, ChainTables, Chained, GENESIS, append, seal_legacy};
pub use sequencer::{Decide, Decided, Sequencer};
pub use verify::{Break, ChainReport, verify};
pub use watch::spawn_verification;
