//! GraphQL: `grantConsent`, `revokeConsent`, `myConsents`.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{SubsecRound, Utc};
use xyd_domain::consent::ConsentTerms;
use xyd_domain::{DataCategory, DemandId};
use xyd_reasons::Reason;

use super::entity;
use super::ledger::{self, Grant, Grantee, fact_of};
use super::texts::{self, ConsentText, TextKind};
use crate::auth::principal::require_principal;
use crate::error::{AppError, AppResult};
use crate::graphql::{GqlAccessPurpose, GqlDataCategory, GqlDate, GqlDateTime, id_arg};
use crate::institutions::{Institution, InstitutionRepo};
use crate::state::AppState;

/// 授权 as the API shows it.
#[derive(Clone, Debug, SimpleObject)]
#[graphql(complex)]
pub struct Consent {
    /// 授权 ID。
    pub id: ID,
    /// 授权的市场主体 ID。
    pub subject_id: ID,
    /// 被授权机构；授权给某融资需求的受理银行时为 null（见 `demand`）。
    pub grantee: Option<Institution>,
    #[graphql(skip)]
    pub demand_id: Option<DemandId>,
    /// 授权查看的信息类别（均为须授权的类别）。
    pub categories: Vec<GqlDataCategory>,
    /// 查询用途。
    pub purpose: GqlAccessPurpose,
    /// 生效时间。
    pub valid_from: GqlDateTime,
    /// 截止时间，最长为生效后一年。
    pub valid_until: GqlDateTime,
    /// 撤回时间；未撤回为 null。
    pub revoked_at: Option<GqlDateTime>,
    /// In force now: started, not expired, not revoked.
    pub active: bool,
    /// 签署的授权书版本，如 "2026-11"。
    pub text_version: String,
    /// SHA-256 of the consent text the user agreed to.
    pub text_hash: String,
    /// 签署时间。
    pub signed_at: GqlDateTime,
}

impl Consent {
    pub fn new(m: entity::Model, grantee: Option<Institution>) -> AppResult<Self> {
        let fact = fact_of(&m);
        Ok(Self {
            id: ID(m.id.to_string()),
            subject_id: ID(m.subject_id.to_string()),
            grantee,
            demand_id: m.demand_id,
            categories: fact.categories.iter().map(|c| (*c).into()).collect(),
            purpose: fact.purpose.into(),
            active: fact.is_active(Utc::now()),
            valid_from: GqlDateTime(m.valid_from),
            valid_until: GqlDateTime(m.valid_until),
            revoked_at: m.revoked_at.map(GqlDateTime),
            text_version: m.text_version,
            text_hash: m.text_hash,
            signed_at: GqlDateTime(m.signed_at),
        })
    }

    /// API consents for rows, loading their grantees in one query.
    pub async fn many(state: &AppState, rows: Vec<entity::Model>) -> AppResult<Vec<Self>> {
        let grantees = InstitutionRepo::find_many(state.db.conn(), rows.iter().filter_map(|r| r.grantee_id)).await?;
        rows.into_iter()
            .map(|r| {
                let grantee = r.grantee_id.and_then(|g| grantees.get(&g).cloned());
                Consent::new(r, grantee)
            })
            .collect()
    }
}

#[async_graphql::ComplexObject]
impl Consent {
    /// The enterprise that granted it (consents are shown to their own enterprise only).
    async fn subject(&self, ctx: &Context<'_>) -> AppResult<crate::subjects::Subject> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let id = xyd_domain::SubjectId::parse(&self.subject_id).map_err(AppError::from)?;
        if !principal.owns(id) {
            return Err(AppError::forbidden("无权查看该授权的主体信息"));
        }
        let subject = crate::subjects::SubjectRepo::get(state.db.conn(), id).await?;
        crate::subjects::Subject::new(subject, crate::subjects::SubjectView::Owner, &state.cipher)
    }

    /// The demand whose accepting banks this consent is for.
    async fn demand(&self, ctx: &Context<'_>) -> AppResult<Option<crate::demands::FinancingDemand>> {
        let Some(id) = self.demand_id else { return Ok(None) };
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        crate::demands::FinancingDemand::by_id(state, principal, id).await
    }
}

/// 授权 (grant consent)：指定被授权机构或融资需求（二选一）、信息类别、用途和期限。
#[derive(InputObject)]
pub struct GrantConsentInput {
    /// The bank (or bureau) allowed to read.
    pub grantee_id: Option<ID>,
    /// Or every bank that accepts this demand (with the financing demands).
    pub demand_id: Option<ID>,
    /// 授权查看的信息类别：只能是授权信息（TAX、SOCIAL_INSURANCE、HOUSING_FUND、UTILITIES、REAL_ESTATE），至少一项。
    pub categories: Vec<GqlDataCategory>,
    /// 查询用途。
    pub purpose: GqlAccessPurpose,
    /// 截止时间：须晚于现在，最长一年，精确到秒。
    pub valid_until: GqlDateTime,
    /// The version of the consent text shown to the user: must be the current one (`consentText`).
    pub text_version: String,
}

