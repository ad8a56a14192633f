//! A registration is a claim to speak for a 统一社会信用代码. Several unverified claims of one code may wait
//! side by side (a squatter who came first must not lock the real company out); at most one is ever
//! VERIFIED (a partial unique index), and the claim that is verified closes the others.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use xyd_domain::registry::{Claim, RegistryMatch, ReviewReason, match_registry};
use xyd_domain::{RegionCode, SubjectId, Uscc, VerificationMethod, VerificationStatus};
use xyd_reasons::Reason;

use super::{SubjectRepo, entity, registry};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};

/// Why a claim cannot act for its code yet: INVALID_STATE with reason `UNVERIFIED` (or
/// `REGISTRATION_CLOSED` once another claim of the code was verified).
pub fn ensure_verified(subject: &entity::Model) -> AppResult<()> {
    ensure_not_closed(subject)?;
    if subject.is_erased() {
        return Err(AppError::refused(Reason::SubjectErased));
    }
    if subject.verification_status == VerificationStatus::Verified {
        Ok(())
    } else {
        Err(AppError::refused(Reason::Unverified))
    }
}

/// INVALID_STATE (`REGISTRATION_CLOSED`) once another claim of the code was verified: a closed registration
/// is decided for good.
pub fn ensure_not_closed(subject: &entity::Model) -> AppResult<()> {
    if subject.verification_status == VerificationStatus::Closed {
        Err(AppError::refused(Reason::RegistrationClosed))
    } else {
        Ok(())
    }
}

/// CONFLICT (`USCC_REGISTERED`) when one of the code's `claims`, other than `itself`, is verified.
pub fn ensure_no_owner(claims: &[entity::Model], itself: Option<SubjectId>) -> AppResult<()> {
    let owned = claims.iter().any(|c| Some(c.id) != itself && c.verification_status == VerificationStatus::Verified);
    if owned { Err(AppError::refused(Reason::UsccClaimed)) } else { Ok(()) }
}

/// The caller's subject, when it may act for its code (a verified enterprise user); INVALID_STATE
/// (`UNVERIFIED`, `REGISTRATION_CLOSED`) otherwise, FORBIDDEN for anyone but an enterprise user.
pub async fn acting(conn: &impl ConnectionTrait, principal: &Principal) -> AppResult<SubjectId> {
    let id = principal.subject()?;
    ensure_verified(&SubjectRepo::get(conn, id).await?)?;
    Ok(id)
}

/// Every claim of `uscc`, oldest first; on PostgreSQL locked until the transaction ends, so claims of one
/// code are decided one after another.
pub async fn lock_code(conn: &impl ConnectionTrait, uscc: &str) -> AppResult<Vec<entity::Model>> {
    let mut query = entity::Entity::find().filter(entity::Column::Uscc.eq(uscc)).order_by_asc(entity::Column::Id);
    if conn.get_database_backend() == DatabaseBackend::Postgres {
        query = query.lock_exclusive();
    }
    Ok(query.all(conn).await?)
}

/// How a claim is decided: verified at once, or waiting for review with the reason.
pub struct Judgement {
    pub status: VerificationStatus,
    pub note: Option<String>,
    pub method: Option<VerificationMethod>,
    pub verified_at: Option<DateTime<Utc>>,
}

/// What a claimant typed.
pub struct ClaimInput<'a> {
    pub uscc: &'a Uscc,
    pub region: &'a RegionCode,
    pub claim: Claim<'a>,
    /// The claim being reconsidered, when a rejected claimant resubmits.
    pub itself: Option<SubjectId>,
}

/// Judge a claim against the register and the code's other claims (`others`, as locked by `lock_code`).
/// A code with a verified owner is CONFLICT; a region that disagrees with the register (or, without an
/// entry, lies outside the area of the code's registering authority) is BAD_USER_INPUT on `input.regionCode`.
pub async fn judge(
    conn: &impl ConnectionTrait,
    input: &ClaimInput<'_>,
    others: &[entity::Model],
) -> AppResult<Judgement> {
    ensure_no_owner(others, input.itself)?;
    let entry = registry::latest(conn, input.uscc).await?;
    let registered = entry.as_ref().map(|e| RegionCode::parse(&e.region_code)).transpose().ok().flatten();
    if !input.uscc.admits_region(input.region, registered.as_ref()) {
        return Err(AppError::input("input.regionCode", Reason::RegionMismatch));
    }
    let facts = match &entry {
        Some(e) => Some(registry::facts_of(conn, input.uscc, e).await?),
        None => None,
    };
    let competing = others
        .iter()
        .filter(|o| Some(o.id) != input.itself && o.verification_status == VerificationStatus::Pending)
        .count();
    Ok(match match_registry(facts, input.claim)? {
        RegistryMatch::Verified => Judgement {
            status: VerificationStatus::Verified,
            note: None,
            method: Some(VerificationMethod::RegistryMatch),
            verified_at: Some(Utc::now()),
        },
        RegistryMatch::Review(reason) => {
            let mut note = reason.message().to_string();
            if competing > 0 {
                note = format!("{note}；{}（另有{competing}个）", ReviewReason::CompetingRegistration.message());
            }
            Judgement { status: VerificationStatus::Pending, note: Some(note), method: None, verified_at: None }
        }
    })
}

/// A new claim waits beside `others`: their review notes say so too, so the reviewer sees the conflict on
/// every claim of the code.
pub async fn mark_competing(conn: &impl ConnectionTrait, others: &[entity::Model]) -> AppResult<()> {
    let competing = ReviewReason::CompetingRegistration.message();
    for other in others {
        let note = other.verification_note.as_deref().unwrap_or_default();
        if other.verification_status != VerificationStatus::Pending || note.contains(competing) {
            continue;
        }
        let note = if note.is_empty() { competing.to_string() } else { format!("{note}；{competing}") };
        entity::Entity::update_many()
            .col_expr(entity::Column::VerificationNote, Expr::value(note))
            .col_expr(entity::Column::Version, Expr::col(entity::Column::Version).add(1))
            .filter(entity::Column::Id.eq(other.id))
            .exec(conn)
            .await?;
    }
    Ok(())
}

/// Close every other unverified claim of `uscc` now that `winner` is verified.
pub async fn close_others(conn: &impl ConnectionTrait, uscc: &str, winner: SubjectId) -> AppResult<()> {
    entity::Entity::update_many()
        .col_expr(entity::Column::VerificationStatus, Expr::value(VerificationStatus::Closed))
        .col_expr(
            entity::Column::VerificationNote,
            Expr::value("同一统一社会信用代码的另一注册已通过实名认证，本注册已关闭；如有异议请联系主管部门"),
        )
        .col_expr(entity::Column::Version, Expr::col(entity::Column::Version).add(1))
        .filter(entity::Column::Uscc.eq(uscc))
        .filter(entity::Column::Id.ne(winner))
        .filter(entity::Column::VerificationStatus.is_in([VerificationStatus::Pending, VerificationStatus::Rejected]))
        .exec(conn)
        .await?;
    Ok(())
}
