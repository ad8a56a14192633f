//! 货比三家: a demand's credit grants side by side, each with what it costs (`xyd_domain::loan`).

use async_graphql::{ComplexObject, Context, SimpleObject};
use xyd_domain::ProductId;
use xyd_domain::loan::repayment;

use super::entity::response;
use super::fees::{self, FeeView, Terms, kept_cost};
use super::view::{BankResponse, product_of};
use crate::error::AppResult;
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
    /// 利息之外的费用。
    pub fees: Vec<FeeView>,
    /// 年化综合融资成本（百分数）：借款人现金流（到手金额 = 授信金额 − 放款时扣收的费用与首年年费；每期还款；
    /// 以后每个贷款年度开始时的年费）的月内部收益率 × 12，四舍五入到 0.01 个百分点（中国人民银行 2021 年第 3 号公告
    /// 所说的 IRR 法，简单年化）。无费用时等于授信年利率。
    pub comprehensive_cost: GqlRate,
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

/// The offers among `rows` (with `shown`, their API form, in the same order): every credit grant, lowest
/// comprehensive cost first, then least total interest, then lowest first payment.
pub fn offers_of(rows: &[response::Model], shown: &[BankResponse]) -> AppResult<Vec<Offer>> {
    let mut offers = Vec::new();
    for (row, api) in rows.iter().zip(shown) {
        let Some(terms) = Terms::of(row)? else { continue };
        let cost = repayment(terms.amount, terms.rate, terms.months, terms.method);
        offers.push(Offer {
            response: api.clone(),
            bank: api.bank.clone(),
            product_id: row.product_id,
            amount: GqlMoney(terms.amount),
            annual_rate: GqlRate(terms.rate),
            term_months: i32::from(terms.months),
            repayment_method: terms.method.into(),
            first_month_payment: GqlMoney(cost.first_month_payment),
            total_interest: GqlMoney(cost.total_interest),
            fees: fees::of(row)?.iter().map(FeeView::from).collect(),
            comprehensive_cost: GqlRate(kept_cost(row, &terms)?),
            chosen: row.chosen_at.is_some(),
        });
    }
    offers.sort_by_key(|o| {
        (o.comprehensive_cost.0, o.total_interest.0, o.first_month_payment.0, o.response.id.to_string())
    });
    Ok(offers)
}
