//! 授权 (consent): which authorized data a grantee may read, for what purpose, until when. Public (公示)
//! categories need no consent; authorized ones are readable only under an active consent that covers the
//! category and the purpose (征信业管理条例 Art. 13/14/18, PIPL Art. 23).

use chrono::{DateTime, Duration, Utc};
use xyd_reasons::Reason;

use crate::{AccessPurpose, DataCategory, DomainError};

/// The longest a consent may run.
pub const MAX_VALIDITY_DAYS: i64 = 366;

/// The validated terms of a grant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsentTerms {
    /// Authorized categories covered, sorted and distinct.
    pub categories: Vec<DataCategory>,
    /// What the data may be used for.
    pub purpose: AccessPurpose,
    /// Start of validity.
    pub valid_from: DateTime<Utc>,
    /// End of validity (exclusive).
    pub valid_until: DateTime<Utc>,
}

impl ConsentTerms {
    /// Validate a grant made at `now`.
    pub fn parse(
        categories: &[DataCategory],
        purpose: AccessPurpose,
        valid_until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Self, DomainError> {
        if categories.is_empty() {
            return Err(DomainError::invalid("categories", Reason::CategoriesRequired));
        }
        if let Some(public) = categories.iter().find(|c| c.is_public()) {
            return Err(DomainError::invalid("categories", Reason::PublicCategoryConsent { label: public.label_zh() }));
        }
        if valid_until <= now {
            return Err(DomainError::invalid("validUntil", Reason::ValidityPast));
        }
        if valid_until > now + Duration::days(MAX_VALIDITY_DAYS) {
            return Err(DomainError::invalid("validUntil", Reason::ValidityTooLong));
        }
        let mut categories = categories.to_vec();
        categories.sort_by_key(|c| c.as_str());
        categories.dedup();
        Ok(Self { categories, purpose, valid_from: now, valid_until })
    }
}

/// A stored consent, as far as access decisions need it.
#[derive(Clone, Debug)]
pub struct ConsentFact {
    /// Covered categories.
    pub categories: Vec<DataCategory>,
    /// Purpose.
    pub purpose: AccessPurpose,
    /// Start of validity.
    pub valid_from: DateTime<Utc>,
    /// End of validity (exclusive).
    pub valid_until: DateTime<Utc>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ConsentFact {
    /// In force at `now`: started, not expired, not revoked.
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.valid_from <= now && now < self.valid_until
    }

    /// Allows reading `category` for `purpose` at `now`.
    pub fn covers(&self, category: DataCategory, purpose: AccessPurpose, now: DateTime<Utc>) -> bool {
        self.is_active(now) && self.purpose == purpose && self.categories.contains(&category)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-23T08:00:00+08:00").unwrap().with_timezone(&Utc)
    }

    #[test]
    fn public_categories_and_long_or_past_validity_are_refused() {
        let later = now() + Duration::days(30);
        assert_eq!(
            ConsentTerms::parse(&[DataCategory::AdminPenalty], AccessPurpose::LoanApplication, later, now())
                .unwrap_err()
                .code(),
            "NOT_AUTHORIZED_CATEGORY"
        );
        assert!(ConsentTerms::parse(&[], AccessPurpose::LoanApplication, later, now()).is_err());
        assert!(ConsentTerms::parse(&[DataCategory::Tax], AccessPurpose::LoanApplication, now(), now()).is_err());
        assert!(
            ConsentTerms::parse(
                &[DataCategory::Tax],
                AccessPurpose::LoanApplication,
                now() + Duration::days(400),
                now()
            )
            .is_err()
        );
        let t = ConsentTerms::parse(
            &[DataCategory::Tax, DataCategory::SocialInsurance, DataCategory::Tax],
            AccessPurpose::PostLoan,
            later,
            now(),
        )
        .unwrap();
        assert_eq!(t.categories.len(), 2);
    }

    #[test]
    fn coverage_needs_category_purpose_validity_and_no_revocation() {
        let fact = ConsentFact {
            categories: vec![DataCategory::Tax],
            purpose: AccessPurpose::LoanApplication,
            valid_from: now(),
            valid_until: now() + Duration::days(30),
            revoked_at: None,
        };
        let at = now() + Duration::days(1);
        assert!(fact.covers(DataCategory::Tax, AccessPurpose::LoanApplication, at));
        assert!(!fact.covers(DataCategory::Tax, AccessPurpose::PostLoan, at));
        assert!(!fact.covers(DataCategory::SocialInsurance, AccessPurpose::LoanApplication, at));
        assert!(!fact.covers(DataCategory::Tax, AccessPurpose::LoanApplication, now() + Duration::days(31)));
        let revoked = ConsentFact { revoked_at: Some(at), ..fact };
        assert!(!revoked.covers(DataCategory::Tax, AccessPurpose::LoanApplication, at));
    }
}
