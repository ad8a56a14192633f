//! `preCredit` (预授信): for a verified subject, from its own data only (a person's: their income tax), what
//! each published product with a rule could lend it. Nothing is disclosed to a bank and nothing is logged as a bank's read; an estimate, not
//! an offer.

use async_graphql::{Context, Object, SimpleObject};
use xyd_domain::Money;
use xyd_domain::demand::pre_credit::{OwnFigures, TaxYear, estimate};

use super::matching::{MatchReason, OwnRecords, subject_facts};
use crate::auth::principal::require_principal;
use crate::error::AppResult;
use crate::graphql::{GqlMoney, GqlRate};
use crate::income_tax::records as income_records;
use crate::products::{LoanProduct, with_banks};
use crate::state::AppState;
use crate::subjects::SubjectRepo;

/// One product's estimate for the caller's enterprise.
#[derive(SimpleObject)]
pub struct PreCreditEstimate {
    /// 估算所依据的产品。
    pub product: LoanProduct,
    /// 是否满足产品关于主体的硬性条件及预授信规则。
    pub eligible: bool,
    /// min(product.amountMax, basis × multiple × factor), floored to 1,000 yuan; null when not eligible.
    pub limit: Option<GqlMoney>,
    /// 产品最低年利率（百分数）。
    pub rate_min: Option<GqlRate>,
    /// 产品最高年利率（百分数）。
    pub rate_max: Option<GqlRate>,
    /// How the figure was reached, in Chinese (and that it is not an offer).
    pub basis: Vec<MatchReason>,
    /// Why not eligible.
    pub unmet: Vec<MatchReason>,
}

#[derive(Default)]
pub struct PreCreditQuery;

#[Object]
impl PreCreditQuery {
    /// 预授信 (verified enterprise): every published product with a pre-credit rule, estimated from the
    /// enterprise's own last tax year; eligible first, highest limit first. Not an offer.
    async fn pre_credit(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 10, desc = "最多返回条数（1–100，超出按边界取）。")] first: i32,
    ) -> AppResult<Vec<PreCreditEstimate>> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let conn = state.db.conn();
        let subject = SubjectRepo::get(conn, crate::subjects::claim::acting(conn, principal).await?).await?;
        let records = OwnRecords::read(conn, &subject).await?;
        let facts = subject_facts(&subject, &records, state.config.freshness.max_age_days)?;
        let tax = records.tax.first().map(|t| TaxYear {
            year: t.year,
            grade: t.grade,
            tax_paid: Money::from_fen(t.tax_paid),
            vat_sales: t.vat_sales.map(Money::from_fen),
        });
        // The subject's own income tax (a person's, or the 经营所得 declared for an individual business), whatever
        // became of the authorization that brought it: it is their own data.
        let own = OwnFigures { tax, income: income_records::last_year(&records.income) };
        // The published products, already parsed (the matching catalogue); only those with a rule are estimated.
        let catalog = state.product_search.published(conn).await?;
        let mut judged: Vec<_> = catalog
            .entries
            .iter()
            .filter(|entry| entry.spec.pre_credit().is_some())
            .map(|entry| (estimate(&entry.spec, &facts, &own), entry))
            .collect();
        judged.sort_by(|a, b| {
            b.0.eligible.cmp(&a.0.eligible).then(b.0.limit.cmp(&a.0.limit)).then(a.1.row.id.cmp(&b.1.row.id))
        });
        judged.truncate(usize::try_from(first.clamp(1, 100)).unwrap_or(10));
        let (estimates, rows): (Vec<_>, Vec<_>) =
            judged.into_iter().map(|(e, entry)| ((e, &entry.spec), entry.row.clone())).unzip();
        let products = with_banks(state, rows).await?;
        Ok(estimates
            .into_iter()
            .zip(products)
            .map(|((e, spec), product)| PreCreditEstimate {
                product,
                eligible: e.eligible,
                limit: e.limit.map(GqlMoney),
                rate_min: Some(GqlRate(spec.rate_min())),
                rate_max: Some(GqlRate(spec.rate_max())),
                basis: e.basis.into_iter().map(Into::into).collect(),
                unmet: e.unmet.into_iter().map(Into::into).collect(),
            })
            .collect())
    }
}
