//! Reading a subject's credit profile. One transaction decides access from the consent ledger, reads the
//! data and writes the access log, so every read that returned authorized data is logged exactly once and
//! a revocation that committed first is always seen.

use std::collections::BTreeMap;

use chrono::Utc;
use uuid::Uuid;
use xyd_domain::{
    AccessPurpose, ConsentId, DataCategory, DemandId, InstitutionId, RecordStatus, Role, SubjectId, TagList,
};

use super::entity::{access_log, credit_record, tax_record};
use super::repo;
use crate::auth::Principal;
use crate::consents::{active_for, ensure_demand_held, fact_of};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::subjects::{SubjectRepo, SubjectRow, SubjectView, ensure_verified};

/// What a caller may see of a subject's records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Viewer {
    /// The verified owner's users.
    Owner,
    /// Users of a registration not (yet) verified: what they typed and the public file, as the public sees it.
    Claimant,
    Bureau,
    Bank,
}

impl Viewer {
    /// Banks and bureaus: their reads are logged.
    pub fn is_institution(self) -> bool {
        matches!(self, Viewer::Bureau | Viewer::Bank)
    }
}

/// The authorized categories shown under `authorizedRecords`.
pub const AUTHORIZED_RECORD_CATEGORIES: [DataCategory; 4] =
    [DataCategory::SocialInsurance, DataCategory::HousingFund, DataCategory::Utilities, DataCategory::RealEstate];

/// The outcome of a profile read.
pub struct ProfileData {
    pub subject: SubjectRow,
    pub view: SubjectView,
    pub public_records: Vec<credit_record::Model>,
    pub tax: AppResult<Vec<tax_record::Model>>,
    pub authorized_records: AppResult<Vec<credit_record::Model>>,
}

/// Which of the caller's own records a viewer sees in public views: banks never see repaired or revoked
/// records; bureaus see repaired ones (history) but not revoked ones; owners see everything.
pub fn visible(viewer: Viewer, status: RecordStatus) -> bool {
    match viewer {
        Viewer::Owner => true,
        Viewer::Bureau => status != RecordStatus::Revoked,
        Viewer::Bank | Viewer::Claimant => matches!(status, RecordStatus::Active | RecordStatus::Disputed),
    }
}

/// Who `principal` is to `subject` for credit data, or FORBIDDEN (other enterprises, the platform admin,
/// bureaus outside their jurisdiction).
pub async fn viewer_of(state: &AppState, principal: &Principal, subject: &SubjectRow) -> AppResult<Viewer> {
    let refused = || AppError::forbidden("无权查看该主体的信用信息");
    if principal.role == Role::Enterprise && !principal.owns(subject.id) {
        return Err(refused());
    }
    match SubjectView::of(state, principal, subject).await? {
        SubjectView::Owner if ensure_verified(subject).is_ok() => Ok(Viewer::Owner),
        SubjectView::Owner => Ok(Viewer::Claimant),
        SubjectView::Bureau => Ok(Viewer::Bureau),
        SubjectView::Bank => Ok(Viewer::Bank),
        SubjectView::Admin => Err(refused()),
    }
}

fn consent_required(category: &str) -> AppError {
    AppError::ConsentRequired(format!("查看{category}须取得该企业的有效授权"))
}

pub async fn read(
    state: &AppState,
    principal: &Principal,
    subject: SubjectId,
    purpose: AccessPurpose,
    demand: Option<DemandId>,
) -> AppResult<ProfileData> {
    if let Some(demand) = demand {
        ensure_demand_held(state.db.conn(), demand, subject, principal.institution()?).await?;
    }
    let subject = SubjectRepo::get(state.db.conn(), subject).await?;
    let viewer = viewer_of(state, principal, &subject).await?;
    let view = match viewer {
        Viewer::Owner | Viewer::Claimant => SubjectView::Owner,
        Viewer::Bureau => SubjectView::Bureau,
        Viewer::Bank => SubjectView::Bank,
    };
    // A write transaction even for the read: it writes the access log, and on SQLite it serializes with
    // revocations.
    let txn = state.db.begin_write().await?;
    let records = repo::records_of(&*txn, &subject.uscc).await?;
    let public_records: Vec<credit_record::Model> =
        records.iter().filter(|r| r.category.is_public() && visible(viewer, r.status)).cloned().collect();

    let (tax, authorized_records) = if viewer == Viewer::Owner {
        let authorized = records.iter().filter(|r| r.category.is_authorized()).cloned().collect();
        (Ok(repo::tax_of(&*txn, &subject.uscc).await?), Ok(authorized))
    } else if viewer == Viewer::Claimant {
        // Until verified, a registration reaches no authorized data of its code: both parts carry the refusal.
        let refusal = ensure_verified(&subject).err().unwrap_or_else(|| AppError::internal("claimant", "verified"));
        (Err(refusal.clone()), Err(refusal))
    } else {
        read_under_consent(&*txn, principal, &subject, purpose, &records).await?
    };
    txn.commit().await?;
    Ok(ProfileData { subject, view, public_records, tax, authorized_records })
}

