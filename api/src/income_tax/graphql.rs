//! GraphQL of 银税互动 for persons: the person's collection authorizations and the income-tax year as
//! `creditProfile.incomeTax` shows it.

use async_graphql::{Context, ID, Object, SimpleObject};
use xyd_domain::{AuthorizationId, Money};

use super::authorizations;
use super::entity::{authorization, record};
use crate::auth::principal::require_principal;
use crate::error::{AppError, AppResult};
use crate::graphql::{GqlDate, GqlDateTime, GqlIncomeKind, GqlMoney};
use crate::state::AppState;

/// 个人所得税信息归集授权：本人授权税务机关把本人的个人所得税汇总信息提供给平台，税务机关导入时每行须注明授权码。
#[derive(SimpleObject)]
pub struct TaxCollectionAuthorization {
    /// 授权 ID。
    pub id: ID,
    /// 授权码：16个字符（不含易混淆的 0、1、I、O），提供给税务机关。
    pub grant_code: String,
    /// 生效时间。
    pub valid_from: GqlDateTime,
    /// 截止时间（最长一年）。
    pub valid_until: GqlDateTime,
    /// 撤回时间；未撤回为 null。
    pub revoked_at: Option<GqlDateTime>,
    /// 所签署授权书的版本（`consentTexts` 中列出）。
    pub text_version: String,
    /// 所签署授权书正文的 SHA-256。
    pub text_sha256: String,
}

impl From<authorization::Model> for TaxCollectionAuthorization {
    fn from(m: authorization::Model) -> Self {
        Self {
            id: ID(m.id.to_string()),
            grant_code: m.grant_code,
            valid_from: GqlDateTime(m.valid_from),
            valid_until: GqlDateTime(m.valid_until),
            revoked_at: m.revoked_at.map(GqlDateTime),
            text_version: m.text_version,
            text_sha256: m.text_sha256,
        }
    }
}

/// 一个年度一类所得的个人所得税汇总。
#[derive(Clone, Debug, SimpleObject)]
pub struct IncomeTaxYear {
    /// 纳税年度。
    pub year: i32,
    /// 所得类型。
    pub kind: GqlIncomeKind,
    /// 应纳税所得额（元）。
    pub taxable_income: GqlMoney,
    /// 已缴税额（元）。
    pub tax_paid: GqlMoney,
    /// 当年有申报的月数，0–12。
    pub months_declared: i32,
    /// 税务机关的数据截止日期。
    pub as_of: GqlDate,
}

impl From<record::Model> for IncomeTaxYear {
    fn from(m: record::Model) -> Self {
        Self {
            year: m.year,
            kind: m.kind.into(),
            taxable_income: GqlMoney(Money::from_fen(m.taxable_income)),
            tax_paid: GqlMoney(Money::from_fen(m.tax_paid)),
            months_declared: i32::from(m.months_declared),
            as_of: GqlDate(m.snapshot_date),
        }
    }
}

#[derive(Default)]
pub struct IncomeTaxQuery;

#[Object]
impl IncomeTaxQuery {
    /// The caller's own collection authorizations (a person's user), newest first.
    async fn tax_collection_authorizations(&self, ctx: &Context<'_>) -> AppResult<Vec<TaxCollectionAuthorization>> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let rows = authorizations::of_subject(state.db.conn(), principal.subject()?).await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }
}

#[derive(Default)]
pub struct IncomeTaxMutation;

#[Object]
impl IncomeTaxMutation {
    /// A verified natural person signs the current collection text (个人所得税信息归集授权书) until `validUntil`
    /// (at most a year) and receives the grant code to give the tax bureau.
    async fn authorize_tax_collection(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "所签署的归集授权书版本：须为现行版本。")] text_version: String,
        #[graphql(desc = "授权截止时间：晚于当前时间，最长一年。")] valid_until: GqlDateTime,
    ) -> AppResult<TaxCollectionAuthorization> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        Ok(authorizations::authorize(state, principal, &text_version, valid_until.0).await?.into())
    }

    /// Revoke one of the caller's collection authorizations: no further rows, and the rows it brought are hidden
    /// from every bank at once.
    async fn revoke_tax_collection(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "授权 ID。")] id: ID,
    ) -> AppResult<TaxCollectionAuthorization> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let id = AuthorizationId::parse(&id).map_err(|e| AppError::from(e).at("id"))?;
        Ok(authorizations::revoke(state, principal, id).await?.into())
    }
}
