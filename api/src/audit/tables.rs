//! Which tables are chained, and what their links cover. Both keep their link in `chain_seq` and `chain_hash`
//! and their time in `at`.

use chrono::{DateTime, Utc};

use super::chain::{Chain, Chained, Column};
use crate::credit::entity::{access_log, record_event};

macro_rules! chained {
    ($table:ident, $chain:expr, covers [$($covered:ident),+ $(,)?]) => {
        impl Chained for $table::Model {
            type Active = $table::ActiveModel;
            const CHAIN: Chain = $chain;

            fn id_column() -> Column<Self> {
                $table::Column::Id
            }
            fn at_column() -> Column<Self> {
                $table::Column::At
            }
            fn seq_column() -> Column<Self> {
                $table::Column::ChainSeq
            }
            fn hash_column() -> Column<Self> {
                $table::Column::ChainHash
            }
            fn covered() -> &'static [Column<Self>] {
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
