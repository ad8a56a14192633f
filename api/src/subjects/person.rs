//! Use cases: a natural person (自然人) registers with their first user, identified by their 居民身份证号码 —
//! kept only as a keyed hash (one subject per person) and a mask, never in plaintext, never in logs — and is
//! verified in person: by a bureau of their county at the 政务服务 window (`verify`, MANUAL), or by a bank that
//! identified them itself (`attest`, BANK_ATTESTED, recorded as that bank's act). Until then a person sees only
//! what they typed, like an unverified enterprise.

use async_graphql::InputObject;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, Set};
use xyd_domain::person::parse_person_name;
use xyd_domain::{
    Email, IdNumber, Password, RegionCode, Role, SubjectId, SubjectKind, VerificationMethod, VerificationStatus,
};
use xyd_reasons::Reason;

use super::register::at;
use super::repo::VerificationChange;
use super::{SubjectRepo, entity};
use crate::auth::Principal;
use crate::auth::password;
use crate::auth::sessions::{Session, start_session};
use crate::auth::user::UserRepo;
use crate::db::duplicate_as;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// What a person waiting for verification is told.
const AWAITING: &str = "请携带身份证到所在区县政务服务窗口，或到合作银行核验身份";

/// 自然人注册 (a natural person's registration) 的资料及其登录账号。
#[derive(InputObject)]
pub struct RegisterPersonInput {
    /// 姓名，2至30个字。
    pub name: String,
    /// 居民身份证号码，18位（校验末位）；平台只保存其密钥哈希和脱敏号码。
    pub id_number: String,
    /// 居住地行政区划代码，6位区县或9位乡镇代码。
    pub region_code: String,
    /// 登录邮箱。
    pub email: String,
    /// 登录密码：8至128个字符，须同时包含字母和数字。
    pub password: String,
}

/// A validated person's registration.
pub struct PersonRegistration {
    name: String,
    id_number: IdNumber,
    region: RegionCode,
    email: Email,
    password: Password,
}

impl PersonRegistration {
    pub fn parse(input: RegisterPersonInput) -> AppResult<Self> {
        Ok(Self {
            name: at(parse_person_name(&input.name, "name"), "input.name")?,
            id_number: at(IdNumber::parse(&input.id_number), "input.idNumber")?,
            region: at(xyd_divisions::parse_code(&input.region_code), "input.regionCode")?,
            email: at(Email::parse(&input.email), "input.email")?,
            password: at(Password::parse(&input.password), "input.password")?,
        })
    }
}

/// Register and sign in, PENDING until verified in person. A number already registered is CONFLICT
/// (`PERSON_REGISTERED`), as is an email in use.
pub async fn register(state: &AppState, r: PersonRegistration) -> AppResult<Session> {
    state.metrics.incr(password::HASHES_METRIC, 1);
    let hash = password::hash(&r.password).await?;
    let id_hash = state.cipher.keyed_hash(r.id_number.expose());
    let subject_id = SubjectId::new();
    let txn = state.db.begin_write().await?;
    entity::ActiveModel {
        id: Set(subject_id),
        uscc: Set(None),
        name: Set(r.name.clone()),
        kind: Set(SubjectKind::NaturalPerson),
        region_code: Set(r.region.as_str().to_string()),
        industry_code: Set(None),
        // A person answers for themselves.
        legal_rep_name: Set(r.name),
        legal_rep_id_cipher: Set(None),
        phone: Set(None),
        established_on: Set(None),
        registered_at: Set(Utc::now()),
        verification_status: Set(VerificationStatus::Pending),
        verification_note: Set(Some(AWAITING.to_string())),
        verified_at: Set(None),
        verified_by: Set(None),
        verification_method: Set(None),
        restricted: Set(false),
        trusted: Set(false),
        version: Set(0),
        id_hash: Set(Some(id_hash)),
        id_masked: Set(Some(r.id_number.masked_keeping_county())),
    }
    .insert(&*txn)
    .await
    .map_err(duplicate_as(|| AppError::refused(Reason::PersonRegistered)))?;
    let user = UserRepo::insert(&*txn, &r.email, hash, Role::Enterprise, None, Some(subject_id)).await?;
    let session = start_session(state, &*txn, user, uuid::Uuid::now_v7()).await?;
    txn.commit().await?;
    Ok(session)
}

/// A bank that has identified the person itself (its own KYC) verifies them: BANK_ATTESTED, with the bank's
/// user as the verifier. Only a natural person (`NOT_A_PERSON`), only once (`ALREADY_VERIFIED`).
pub async fn attest(state: &AppState, principal: &Principal, id: SubjectId) -> AppResult<entity::Model> {
    let txn = state.db.begin_write().await?;
    let subject = SubjectRepo::get(&*txn, id).await?;
    if subject.kind != SubjectKind::NaturalPerson {
        return Err(AppError::refused(Reason::NotAPerson));
    }
    if subject.verification_status == VerificationStatus::Verified {
        return Err(AppError::refused(Reason::AlreadyVerified));
    }
    let change = VerificationChange {
        status: VerificationStatus::Verified,
        note: None,
        method: Some(VerificationMethod::BankAttested),
        by: Some(principal.user_id),
        at: Some(Utc::now()),
    };
    SubjectRepo::set_verification(&*txn, id, subject.version, change).await?;
    let updated = SubjectRepo::get(&*txn, id).await?;
    txn.commit().await?;
    tracing::info!(subject = %id, bank = ?principal.institution_id, user = %principal.user_id, "identity attested by a bank");
    Ok(updated)
}
