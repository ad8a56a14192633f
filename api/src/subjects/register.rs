//! Use case: a market subject registers itself with its first ENTERPRISE user, and is verified at once
//! when the registry confirms name and legal representative.

use async_graphql::InputObject;
use chrono::{NaiveDate, Utc};
use sea_orm::Set;
use xyd_domain::person::{parse_person_name, parse_phone, parse_subject_name};
use xyd_domain::registry::{RegistryFacts, RegistryMatch, match_registry};
use xyd_domain::{
    Email, IdNumber, IndustryCode, Password, RegionCode, Role, SubjectId, SubjectKind, Uscc, VerificationStatus,
};

use super::{SubjectRepo, entity, registry};
use crate::auth::password;
use crate::auth::sessions::{Session, start_session};
use crate::auth::user::UserRepo;
use crate::error::{AppError, AppResult};
use crate::graphql::{GqlDate, GqlSubjectKind};
use crate::state::AppState;

#[derive(InputObject)]
pub struct RegisterSubjectInput {
    pub uscc: String,
    pub name: String,
    pub kind: GqlSubjectKind,
    pub region_code: String,
    pub industry_code: Option<String>,
    pub legal_rep_name: String,
    pub legal_rep_id_number: Option<String>,
    pub established_on: Option<GqlDate>,
    pub email: String,
    pub password: String,
    pub phone: Option<String>,
}

/// A validated registration.
pub struct Registration {
    uscc: Uscc,
    name: String,
    kind: SubjectKind,
    region: RegionCode,
    industry: Option<IndustryCode>,
    legal_rep_name: String,
    legal_rep_id: Option<IdNumber>,
    established_on: Option<NaiveDate>,
    email: Email,
    password: Password,
    phone: Option<String>,
}

fn at<T>(result: Result<T, xyd_domain::DomainError>, field: &str) -> AppResult<T> {
    result.map_err(|e| AppError::from(e).at(field))
}

impl Registration {
    pub fn parse(input: RegisterSubjectInput) -> AppResult<Self> {
        let uscc = at(Uscc::parse(&input.uscc), "input.uscc")?;
        let kind: SubjectKind = input.kind.into();
        if uscc.subject_kind().is_some_and(|k| k != kind) {
            return Err(AppError::bad_input("input.kind", "KIND_MISMATCH", "主体类型与统一社会信用代码第2位不一致"));
        }
        let established_on = input.established_on.map(|d| d.0);
        if established_on.is_some_and(|d| d > Utc::now().date_naive()) {
            return Err(AppError::bad_input("input.establishedOn", "INVALID_DATE", "成立日期不能晚于今天"));
        }
        Ok(Self {
            uscc,
            name: at(parse_subject_name(&input.name, "name"), "input.name")?,
            kind,
            region: at(RegionCode::parse(&input.region_code), "input.regionCode")?,
            industry: input
                .industry_code
                .as_deref()
                .map(|c| at(IndustryCode::parse(c), "input.industryCode"))
                .transpose()?,
            legal_rep_name: at(parse_person_name(&input.legal_rep_name, "legalRepName"), "input.legalRepName")?,
            legal_rep_id: input
                .legal_rep_id_number
                .as_deref()
                .map(|n| at(IdNumber::parse(n), "input.legalRepIdNumber"))
                .transpose()?,
            established_on,
            email: at(Email::parse(&input.email), "input.email")?,
            password: at(Password::parse(&input.password), "input.password")?,
            phone: input.phone.as_deref().map(|p| at(parse_phone(p), "input.phone")).transpose()?,
        })
    }
}

/// Register and sign in. Duplicate USCC or email is CONFLICT; a cancelled or revoked subject is refused.
pub async fn register(state: &AppState, r: Registration) -> AppResult<Session> {
    let hash = password::hash(&r.password).await?;
    let sealed_id = r.legal_rep_id.as_ref().map(|id| state.cipher.encrypt(id.expose())).transpose()?;
    let now = Utc::now();
    let txn = state.db.begin_write().await?;

    let entry = registry::latest(&*txn, &r.uscc).await?;
    let facts = match &entry {
        Some(e) => Some(RegistryFacts {
            name: &e.name,
            legal_rep_name: e.legal_rep_name.as_deref(),
            status: registry::status_of(e)?,
        }),
        None => None,
    };
    let (status, note, method, verified_at) = match match_registry(facts, &r.name, &r.legal_rep_name)? {
        RegistryMatch::Verified => (VerificationStatus::Verified, None, Some("REGISTRY_MATCH".to_string()), Some(now)),
        RegistryMatch::Review(reason) => (VerificationStatus::Pending, Some(reason.message().to_string()), None, None),
    };

    let subject_id = SubjectId::new();
    SubjectRepo::insert(
        &*txn,
        entity::ActiveModel {
            id: Set(subject_id.as_uuid()),
            uscc: Set(r.uscc.as_str().to_string()),
            name: Set(r.name),
            kind: Set(r.kind.as_str().to_string()),
            region_code: Set(r.region.as_str().to_string()),
            industry_code: Set(r.industry.map(|i| i.as_str().to_string())),
            legal_rep_name: Set(r.legal_rep_name),
            legal_rep_id_cipher: Set(sealed_id),
            phone: Set(r.phone),
            established_on: Set(r.established_on),
            registered_at: Set(now),
            verification_status: Set(status.as_str().to_string()),
            verification_note: Set(note),
            verified_at: Set(verified_at),
            verified_by: Set(None),
            verification_method: Set(method),
            restricted: Set(false),
            trusted: Set(false),
            version: Set(0),
        },
    )
    .await?;
    crate::credit::repo::recompute_flags(&*txn, &[&r.uscc], state.config.credit.flag_policy()).await?;
    let user = UserRepo::insert(&*txn, &r.email, hash, Role::Enterprise, None, Some(subject_id)).await?;
    let session = start_session(state, &*txn, user, uuid::Uuid::now_v7()).await?;
    txn.commit().await?;
    Ok(session)
}
