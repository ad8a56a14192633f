//! GraphQL operations of market subjects.

use async_graphql::{Context, ID, Object};
use xyd_domain::{Role, SubjectId};

use super::person::{self, PersonRegistration, RegisterPersonInput};
use super::register::{self, Correction, RegisterSubjectInput, Registration, ResubmitVerificationInput};
use super::{Subject, SubjectRepo, SubjectView, verify};
use crate::auth::Principal;
use crate::auth::principal::require_principal;
use crate::error::{AppError, AppResult};
use crate::institutions::Scope;
use crate::pagination::{Connection, Page};
use crate::state::AppState;

fn subject_id(id: &ID) -> AppResult<SubjectId> {
    SubjectId::parse(id).map_err(|e| AppError::from(e).at("subjectId"))
}

fn official_view(principal: &Principal) -> SubjectView {
    if principal.role == Role::Admin { SubjectView::Admin } else { SubjectView::Bureau }
}

#[derive(Default)]
pub struct SubjectQuery;

#[Object]
impl SubjectQuery {
    /// A market subject, as the caller may see it.
    async fn subject(&self, ctx: &Context<'_>, #[graphql(desc = "主体 ID。")] id: ID) -> AppResult<Option<Subject>> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let Some(subject) = SubjectRepo::find(state.db.conn(), subject_id(&id)?).await? else { return Ok(None) };
        let view = SubjectView::of(state, principal, &subject).await?;
        Subject::new(subject, view, &state.cipher).map(Some)
    }

    /// Registrations waiting for real-name review in the caller's jurisdiction (admin or bureau).
    async fn verification_queue(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20, desc = "每页条数，1至100，默认20。")] first: i32,
        #[graphql(desc = "上一页的 `pageInfo.endCursor`；不传则从第一页开始。")] after: Option<String>,
    ) -> AppResult<Connection<Subject>> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let page = Page::parse(Some(first), after)?;
        let scope = Scope::of_official(state.db.conn(), principal).await?;
        let (total, rows) = SubjectRepo::pending(state.db.conn(), scope.prefix(), page).await?;
        let view = official_view(principal);
        Connection::from_rows(page, total, rows, SubjectRepo::id_of, |m| Subject::new(m, view, &state.cipher))
    }
}

#[derive(Default)]
pub struct SubjectMutation;

#[Object]
impl SubjectMutation {
    /// Self-registration of an enterprise, individual business or cooperative with its first user.
    async fn register_subject(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "主体注册资料及第一个企业用户账号。")] input: RegisterSubjectInput,
    ) -> AppResult<crate::auth::AuthPayload> {
        let registration = Registration::parse(input)?;
        let state = ctx.data_unchecked::<AppState>();
        state.rate_limits.registration(crate::auth::rate_limit::ClientIp::of(ctx)?).await?;
        Ok(register::register(state, registration).await?.into())
    }

    /// Registration of a natural person (自然人) with their login, PENDING until verified in person: at the
    /// 政务服务 window of their county (`verifySubject`) or by a bank (`attestIdentity`).
    async fn register_person(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "自然人注册资料及登录账号。")] input: RegisterPersonInput,
    ) -> AppResult<crate::auth::AuthPayload> {
        let registration = PersonRegistration::parse(input)?;
        let state = ctx.data_unchecked::<AppState>();
        state.rate_limits.registration(crate::auth::rate_limit::ClientIp::of(ctx)?).await?;
        Ok(person::register(state, registration).await?.into())
    }

    /// A bank that has identified a natural person itself (its own KYC) verifies them: BANK_ATTESTED, recorded
    /// with the bank's user as the verifier.
    async fn attest_identity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "待核验的自然人主体 ID。")] subject_id: ID,
    ) -> AppResult<Subject> {
        let principal = require_principal(ctx)?;
        principal.require(Role::Bank)?;
        let state = ctx.data_unchecked::<AppState>();
        let subject = person::attest(state, principal, self::subject_id(&subject_id)?).await?;
        Subject::new(subject, SubjectView::Bank, &state.cipher)
    }

    /// Correct a rejected (or pending) registration and ask for review again (the subject's own user). Verified
    /// at once when the registry confirms name, legal representative and ID number.
    async fn resubmit_verification(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "更正后的认证资料。")] input: ResubmitVerificationInput,
    ) -> AppResult<Subject> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let correction = Correction::parse(input)?;
        let subject = register::resubmit(state, principal, correction).await?;
        Subject::new(subject, SubjectView::Owner, &state.cipher)
    }

    /// Verify a subject after review (admin, or a bureau of its jurisdiction).
    async fn verify_subject(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "待认证的主体 ID。")] subject_id: ID,
    ) -> AppResult<Subject> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let subject = verify::verify(state, principal, self::subject_id(&subject_id)?).await?;
        Subject::new(subject, official_view(principal), &state.cipher)
    }

    /// Reject a pending verification with a reason the enterprise sees.
    async fn reject_subject_verification(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "待认证的主体 ID。")] subject_id: ID,
        #[graphql(desc = "驳回原因，企业可见。")] reason: String,
    ) -> AppResult<Subject> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let subject = verify::reject(state, principal, self::subject_id(&subject_id)?, &reason).await?;
        Subject::new(subject, official_view(principal), &state.cipher)
    }
}
