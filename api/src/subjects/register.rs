//! Use cases: a market subject registers itself with its first ENTERPRISE user, and is verified at once
//! when the registry confirms name, legal representative and the representative's ID number; a rejected
//! registration is corrected and resubmitted.

use async_graphql::InputObject;
use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, Set};
use xyd_domain::person::{parse_person_name, parse_phone, parse_subject_name};
use xyd_domain::registry::Claim;
use xyd_domain::{
    Email, IdNumber, IndustryCode, Password, RegionCode, Role, SubjectId, SubjectKind, Uscc, VerificationStatus,
};
use xyd_reasons::Reason;

use super::claim::{self, ClaimInput};
use super::{SubjectRepo, entity};
use crate::auth::Principal;
use crate::auth::password;
use crate::auth::sessions::{Session, start_session};
use crate::auth::user::UserRepo;
use crate::error::{AppError, AppResult};
use crate::graphql::{GqlDate, GqlSubjectKind};
use crate::state::AppState;

/// 市场主体自助注册 (self-registration) 的资料及其第一个企业用户账号。
#[derive(InputObject)]
pub struct RegisterSubjectInput {
    /// 统一社会信用代码 (USCC)，18位。
    pub uscc: String,
    /// 主体名称，2至100个字。
    pub name: String,
    /// 主体类型，须与统一社会信用代码第2位一致。
    pub kind: GqlSubjectKind,
    /// 所在地行政区划代码，6位区县或9位乡镇代码。
    pub region_code: String,
    /// 行业代码 (GB/T 4754)：门类字母加2至4位数字，如 C1391。
    pub industry_code: Option<String>,
    /// 法定代表人姓名，2至30个字。
    pub legal_rep_name: String,
    /// 法定代表人身份证号码，18位；与登记信息一致时可即时通过实名认证，加密保存。
    pub legal_rep_id_number: Option<String>,
    /// 成立日期，不晚于今天。
    pub established_on: Option<GqlDate>,
    /// 企业用户的登录邮箱。
    pub email: String,
    /// 企业用户的登录密码：8至128个字符，须同时包含字母和数字。
    pub password: String,
    /// 联系手机号，11位大陆手机号。
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

/// A domain result with its error reported against `field` (an input path).
pub(super) fn at<T>(result: Result<T, xyd_domain::DomainError>, field: &str) -> AppResult<T> {
    result.map_err(|e| AppError::from(e).at(field))
}

impl Registration {
    pub fn parse(input: RegisterSubjectInput) -> AppResult<Self> {
        let uscc = at(Uscc::parse(&input.uscc), "input.uscc")?;
        let kind: SubjectKind = input.kind.into();
        if !kind.has_uscc() || uscc.subject_kind().is_some_and(|k| k != kind) {
            return Err(AppError::input("input.kind", Reason::KindMismatch));
        }
        let established_on = input.established_on.map(|d| d.0);
        if established_on.is_some_and(|d| d > Utc::now().date_naive()) {
            return Err(AppError::input("input.establishedOn", Reason::EstablishedInFuture));
        }
        Ok(Self {
            uscc,
            name: at(parse_subject_name(&input.name, "name"), "input.name")?,
            kind,
            region: at(xyd_divisions::parse_code(&input.region_code), "input.regionCode")?,
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

/// Register and sign in. A code that already has a verified owner, or an email in use, is CONFLICT; a
/// cancelled or revoked subject is refused. A registration verified at once closes the code's unverified
/// claims (see `claim`).
pub async fn register(state: &AppState, r: Registration) -> AppResult<Session> {
    state.metrics.incr(password::HASHES_METRIC, 1);
    let hash = password::hash(&r.password).await?;
    let sealed_id = r.legal_rep_id.as_ref().map(|id| state.cipher.encrypt(id.expose())).transpose()?;
    let id_hash = r.legal_rep_id.as_ref().map(|id| state.cipher.keyed_hash(id.expose()));
    let now = Utc::now();
    let txn = state.db.begin_write().await?;

    let others = claim::lock_code(&*txn, r.uscc.as_str()).await?;
    let input = ClaimInput {
        uscc: &r.uscc,
        region: &r.region,
        claim: Claim { name: &r.name, legal_rep_name: &r.legal_rep_name, legal_rep_id_hash: id_hash.as_deref() },
        itself: None,
    };
    let judgement = claim::judge(&*txn, &input, &others).await?;

    let subject_id = SubjectId::new();
    SubjectRepo::insert(
        &*txn,
        entity::ActiveModel {
            id: Set(subject_id),
            uscc: Set(Some(r.uscc.as_str().to_string())),
            name: Set(r.name),
            kind: Set(r.kind),
            region_code: Set(r.region.as_str().to_string()),
            industry_code: Set(r.industry.map(|i| i.as_str().to_string())),
            legal_rep_name: Set(r.legal_rep_name),
            legal_rep_id_cipher: Set(sealed_id),
            phone: Set(r.phone),
            established_on: Set(r.established_on),
            registered_at: Set(now),
            verification_status: Set(judgement.status),
            verification_note: Set(judgement.note),
            verified_at: Set(judgement.verified_at),
            verified_by: Set(None),
            verification_method: Set(judgement.method),
            restricted: Set(false),
            trusted: Set(false),
            version: Set(0),
            id_hash: Set(None),
            id_masked: Set(None),
        },
    )
    .await?;
    if judgement.status == VerificationStatus::Verified {
        claim::close_others(&*txn, r.uscc.as_str(), subject_id).await?;
    } else {
        claim::mark_competing(&*txn, &others).await?;
    }
    crate::credit::repo::recompute_flags(&*txn, &[&r.uscc], state.config.credit.flag_policy()).await?;
    let user = UserRepo::insert(&*txn, &r.email, hash, Role::Enterprise, None, Some(subject_id)).await?;
    let session = start_session(state, &*txn, user, uuid::Uuid::now_v7()).await?;
    txn.commit().await?;
    Ok(session)
}

/// 更正后重新提交实名认证 (resubmit verification) 的资料。
#[derive(InputObject)]
pub struct ResubmitVerificationInput {
    /// 更正后的主体名称，2至100个字。
    pub name: String,
    /// 更正后的所在地行政区划代码，6位区县或9位乡镇代码。
    pub region_code: String,
    /// 更正后的法定代表人姓名，2至30个字。
    pub legal_rep_name: String,
    /// 法定代表人身份证号码，18位。
    pub legal_rep_id_number: String,
}

/// A corrected claim, validated.
pub struct Correction {
    name: String,
    region: RegionCode,
    legal_rep_name: String,
    legal_rep_id: IdNumber,
}

impl Correction {
    pub fn parse(input: ResubmitVerificationInput) -> AppResult<Self> {
        Ok(Self {
            name: at(parse_subject_name(&input.name, "name"), "input.name")?,
            region: at(xyd_divisions::parse_code(&input.region_code), "input.regionCode")?,
            legal_rep_name: at(parse_person_name(&input.legal_rep_name, "legalRepName"), "input.legalRepName")?,
            legal_rep_id: at(IdNumber::parse(&input.legal_rep_id_number), "input.legalRepIdNumber")?,
        })
    }
}

/// The subject's own user corrects a rejected (or still pending) registration and asks for review again:
/// judged like a new registration — verified at once when the register confirms it, else back in the queue.
pub async fn resubmit(state: &AppState, principal: &Principal, c: Correction) -> AppResult<entity::Model> {
    let id = principal.subject()?;
    let sealed_id = state.cipher.encrypt(c.legal_rep_id.expose())?;
    let id_hash = state.cipher.keyed_hash(c.legal_rep_id.expose());
    let txn = state.db.begin_write().await?;
    let subject = SubjectRepo::get(&*txn, id).await?;
    let code = subject.market_uscc()?.to_string();
    let others = claim::lock_code(&*txn, &code).await?;
    let subject = others.iter().find(|o| o.id == subject.id).cloned().unwrap_or(subject);
    if subject.verification_status == VerificationStatus::Verified {
        return Err(AppError::refused(Reason::AlreadyVerified));
    }
    claim::ensure_not_closed(&subject)?;
    let uscc = Uscc::parse(&code).map_err(|e| AppError::internal("subject uscc", e))?;
    let input = ClaimInput {
        uscc: &uscc,
        region: &c.region,
        claim: Claim { name: &c.name, legal_rep_name: &c.legal_rep_name, legal_rep_id_hash: Some(&id_hash) },
        itself: Some(subject.id),
    };
    let judgement = claim::judge(&*txn, &input, &others).await?;
    let updated = entity::ActiveModel {
        id: Set(subject.id),
        name: Set(c.name),
        region_code: Set(c.region.as_str().to_string()),
        legal_rep_name: Set(c.legal_rep_name),
        legal_rep_id_cipher: Set(Some(sealed_id)),
        verification_status: Set(judgement.status),
        verification_note: Set(judgement.note),
        verified_at: Set(judgement.verified_at),
        verified_by: Set(None),
        verification_method: Set(judgement.method),
        version: Set(subject.version + 1),
        ..Default::default()
    }
    .update(&*txn)
    .await?;
    if judgement.status == VerificationStatus::Verified {
        claim::close_others(&*txn, &code, subject.id).await?;
    }
    txn.commit().await?;
    Ok(updated)
}
