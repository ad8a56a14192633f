//! Which of credit's tables the audit chains, and what their links cover. Both keep their link in `chain_seq`
//! and `chain_hash` and their time in `at`. Declared here, beside the tables, because only credit names their
//! columns; the audit seals and walks the rows through `Chained` alone.

use chrono::{DateTime, Utc};

use super::entity::{access_log, record_event};
use crate::audit::{Chain, ChainTables, Chained};

/// The rows of the `access_log` and `record_events` chains, as the audit names them.
pub type AccessLogRow = access_log::Model;
pub type RecordEventRow = record_event::Model;

/// The chained tables, for the audit's sealing and walking (`audit::seal_legacy::<Chains>`, `audit::verify`).
pub struct Chains;

impl ChainTables for Chains {
    type AccessLog = AccessLogRow;
    type RecordEvents = RecordEventRow;
}

macro_rules! chained {
    ($table:ident, $chain:expr, covers [$($covered:ident),+ $(,)?]) => {
        impl Chained for $table::Model {
            type Active = $table::ActiveModel;
            const CHAIN: Chain = $chain;

            fn id_column() -> $table::Column {
                $table::Column::Id
            }
            fn at_column() -> $table::Column {
                $table::Column::At
            }
            fn seq_column() -> $table::Column {
                $table::Column::ChainSeq
            }
            fn hash_column() -> $table::Column {
                $table::Column::ChainHash
            }
            fn covered() -> &'static [$table::Column] {
                &[$($table::Column::$covered),+]
            }
            fn link(&self) -> (Option<i64>, Option<&str>) {
                (self.chain_seq, self.chain_hash.as_deref())
            }
            fn set_link(&mut self, seq: i64, hash: String) {
                (self.chain_seq, self.chain_hash) = (Some(seq), Some(hash));
            }
            fn stamp(&mut self, at: DateTime<Utc>) {
                self.at = at;
            }
        }
    };
}

chained!(access_log, Chain::AccessLog, covers [Id, SubjectId, UserId, InstitutionId, Categories, Purpose, ConsentId, At]);
chained!(record_event, Chain::RecordEvents, covers [Id, RecordId, Action, FromStatus, ToStatus, ActorId, Note, At]);
