//! Reading a subject's credit profile. Access is decided from the consent ledger as committed, the data read,
//! and the read logged (`access::AccessLog`) before anything is returned: the log admits it only while every
//! consent it relied on is still in force, so every read that returned authorized data is logged exactly once
//! and a revocation that committed before the log is always seen (the read is then decided again).

use std::collections::BTreeMap;

use chrono::Utc;
use xyd_domain::{AccessPurpose, ConsentId, DataCategory, DemandId, InstitutionId, RecordStatus, Role, SubjectId};

use super::access::{AccessLog, Read};
use super::entity::{credit_record, tax_record};
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

/// CONSENT_REQUIRED for reading `category` without a consent that covers it.
pub fn consent_required(category: &str) -> AppError {
    AppError::ConsentRequired(format!("查看{category}须取得该企业的有效授权"))
}

/// Attempts at a read whose consents ended while it was being logged (each attempt decides again).
const ATTEMPTS: usize = 3;

pub async fn read(
    state: &AppState,
    principal: &Principal,
    subject: SubjectId,
    purpose: AccessPurpose,
    demand: Option<DemandId>,
) -> AppResult<ProfileData> {
    let conn = state.db.conn();
    if let Some(demand) = demand {
        ensure_demand_held(conn, demand, subject, principal.institution()?).await?;
    }
    let subject = SubjectRepo::get(conn, subject).await?;
    let viewer = viewer_of(state, principal, &subject).await?;
    let view = match viewer {
        Viewer::Owner | Viewer::Claimant => SubjectView::Owner,
        Viewer::Bureau => SubjectView::Bureau,
        Viewer::Bank => SubjectView::Bank,
    };
    for _ in 0..ATTEMPTS {
        let records = repo::records_of(conn, &subject.uscc).await?;
        let public_records: Vec<credit_record::Model> =
            records.iter().filter(|r| r.category.is_public() && visible(viewer, r.status)).cloned().collect();
        let (tax, authorized_records) = match viewer {
            Viewer::Owner => {
                let authorized = records.iter().filter(|r| r.category.is_authorized()).cloned().collect();
                (Ok(repo::tax_of(conn, &subject.uscc).await?), Ok(authorized))
            }
            Viewer::Claimant => {
                // Until verified, a registration reaches no authorized data of its code: both parts carry the refusal.
                let refusal =
                    ensure_verified(&subject).err().unwrap_or_else(|| AppError::internal("claimant", "verified"));
                (Err(refusal.clone()), Err(refusal))
            }
            Viewer::Bureau | Viewer::Bank => {
                match read_under_consent(state, principal, &subject, purpose, &records).await? {
                    Some(parts) => parts,
                    // A consent it relied on ended before the read was logged: decide again.
                    None => continue,
                }
            }
        };
        return Ok(ProfileData { subject, view, public_records, tax, authorized_records });
    }
    Err(AppError::ConsentRequired("授权在读取期间发生变更，请重试".into()))
}

/// The authorized part of a profile for a bank or bureau: each category under the consent `Grants` finds for
/// it, logged before it is returned; `None` when the log refused it (a consent ended meanwhile).
async fn read_under_consent(
    state: &AppState,
    principal: &Principal,
    subject: &SubjectRow,
    purpose: AccessPurpose,
    records: &[credit_record::Model],
) -> AppResult<Option<(AppResult<Vec<tax_record::Model>>, AppResult<Vec<credit_record::Model>>)>> {
    let conn = state.db.conn();
    let grants = Grants::of(conn, principal, subject.id, purpose).await?;
    let tax = match grants.require(DataCategory::Tax, "纳税信息") {
        Ok(()) => Ok(repo::tax_of(conn, &subject.uscc).await?),
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
    let logged = grants.log(&state.access_log, principal, subject.id, &returned).await?;
    Ok(logged.then_some((tax, authorized)))
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
    /// The consents in force now, as committed (a revocation committed first is seen); the access log decides
    /// again when the read is logged (`Grants::log`).
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
    /// categories, one per consent relied on, naming the categories it covered. `Ok(false)` when one of those
    /// consents is no longer in force: nothing was logged, and the read must not be answered.
    pub async fn log(
        &self,
        log: &AccessLog,
        principal: &Principal,
        subject: SubjectId,
        returned: &[DataCategory],
    ) -> AppResult<bool> {
        let mut by_consent: BTreeMap<ConsentId, Vec<DataCategory>> = BTreeMap::new();
        for (category, consent) in self.granted.values() {
            if returned.contains(category) {
                by_consent.entry(*consent).or_default().push(*category);
            }
        }
        let read = Read { principal, institution: self.institution, subject, purpose: self.purpose };
        let public = std::iter::once((None, public_categories()));
        log.write(&read, public.chain(by_consent.into_iter().map(|(c, categories)| (Some(c), categories))).collect())
            .await
    }
}

/// A subject's records as `principal` may list them: the public ones (owners: all of their own; banks: not
/// repaired or revoked ones), a bank's or bureau's read logged before it is returned.
pub async fn records(
    state: &AppState,
    principal: &Principal,
    subject: SubjectId,
) -> AppResult<Vec<credit_record::Model>> {
    let conn = state.db.conn();
    let subject = SubjectRepo::get(conn, subject).await?;
    let viewer = viewer_of(state, principal, &subject).await?;
    let rows = repo::records_of(conn, &subject.uscc).await?;
    let visible = rows
        .into_iter()
        .filter(|r| (r.category.is_public() || viewer == Viewer::Owner) && visible(viewer, r.status))
        .collect();
    if viewer.is_institution() {
        let institution = principal.institution()?;
        let read = Read { principal, institution, subject: subject.id, purpose: AccessPurpose::LoanApplication };
        // The public part relies on no consent: it is always admitted.
        state.access_log.write(&read, vec![(None, public_categories())]).await?;
    }
    Ok(visible)
}

/// The public (公示) categories: a read of public records logs all of them.
pub fn public_categories() -> Vec<DataCategory> {
    DataCategory::ALL.iter().copied().filter(|c| c.is_public()).collect()
}
