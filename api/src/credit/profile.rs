//! Reading a subject's credit profile. An owner reads its own; a bank's or bureau's read is logged before
//! anything is returned, and the access log (`access::AccessLog`) decides, under the consents in force when
//! the read is logged, which authorized categories it is granted: every read that returned authorized data is
//! logged exactly once, with the consents it relied on, and a revocation that committed first is always seen.

use std::collections::BTreeMap;

use chrono::Utc;
use xyd_domain::{AccessPurpose, ConsentId, DataCategory, DemandId, RecordStatus, Role, SubjectId};

use super::access::Read;
use super::entity::{credit_record, tax_record};
use super::repo;
use crate::auth::Principal;
use crate::consents::{ConsentRow, active_for, ensure_demand_held, fact_of};
use crate::error::{AppError, AppResult};
use crate::income_tax::IncomeTaxRecordRow;
use crate::income_tax::records as income_records;
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
    /// Income-tax summaries: a natural person's, or the 经营所得 declared under an individual business's USCC
    /// (`None` for the kinds without income tax).
    pub income_tax: AppResult<Option<Vec<IncomeTaxRecordRow>>>,
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
    let uscc = subject.filed_under();
    // Income tax is read (and asked of the access log) only for the kinds that have it.
    let has_income_tax = subject.kind.has_income_tax();
    let held = subject.clone();
    let income = async move { income_records::of_subject(conn, &held, viewer.is_institution()).await };
    let (records, tax, income, granted) = match viewer {
        // Logged while the data is read: the log grants what the consents in force cover, and the read waits
        // for it before answering anything.
        Viewer::Bureau | Viewer::Bank => {
            let mut wanted = AUTHORIZED_RECORD_CATEGORIES.to_vec();
            wanted.push(DataCategory::Tax);
            if has_income_tax {
                wanted.push(DataCategory::IncomeTax);
            }
            let institution = principal.institution()?;
            let read = Read { user: principal.user_id, institution, subject: subject.id, purpose, wanted };
            let (granted, records, tax, income) = tokio::join!(
                state.access_log.log(read),
                repo::records_of(conn, uscc),
                repo::tax_of(conn, uscc),
                income
            );
            (records?, Some(tax?), Some(income?), Some(granted?))
        }
        Viewer::Owner => {
            (repo::records_of(conn, uscc).await?, Some(repo::tax_of(conn, uscc).await?), Some(income.await?), None)
        }
        Viewer::Claimant => (repo::records_of(conn, uscc).await?, None, None, None),
    };
    let public_records: Vec<credit_record::Model> =
        records.iter().filter(|r| r.category.is_public() && visible(viewer, r.status)).cloned().collect();
    let (tax, authorized_records, income_tax) = match (tax, income, granted) {
        (Some(tax), Some(income), Some(granted)) => granted_parts(&granted, tax, records, income),
        (Some(tax), Some(income), None) => {
            (Ok(tax), Ok(records.into_iter().filter(|r| r.category.is_authorized()).collect()), Ok(income))
        }
        _ => {
            // Until verified, a registration reaches no authorized data of its own: every part carries the refusal.
            let refusal = ensure_verified(&subject).err().unwrap_or_else(|| AppError::internal("claimant", "verified"));
            (Err(refusal.clone()), Err(refusal.clone()), Err(refusal))
        }
    };
    Ok(ProfileData { subject, view, public_records, tax, authorized_records, income_tax })
}

/// What a bank's or bureau's read returns of the authorized data it read: only the categories the access log
/// granted it.
type Parts = (
    AppResult<Vec<tax_record::Model>>,
    AppResult<Vec<credit_record::Model>>,
    AppResult<Option<Vec<IncomeTaxRecordRow>>>,
);

