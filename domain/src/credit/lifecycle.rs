//! The life cycle of a credit record: ACTIVE → DISPUTED (objection filed) → ACTIVE (upheld) or REVOKED
//! (corrected); ACTIVE or DISPUTED → REPAIRED (信用修复).

use xyd_reasons::Reason;

use crate::{DomainError, ObjectionOutcome, RecordStatus};

/// Days within which an objection must be decided (征信业管理条例 Art. 25).
pub const OBJECTION_DAYS: i64 = 20;

/// Filing an objection disputes an active record.
pub fn file_objection(status: RecordStatus) -> Result<RecordStatus, DomainError> {
    match status {
        RecordStatus::Active => Ok(RecordStatus::Disputed),
        RecordStatus::Disputed => Err(DomainError::refused(Reason::ObjectionPending)),
        RecordStatus::Repaired | RecordStatus::Revoked => Err(DomainError::refused(Reason::RecordClosed)),
    }
}

/// Deciding an objection: corrected records are revoked, upheld ones become active again.
pub fn resolve_objection(status: RecordStatus, outcome: ObjectionOutcome) -> Result<RecordStatus, DomainError> {
    match (status, outcome) {
        (RecordStatus::Disputed, ObjectionOutcome::Corrected) => Ok(RecordStatus::Revoked),
        (RecordStatus::Disputed, ObjectionOutcome::Upheld) => Ok(RecordStatus::Active),
        _ => Err(DomainError::refused(Reason::NotDisputed)),
    }
}

/// 信用修复: the record keeps its history but loses its punitive effect.
pub fn repair(status: RecordStatus) -> Result<RecordStatus, DomainError> {
    match status {
        RecordStatus::Active | RecordStatus::Disputed => Ok(RecordStatus::Repaired),
        RecordStatus::Repaired => Err(DomainError::refused(Reason::AlreadyRepaired)),
        RecordStatus::Revoked => Err(DomainError::refused(Reason::RevokedNotRepairable)),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn an_objection_cycle_returns_to_active_or_revokes() {
        let disputed = file_objection(RecordStatus::Active).unwrap();
        assert_eq!(disputed, RecordStatus::Disputed);
        assert_eq!(resolve_objection(disputed, ObjectionOutcome::Upheld).unwrap(), RecordStatus::Active);
        assert_eq!(resolve_objection(disputed, ObjectionOutcome::Corrected).unwrap(), RecordStatus::Revoked);
        assert!(file_objection(disputed).is_err());
        assert!(resolve_objection(RecordStatus::Active, ObjectionOutcome::Upheld).is_err());
    }

    fn step() -> impl Strategy<Value = u8> {
        0u8..4
    }

    proptest! {
        /// Whatever happens, a revoked record stays revoked and a repaired one never becomes punitive again.
        #[test]
        fn revoked_and_repaired_are_final(steps in proptest::collection::vec(step(), 0..20)) {
            let mut status = RecordStatus::Active;
            for s in steps {
                let before = status;
                let next = match s {
                    0 => file_objection(status),
                    1 => resolve_objection(status, ObjectionOutcome::Upheld),
                    2 => resolve_objection(status, ObjectionOutcome::Corrected),
                    _ => repair(status),
                };
                if let Ok(next) = next {
                    status = next;
                }
                if before == RecordStatus::Revoked { prop_assert_eq!(status, RecordStatus::Revoked); }
                if before == RecordStatus::Repaired { prop_assert_eq!(status, RecordStatus::Repaired); }
            }
        }
    }
}
