//! Use cases: the review queue of real-name verification, cleared by the platform admin or a bureau of
//! the subject's jurisdiction.

use chrono::Utc;
use xyd_domain::written_reason::written_reason;
use xyd_domain::{SubjectId, VerificationMethod, VerificationStatus};
use xyd_reasons::Reason;

use super::repo::VerificationChange;
use super::{SubjectRepo, claim, entity};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::institutions::Scope;
use crate::state::AppState;

/// Load a subject for an official decision, checking the caller's jurisdiction.
async fn load_in_scope(state: &AppState, principal: &Principal, id: SubjectId) -> AppResult<(Scope, entity::Model)> {
    let scope = Scope::of_official(state.db.conn(), principal).await?;
    let subject = SubjectRepo::get(state.db.conn(), id).await?;
    scope.ensure(&subject.region()?)?;
    Ok((scope, subject))
}

/// Mark a subject verified after manual review, closing the code's other unverified registrations. A code
/// has at most one verified owner: verifying a second is CONFLICT, a closed registration INVALID_STATE.
pub async fn verify(state: &AppState, principal: &Principal, id: SubjectId) -> AppResult<entity::Model> {
    let (_, subject) = load_in_scope(state, principal, id).await?;
    if subject.verification_status == VerificationStatus::Verified {
        return Err(AppError::refused(Reason::AlreadyVerified));
    }
    decide(state, principal, &subject, VerificationStatus::Verified, None).await
}

/// Reject a pending verification with a reason the enterprise sees.
pub async fn reject(state: &AppState, principal: &Principal, id: SubjectId, reason: &str) -> AppResult<entity::Model> {
    let reason = written_reason(reason, "reason", Reason::InvalidRejectionReason)?;
    let (_, subject) = load_in_scope(state, principal, id).await?;
    if subject.verification_status != VerificationStatus::Pending {
        return Err(AppError::refused(Reason::NotPending));
    }
    decide(state, principal, &subject, VerificationStatus::Rejected, Some(&reason)).await
}

/// Record a reviewer's decision on `subject` (guarded by its version) and return the subject after it.
async fn decide(
    state: &AppState,
    principal: &Principal,
    subject: &entity::Model,
    status: VerificationStatus,
    note: Option<&str>,
) -> AppResult<entity::Model> {
    let id = subject.id;
    let verified = status == VerificationStatus::Verified;
    let at = verified.then(Utc::now);
    let change =
        VerificationChange { status, note, method: Some(VerificationMethod::Manual), by: Some(principal.user_id), at };
    let txn = state.db.begin_write().await?;
    // Claims of one code are decided one after another: a concurrent decision is seen here, not overwritten. A
    // person has no code and no competing claims (the version guards the row).
    let claims = match &subject.uscc {
        Some(uscc) => claim::lock_code(&*txn, uscc).await?,
        None => Vec::new(),
    };
    let current = claims.iter().find(|c| c.id == subject.id).unwrap_or(subject);
    claim::ensure_not_closed(current)?;
    if verified {
        claim::ensure_no_owner(&claims, None)?;
    }
    SubjectRepo::set_verification(&*txn, id, current.version, change).await?;
    if let (true, Some(uscc)) = (verified, &subject.uscc) {
        claim::close_others(&*txn, uscc, subject.id).await?;
    }
    let updated = SubjectRepo::get(&*txn, id).await?;
    txn.commit().await?;
    Ok(updated)
}
