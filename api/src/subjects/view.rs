//! The `Subject` API type. What a viewer may see is decided when the value is built, so nothing
//! restricted can leak through a field resolver.

use async_graphql::{ID, SimpleObject};
use xyd_domain::person::{mask_id_text, mask_person_name};
use xyd_domain::{Role, SubjectKind, VerificationStatus};

use super::entity;
use crate::auth::Principal;
use crate::crypto::FieldCipher;
use crate::error::{AppError, AppResult};
use crate::graphql::{GqlDate, GqlDateTime, GqlSubjectKind, GqlVerificationMethod, GqlVerificationStatus};
use crate::institutions::Scope;
use crate::state::AppState;

/// Who is looking at a subject.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubjectView {
    /// The subject's own users: everything (the ID number masked).
    Owner,
    /// The platform administrator, reviewing real-name verification: the legal representative in full.
    Admin,
    /// A bureau of the subject's jurisdiction: the legal representative masked, the review note.
    Bureau,
    /// Banks: the legal representative masked; no ID number, no review note.
    Bank,
}

impl SubjectView {
    /// How `principal` may see `subject`: FORBIDDEN for other enterprises and for bureaus outside their
    /// jurisdiction.
    pub async fn of(state: &AppState, principal: &Principal, subject: &entity::Model) -> AppResult<Self> {
        SubjectLens::of(state, principal).await?.view(subject)
    }
}

/// What deciding the [`SubjectView`] of many subjects for one caller needs, loaded once: the jurisdiction of
/// a bureau caller.
pub struct SubjectLens<'p> {
    principal: &'p Principal,
    jurisdiction: Option<Scope>,
}

impl<'p> SubjectLens<'p> {
    pub async fn of(state: &AppState, principal: &'p Principal) -> AppResult<Self> {
        let jurisdiction = match principal.role {
            Role::Bureau => Some(Scope::of_bureau(state.db.conn(), principal).await?),
            _ => None,
        };
        Ok(Self { principal, jurisdiction })
    }

    /// How the caller may see `subject`.
    pub fn view(&self, subject: &entity::Model) -> AppResult<SubjectView> {
        match (self.principal.role, &self.jurisdiction) {
            (Role::Enterprise, _) if self.principal.owns(subject.id) => Ok(SubjectView::Owner),
            (Role::Enterprise, _) => Err(AppError::forbidden("无权查看其他市场主体")),
            (Role::Admin, _) => Ok(SubjectView::Admin),
            (Role::Bank, _) => Ok(SubjectView::Bank),
            (Role::Bureau, Some(scope)) => {
                scope.ensure(&subject.region()?)?;
                Ok(SubjectView::Bureau)
            }
            (Role::Bureau, None) => Err(AppError::internal("subject lens", "a bureau without its jurisdiction")),
        }
    }
}

/// 市场主体 (market subject) as the API shows it.
#[derive(Clone, Debug, SimpleObject)]
pub struct Subject {
    /// 主体 ID。
    pub id: ID,
    /// 统一社会信用代码；自然人为 null。
    pub uscc: Option<String>,
    /// 主体名称。
    pub name: String,
    /// 主体类型。
    pub kind: GqlSubjectKind,
    /// 所在地行政区划代码（6位区县或9位乡镇代码）。
    pub region_code: String,
    /// 行业代码 (GB/T 4754)，如 C1391。
    pub industry_code: Option<String>,
    /// 法定代表人 — masked (e.g. "张*") for banks and bureaus.
    pub legal_rep_name: Option<String>,
    /// The legal representative's ID number, masked; only the subject's own users see it.
    pub legal_rep_id_number: Option<String>,
    /// 成立日期。
    pub established_on: Option<GqlDate>,
    /// 在平台注册的时间。
    pub registered_at: GqlDateTime,
    /// 实名认证.
    pub verified: bool,
    /// 通过实名认证的时间；未认证为 null。
    pub verified_at: Option<GqlDateTime>,
    /// 实名认证状态。
    pub verification_status: GqlVerificationStatus,
    /// 实名认证方式；未认证为 null。
    pub verification_method: Option<GqlVerificationMethod>,
    /// 自然人的居民身份证号码（脱敏，如 "440882********123X"）；平台不保存完整号码，其他主体为 null。
    pub id_number_masked: Option<String>,
    /// Why the subject waits for review or was rejected (not shown to banks).
    pub verification_note: Option<String>,
    /// 失信惩戒: an ACTIVE serious-dishonesty record.
    pub restricted: bool,
    /// 守信激励: tax grade A or an active HONOR record.
    pub trusted: bool,
}

impl crate::pagination::Paged for Subject {
    const EDGE: &'static str = "SubjectEdge";
    const CONNECTION: &'static str = "SubjectConnection";
}

impl Subject {
    pub fn new(m: entity::Model, view: SubjectView, cipher: &FieldCipher) -> AppResult<Self> {
        let (kind, status) = (m.kind, m.verification_status);
        // A person's name is personal information: a bank sees it masked, like a legal representative's.
        let name = match (kind, view) {
            (SubjectKind::NaturalPerson, SubjectView::Bank) => mask_person_name(&m.name),
            _ => m.name,
        };
        let legal_rep_name = match view {
            SubjectView::Owner | SubjectView::Admin => m.legal_rep_name,
            SubjectView::Bureau | SubjectView::Bank => mask_person_name(&m.legal_rep_name),
        };
        let legal_rep_id_number = match (&m.legal_rep_id_cipher, view) {
            (Some(sealed), SubjectView::Owner) => Some(mask_id_text(&cipher.decrypt(sealed)?)),
            _ => None,
        };
        Ok(Self {
            id: ID(m.id.to_string()),
            uscc: m.uscc,
            name,
            kind: kind.into(),
            region_code: m.region_code,
            industry_code: m.industry_code,
            legal_rep_name: Some(legal_rep_name),
            legal_rep_id_number,
            established_on: m.established_on.map(GqlDate),
            registered_at: GqlDateTime(m.registered_at),
            verified: status == VerificationStatus::Verified,
            verified_at: m.verified_at.map(GqlDateTime),
            verification_status: status.into(),
            verification_method: m
                .verification_method
                .filter(|_| status == VerificationStatus::Verified)
                .map(Into::into),
            id_number_masked: m.id_masked,
            verification_note: (view != SubjectView::Bank).then_some(m.verification_note).flatten(),
            restricted: m.restricted,
            trusted: m.trusted,
        })
    }
}
