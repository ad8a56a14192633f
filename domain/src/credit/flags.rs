//! 失信惩戒 (restricted) and 守信激励 (trusted): derived from a subject's records and latest tax grade.

use crate::{DataCategory, RecordStatus, TaxGrade};

/// How disputed records count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FlagPolicy {
    /// While an objection is open, the record's punitive effect is suspended (default on).
    pub suspend_while_disputed: bool,
}

impl Default for FlagPolicy {
    fn default() -> Self {
        Self { suspend_while_disputed: true }
    }
}

impl FlagPolicy {
    /// Whether a record in `status` has punitive effect.
    pub fn punitive(&self, status: RecordStatus) -> bool {
        match status {
            RecordStatus::Active => true,
            RecordStatus::Disputed => !self.suspend_while_disputed,
            RecordStatus::Repaired | RecordStatus::Revoked => false,
        }
    }
}

/// What the flags need of one record.
#[derive(Clone, Copy, Debug)]
pub struct RecordFact {
    /// Its category.
    pub category: DataCategory,
    /// Its status.
    pub status: RecordStatus,
}

/// The derived flags.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SubjectFlags {
    /// An ACTIVE (punitive) serious-dishonesty record.
    pub restricted: bool,
    /// Latest tax grade A, or an active HONOR record.
    pub trusted: bool,
}

/// The flags of a subject with `records` whose latest tax grade is `latest_grade`.
pub fn flags(records: &[RecordFact], latest_grade: Option<TaxGrade>, policy: FlagPolicy) -> SubjectFlags {
    let restricted = records.iter().any(|r| r.category == DataCategory::SeriousDishonesty && policy.punitive(r.status));
    let honored = records.iter().any(|r| r.category == DataCategory::Honor && r.status == RecordStatus::Active);
    SubjectFlags { restricted, trusted: honored || latest_grade == Some(TaxGrade::A) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(category: DataCategory, status: RecordStatus) -> RecordFact {
        RecordFact { category, status }
    }

    #[test]
    fn a_disputed_dishonesty_record_is_suspended_by_default() {
        let r = [fact(DataCategory::SeriousDishonesty, RecordStatus::Disputed)];
        assert!(!flags(&r, None, FlagPolicy::default()).restricted);
        assert!(flags(&r, None, FlagPolicy { suspend_while_disputed: false }).restricted);
        assert!(
            flags(&[fact(DataCategory::SeriousDishonesty, RecordStatus::Active)], None, FlagPolicy::default())
                .restricted
        );
        assert!(
            !flags(&[fact(DataCategory::SeriousDishonesty, RecordStatus::Repaired)], None, FlagPolicy::default())
                .restricted
        );
    }

    #[test]
    fn grade_a_or_an_honor_makes_a_subject_trusted() {
        assert!(flags(&[], Some(TaxGrade::A), FlagPolicy::default()).trusted);
        assert!(!flags(&[], Some(TaxGrade::B), FlagPolicy::default()).trusted);
        assert!(flags(&[fact(DataCategory::Honor, RecordStatus::Active)], None, FlagPolicy::default()).trusted);
    }

    use proptest::prelude::*;

    fn any_fact() -> impl Strategy<Value = RecordFact> {
        (proptest::sample::select(DataCategory::ALL), proptest::sample::select(RecordStatus::ALL))
            .prop_map(|(category, status)| RecordFact { category, status })
    }

    proptest! {
        /// The rule the platform runs: restricted exactly when a serious-dishonesty record has punitive effect under
        /// the policy; trusted exactly when an honor is active or the latest grade is A; whatever the order of the
        /// records, and untouched by records of other categories.
        #[test]
        fn flags_follow_the_rule_whatever_the_order(
            records in proptest::collection::vec(any_fact(), 0..12),
            grade in proptest::option::of(proptest::sample::select(TaxGrade::ALL)),
            suspend in any::<bool>(),
        ) {
            let policy = FlagPolicy { suspend_while_disputed: suspend };
            let got = flags(&records, grade, policy);
            let restricted = records.iter().any(|r| r.category == DataCategory::SeriousDishonesty
                && (r.status == RecordStatus::Active || (r.status == RecordStatus::Disputed && !suspend)));
            let trusted = grade == Some(TaxGrade::A)
                || records.iter().any(|r| r.category == DataCategory::Honor && r.status == RecordStatus::Active);
            prop_assert_eq!(got, SubjectFlags { restricted, trusted });
            let mut reversed = records.clone();
            reversed.reverse();
            prop_assert_eq!(flags(&reversed, grade, policy), got);
            let others: Vec<RecordFact> = records.iter().copied()
                .filter(|r| !matches!(r.category, DataCategory::SeriousDishonesty | DataCategory::Honor)).collect();
            prop_assert_eq!(flags(&others, None, policy), SubjectFlags::default());
        }
    }
}