/// The authorized part of a profile for a bank or bureau: each category under the consent `Grants` finds for
/// it, and the access log of what was returned, in the read's transaction.
async fn read_under_consent(
    txn: &impl sea_orm::ConnectionTrait,
    principal: &Principal,
    subject: &SubjectRow,
    purpose: AccessPurpose,
    records: &[credit_record::Model],
) -> AppResult<(AppResult<Vec<tax_record::Model>>, AppResult<Vec<credit_record::Model>>)> {
    let grants = Grants::of(txn, principal, subject.id, purpose).await?;
    let tax = match grants.require(DataCategory::Tax, "纳税信息") {
        Ok(()) => Ok(repo::tax_of(txn, &subject.uscc).await?),
        Err(refusal) => Err(refusal),
    };
    let allowed: Vec<DataCategory> =
        AUTHORIZED_RECORD_CATEGORIES.iter().copied().filter(|c| grants.covers(*c)).collect();
    let authorized = if allowed.is_empty() {
        Err(consent_required("社保、公积金、水电、不动产等授权信息"))
    } else {
        Ok(records.iter().filter(|r| allowed.contains(&r.category)).cloned().collect())
    };
    let mut returned = allowed;
    if tax.is_ok() {
        returned.push(DataCategory::Tax);
    }
    grants.log(txn, principal, subject.id, &returned).await?;
    Ok((tax, authorized))
}

/// What a bank or bureau may read of a subject's authorized data for a purpose: each category with the first
/// active consent to its institution that covers it. The one rule every reader of authorized data follows (the
/// credit profile, the credit report), with the one way such a read is logged.
pub struct Grants {
    purpose: AccessPurpose,
    institution: InstitutionId,
    granted: BTreeMap<&'static str, (DataCategory, ConsentId)>,
}

impl Grants {
    /// The consents in force now, read in the caller's transaction (a revocation committed first is seen).
    pub async fn of(
        conn: &impl sea_orm::ConnectionTrait,
        principal: &Principal,
        subject: SubjectId,
        purpose: AccessPurpose,
    ) -> AppResult<Self> {
        let now = Utc::now();
        let institution = principal.institution()?;
        let mut granted = BTreeMap::new();
        for consent in &active_for(conn, subject, institution, now).await? {
            let fact = fact_of(consent);
            for c in &fact.categories {
                if fact.covers(*c, purpose, now) {
                    granted.entry(c.as_str()).or_insert((*c, consent.id));
                }
            }
        }
        Ok(Self { purpose, institution, granted })
    }

    pub fn covers(&self, category: DataCategory) -> bool {
        self.granted.contains_key(category.as_str())
    }

    /// CONSENT_REQUIRED naming `what` unless `category` is covered.
    pub fn require(&self, category: DataCategory, what: &str) -> AppResult<()> {
        if self.covers(category) { Ok(()) } else { Err(consent_required(what)) }
    }

    /// Log a read that returned the public part and the authorized `returned` categories: one row for the public
    /// categories, one per consent relied on, naming the categories it covered.
    pub async fn log(
        &self,
        conn: &impl sea_orm::ConnectionTrait,
        principal: &Principal,
        subject: SubjectId,
        returned: &[DataCategory],
    ) -> AppResult<()> {
        let mut by_consent: BTreeMap<ConsentId, Vec<DataCategory>> = BTreeMap::new();
        for (category, consent) in self.granted.values() {
            if returned.contains(category) {
                by_consent.entry(*consent).or_default().push(*category);
            }
        }
        let (institution, purpose) = (self.institution, self.purpose);
        log(conn, principal, institution, subject, purpose, None, &public_categories()).await?;
        for (consent, categories) in &by_consent {
            log(conn, principal, institution, subject, purpose, Some(*consent), categories).await?;
        }
        Ok(())
    }
}

/// A subject's records as `principal` may list them: the public ones (owners: all of their own; banks: not
/// repaired or revoked ones), a bank's or bureau's read logged in the same transaction as the read.
pub async fn records(
    state: &AppState,
    principal: &Principal,
    subject: SubjectId,
) -> AppResult<Vec<credit_record::Model>> {
    let subject = SubjectRepo::get(state.db.conn(), subject).await?;
    let viewer = viewer_of(state, principal, &subject).await?;
    let txn = state.db.begin_write().await?;
    let rows = repo::records_of(&*txn, &subject.uscc).await?;
    let visible = rows
        .into_iter()
        .filter(|r| (r.category.is_public() || viewer == Viewer::Owner) && visible(viewer, r.status))
        .collect();
    if viewer.is_institution() {
        let institution = principal.institution()?;
        let purpose = AccessPurpose::LoanApplication;
        log(&*txn, principal, institution, subject.id, purpose, None, &public_categories()).await?;
    }
    txn.commit().await?;
    Ok(visible)
}

/// The public (公示) categories: a read of public records logs all of them.
pub fn public_categories() -> Vec<DataCategory> {
    DataCategory::ALL.iter().copied().filter(|c| c.is_public()).collect()
}

/// Write one access-log row, as the next link of its audit chain.
pub async fn log(
    conn: &impl sea_orm::ConnectionTrait,
    principal: &Principal,
    institution: InstitutionId,
    subject: SubjectId,
    purpose: AccessPurpose,
    consent: Option<ConsentId>,
    categories: &[DataCategory],
) -> AppResult<()> {
    let row = access_log::Model {
        id: Uuid::now_v7(),
        subject_id: subject,
        user_id: principal.user_id,
        institution_id: institution,
        categories: TagList::new(categories.to_vec()),
        purpose,
        consent_id: consent,
        at: Utc::now(),
        chain_seq: None,
        chain_hash: None,
    };
    crate::audit::append(conn, row).await?;
    Ok(())
}