/// 授权书: the text an enterprise reads before it signs a consent.
#[derive(SimpleObject)]
#[graphql(name = "ConsentText")]
pub struct ConsentTextView {
    /// e.g. "2026-11"; a grant names the version it signed.
    pub version: String,
    /// 标题。
    pub title: String,
    /// The full Chinese text.
    pub body: String,
    /// Hex SHA-256 of `body`: the value stored on every consent signed with it.
    pub sha256: String,
    /// 发布日期。
    pub published_on: GqlDate,
    /// What signing it authorizes: SHARING (a consent to institutions) or TAX_COLLECTION (a person's
    /// authorization of income-tax collection).
    pub kind: ConsentTextKind,
    /// Signatures are of the current version of their kind.
    pub current: bool,
}

/// 授权书种类。
#[derive(Clone, Copy, Debug, PartialEq, Eq, async_graphql::Enum)]
pub enum ConsentTextKind {
    /// 信用信息查询使用授权书：授权金融机构或主管部门查看主体的信息。
    Sharing,
    /// 个人所得税信息归集授权书：自然人授权税务机关向平台提供其个人所得税信息。
    TaxCollection,
}

impl From<TextKind> for ConsentTextKind {
    fn from(kind: TextKind) -> Self {
        match kind {
            TextKind::Sharing => Self::Sharing,
            TextKind::TaxCollection => Self::TaxCollection,
        }
    }
}

impl From<&ConsentText> for ConsentTextView {
    fn from(t: &ConsentText) -> Self {
        Self {
            version: t.version.clone(),
            title: t.title.clone(),
            body: t.body.clone(),
            sha256: t.sha256.clone(),
            published_on: GqlDate(t.published_on),
            kind: t.kind.into(),
            current: t.version == texts::current_of(t.kind).version,
        }
    }
}

#[derive(Default)]
pub struct ConsentQuery;

#[Object]
impl ConsentQuery {
    /// Every version of the consent text, oldest first (public).
    async fn consent_texts(&self) -> Vec<ConsentTextView> {
        texts::all().iter().map(ConsentTextView::from).collect()
    }

    /// One version of the consent text; without `version`, the current sharing text that grants must sign
    /// (public).
    async fn consent_text(
        &self,
        #[graphql(desc = "授权书版本，如 \"2026-11\"；不传则返回当前版本。")] version: Option<String>,
    ) -> Option<ConsentTextView> {
        match version {
            Some(v) => texts::find(v.trim()).map(ConsentTextView::from),
            None => Some(texts::current().into()),
        }
    }

    /// The caller's subject's consents, newest first.
    async fn my_consents(&self, ctx: &Context<'_>) -> AppResult<Vec<Consent>> {
        let subject = require_principal(ctx)?.subject()?;
        let state = ctx.data_unchecked::<AppState>();
        Consent::many(state, ledger::of_subject(state.db.conn(), subject).await?).await
    }
}

#[derive(Default)]
pub struct ConsentMutation;

#[Object]
impl ConsentMutation {
    /// Authorize a bank (or bureau) to read authorized categories for a purpose until `validUntil` (≤ 1 year).
    /// Granting the same consent again returns the existing one.
    async fn grant_consent(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "授权内容。")] input: GrantConsentInput,
    ) -> AppResult<Consent> {
        let principal = require_principal(ctx)?;
        principal.subject()?;
        let state = ctx.data_unchecked::<AppState>();
        let grantee = match (&input.grantee_id, &input.demand_id) {
            (Some(g), None) => Grantee::Institution(id_arg(g, "input.granteeId")?),
            (None, Some(d)) => Grantee::Demand(id_arg(d, "input.demandId")?),
            _ => {
                return Err(AppError::input("input.granteeId", Reason::OneGrantee));
            }
        };
        let text = texts::require_current(&input.text_version, "input.textVersion")?;
        let categories: Vec<DataCategory> = input.categories.iter().map(|c| (*c).into()).collect();
        // Validity is kept to the second, as shown to the user, so a repeated grant matches exactly.
        let valid_until = input.valid_until.0.trunc_subsecs(0);
        let terms = ConsentTerms::parse(&categories, input.purpose.into(), valid_until, Utc::now())
            .map_err(|e| AppError::from(e).prefixed("input"))?;
        let txn = state.db.begin_write().await?;
        let subject = crate::subjects::claim::acting(&*txn, principal).await?;
        let row = ledger::grant(&*txn, subject, principal.user_id, Grant { grantee, terms, text }).await?;
        txn.commit().await?;
        Consent::many(state, vec![row]).await?.pop().ok_or_else(|| AppError::internal("consent", "vanished"))
    }

    /// Withdraw a consent; it stops working on the next read.
    async fn revoke_consent(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "要撤回的授权 ID。")] id: ID,
    ) -> AppResult<Consent> {
        let subject = require_principal(ctx)?.subject()?;
        let state = ctx.data_unchecked::<AppState>();
        let id = id_arg(&id, "id")?;
        let txn = state.db.begin_write().await?;
        let row = ledger::revoke(&*txn, subject, id).await?;
        txn.commit().await?;
        Consent::many(state, vec![row]).await?.pop().ok_or_else(|| AppError::internal("consent", "vanished"))
    }
}