fn granted_parts(
    granted: &[DataCategory],
    tax: Vec<tax_record::Model>,
    records: Vec<credit_record::Model>,
    income: Option<Vec<IncomeTaxRecordRow>>,
) -> Parts {
    let tax = if granted.contains(&DataCategory::Tax) { Ok(tax) } else { Err(consent_required("纳税信息")) };
    let income = match income {
        Some(_) if !granted.contains(&DataCategory::IncomeTax) => Err(consent_required("个人所得税信息")),
        income => Ok(income),
    };
    let authorized = if granted.iter().any(|c| AUTHORIZED_RECORD_CATEGORIES.contains(c)) {
        Ok(records.into_iter().filter(|r| granted.contains(&r.category)).collect())
    } else {
        Err(consent_required("社保、公积金、水电、不动产等授权信息"))
    };
    (tax, authorized, income)
}

/// What a bank or bureau may read of a subject's authorized data for a purpose: each category with the first
/// active consent to its institution that covers it. The one rule every reader of authorized data follows: the
/// access log decides with it what each logged read (a credit profile, a credit report) is granted, and the
/// report's early refusal asks it before rendering.
pub struct Grants {
    granted: BTreeMap<&'static str, (DataCategory, ConsentId)>,
}

impl Grants {
    /// The consents in force now, as committed: for an early refusal (a report refused before it is rendered).
    /// What a logged read returns is decided again by the access log, for its batch (`access::ByConsent`).
    pub async fn of(
        conn: &impl sea_orm::ConnectionTrait,
        principal: &Principal,
        subject: SubjectId,
        purpose: AccessPurpose,
    ) -> AppResult<Self> {
        let now = Utc::now();
        let institution = principal.institution()?;
        Ok(Self::decide(&active_for(conn, subject, institution, now).await?, purpose, now))
    }

    /// The rule: each category with the first (by id) of the consents in force for the reader's institution that
    /// covers it for `purpose` at `now`.
    pub fn decide<'a>(
        consents: impl IntoIterator<Item = &'a ConsentRow>,
        purpose: AccessPurpose,
        now: chrono::DateTime<Utc>,
    ) -> Self {
        let mut consents: Vec<&ConsentRow> = consents.into_iter().collect();
        consents.sort_by_key(|c| c.id);
        let mut granted = BTreeMap::new();
        for consent in consents {
            let fact = fact_of(consent);
            for c in &fact.categories {
                if fact.covers(*c, purpose, now) {
                    granted.entry(c.as_str()).or_insert((*c, consent.id));
                }
            }
        }
        Self { granted }
    }

    pub fn covers(&self, category: DataCategory) -> bool {
        self.granted.contains_key(category.as_str())
    }

    /// CONSENT_REQUIRED naming `what` unless `category` is covered.
    pub fn require(&self, category: DataCategory, what: &str) -> AppResult<()> {
        if self.covers(category) { Ok(()) } else { Err(consent_required(what)) }
    }

    /// The authorized part of a read that returned `returned`, as the access log keeps it: per consent relied
    /// on, the categories it covered.
    pub fn parts(&self, returned: &[DataCategory]) -> Vec<(ConsentId, Vec<DataCategory>)> {
        let mut by_consent: BTreeMap<ConsentId, Vec<DataCategory>> = BTreeMap::new();
        for (category, consent) in self.granted.values() {
            if returned.contains(category) {
                by_consent.entry(*consent).or_default().push(*category);
            }
        }
        by_consent.into_iter().collect()
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
    let rows = repo::records_of(conn, subject.filed_under()).await?;
    let visible = rows
        .into_iter()
        .filter(|r| (r.category.is_public() || viewer == Viewer::Owner) && visible(viewer, r.status))
        .collect();
    if viewer.is_institution() {
        let (institution, purpose) = (principal.institution()?, AccessPurpose::LoanApplication);
        // Only the public part: granted whatever the consents.
        let read = Read { user: principal.user_id, institution, subject: subject.id, purpose, wanted: Vec::new() };
        state.access_log.log(read).await?;
    }
    Ok(visible)
}

/// The public (公示) categories: a read of public records logs all of them.
pub fn public_categories() -> Vec<DataCategory> {
    DataCategory::ALL.iter().copied().filter(|c| c.is_public()).collect()
}
