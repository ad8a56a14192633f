//! 货比三家: a demand's credit grants side by side, each with what it costs (`xyd_domain::loan`).

use async_graphql::{ComplexObject, Context, SimpleObject};
use xyd_domain::loan::repayment;
use xyd_domain::{Money, ProductId, Rate, RepaymentMethod};

use super::entity::response;
use super::view::{BankResponse, product_of};
use crate::error::{AppError, AppResult};
use crate::graphql::{GqlMoney, GqlRate, GqlRepaymentMethod};
use crate::institutions::Institution;
use crate::products::LoanProduct;
use crate::state::AppState;

/// One bank's credit grant on a demand, and its cost.
#[derive(Clone, SimpleObject)]
#[graphql(complex)]
pub struct Offer {
    /// 授信所在的银行响应（选定方案时以其 ID 作为 `responseId`）。
    pub response: BankResponse,
    /// 授信银行。
    pub bank: Institution,
    #[graphql(skip)]
    pub product_id: Option<ProductId>,
    /// 授信金额（元）。
    pub amount: GqlMoney,
    /// 授信年利率（百分数）。
    pub annual_rate: GqlRate,
    /// 授信期限（月）。
    pub term_months: i32,
    /// 还款方式。
    pub repayment_method: GqlRepaymentMethod,
    /// Principal and interest due in month 1.
    pub first_month_payment: GqlMoney,
    /// Interest over the whole term: each month's interest on the balance, rounded half up to the fen.
    pub total_interest: GqlMoney,
    /// The enterprise chose this offer (or its bank recorded the disbursement).
    pub chosen: bool,
}

#[ComplexObject]
impl Offer {
    /// The product the credit was granted under.
    async fn product(&self, ctx: &Context<'_>) -> AppResult<Option<LoanProduct>> {
        product_of(ctx.data_unchecked::<AppState>(), self.product_id).await
    }
}

/// The offers among `rows` (with `shown`, their API form, in the same order): every credit grant, cheapest
/// total interest first, then lowest first payment.
pub fn offers_of(rows: &[response::Model], shown: &[BankResponse]) -> AppResult<Vec<Offer>> {
    let mut offers = Vec::new();
    for (row, api) in rows.iter().zip(shown) {
        let (Some(amount), Some(rate), Some(term)) = (row.credit_amount, row.credit_rate, row.credit_term) else {
            continue;
        };
        let method = row.repayment_method.unwrap_or(RepaymentMethod::EqualInstallment);
        let rate = Rate::from_bp(rate).map_err(|e| AppError::internal("credit rate", e))?;
        let months = u16::try_from(term).map_err(|e| AppError::internal("credit term", e))?;
        let cost = repayment(Money::from_fen(amount), rate, months, method);
        offers.push(Offer {
            response: api.clone(),
            bank: api.bank.clone(),
            product_id: row.product_id,
            amount: GqlMoney(Money::from_fen(amount)),
            annual_rate: GqlRate(rate),
            term_months: term,
            repayment_method: method.into(),
            first_month_payment: GqlMoney(cost.first_month_payment),
            total_interest: GqlMoney(cost.total_interest),
            chosen: row.chosen_at.is_some(),
        });
    }
    offers.sort_by_key(|o| (o.total_interest.0, o.first_month_payment.0, o.response.id.to_string()));
    Ok(offers)
}
