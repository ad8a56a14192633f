//! GraphQL of the ledger: `loans`.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::{ComplexObject, Context, ID, InputObject, Object, SimpleObject};
use xyd_domain::{DemandId, ProductId, ProductType, ResponseId};

use super::ledger::{self, Filter, Listed};
use crate::auth::Principal;
use crate::auth::principal::require_principal;
use crate::demands::fees::{self, FeeView, Terms, kept_cost};
use crate::demands::{FinancingDemand, product_of, repo as demands_repo};
use crate::error::{AppError, AppResult};
use crate::graphql::{GqlDate, GqlMoney, GqlProductType, GqlRate, GqlRepaymentMethod, id_arg};
use crate::institutions::Institution;
use crate::pagination::{Connection, Page};
use crate::products::LoanProduct;
use crate::renewals::RenewalRequest;
use crate::state::AppState;
use crate::subjects::{Subject, SubjectLens, SubjectRepo};

/// Which loans: every field narrows (they combine).
#[derive(InputObject, Clone, Debug, Default)]
pub struct LoanFilter {
    /// 借款主体所在地区（行政区划代码前缀，也可写6位 GB/T 2260 代码）；须在本部门辖区内。
    pub region_code: Option<String>,
    /// 放款银行。
    pub bank_id: Option<ID>,
    /// 放款日起（含），北京时间。
    pub from: Option<GqlDate>,
    /// 放款日止（不含），北京时间。
    pub to: Option<GqlDate>,
    /// 只看（true）或不看（false）银行申报的首贷与平台计算的首贷不一致的贷款：供主管部门跟进。
    pub first_loan_mismatch: Option<bool>,
    /// 只看放款银行尚无统一社会信用代码的贷款（true）：供平台管理员补全机构代码。
    pub lender_without_code: Option<bool>,
}

impl LoanFilter {
    /// The filter checked: a region that exists, a period whose end is after its start.
    pub fn parse(self) -> AppResult<Filter> {
        let region = self
            .region_code
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(|r| xyd_divisions::parse_area(r).map_err(|e| AppError::from(e).at("filter.regionCode")))
            .transpose()?;
        let (from, to) = (self.from.map(|d| d.0), self.to.map(|d| d.0));
        if let (Some(from), Some(to)) = (from, to)
            && from >= to
        {
            return Err(AppError::input("filter.to", xyd_reasons::Reason::InvalidPeriod));
        }
        Ok(Filter {
            region,
            bank: self.bank_id.as_deref().map(|b| id_arg(b, "filter.bankId")).transpose()?,
            from,
            to,
            mismatch: self.first_loan_mismatch,
            lender_without_code: self.lender_without_code,
        })
    }
}

/// A loan: a disbursement, its terms and whole cost, and its 首贷 as computed and as the bank declared it.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Loan {
    /// 贷款 ID（即放款所在的银行响应 ID）。
    pub id: ID,
    /// 借款主体。
    pub borrower: Subject,
    /// 放款银行。
    pub lender: Arc<Institution>,
    /// 放款日（北京时间）。
    pub disbursed_on: GqlDate,
    /// 放款金额（元）。
    pub amount: GqlMoney,
    /// 期限（月）。
    pub term_months: i32,
    /// 年利率（百分数）。
    pub annual_rate: GqlRate,
    /// 还款方式。
    pub repayment_method: GqlRepaymentMethod,
    /// 担保方式：贷款所依产品的类型；未指定产品时为需求可接受的担保方式。
    pub guarantee_types: Vec<GqlProductType>,
    /// 信用贷款：贷款所依产品为纯信用类（CREDIT）。
    pub credit_loan: bool,
    /// 利息之外的费用。
    pub fees: Vec<FeeView>,
    /// 年化综合融资成本（百分数，IRR 法，见 `Offer.comprehensiveCost`）。
    pub comprehensive_cost: GqlRate,
    /// 首贷（平台计算）：借款主体此前在本平台没有放款，在导入的贷款历史（LOAN_HISTORY）中也没有更早的贷款。
    pub first_loan: bool,
    /// 银行申报的首贷。
    pub declared_first_loan: bool,
    /// 两者不一致：列给主管部门跟进。
    pub first_loan_mismatch: bool,
    #[graphql(skip)]
    pub demand_id: DemandId,
    #[graphql(skip)]
    pub product_id: Option<ProductId>,
    #[graphql(skip)]
    pub response_id: ResponseId,
}

#[ComplexObject]
impl Loan {
    /// 贷款所依产品；未指定时为 null。
    async fn product(&self, ctx: &Context<'_>) -> AppResult<Option<LoanProduct>> {
        product_of(ctx.data_unchecked::<AppState>(), self.product_id).await
    }

    /// 贷款所在的融资需求（按调用者可见的范围展示其响应）。
    async fn demand(&self, ctx: &Context<'_>) -> AppResult<FinancingDemand> {
        let principal = require_principal(ctx)?;
        FinancingDemand::by_id(ctx.data_unchecked::<AppState>(), principal, self.demand_id)
            .await?
            .ok_or_else(|| AppError::internal("loan demand", self.demand_id))
    }

    /// 该笔贷款的续贷、展期申请，最早的在前。
    async fn renewals(&self, ctx: &Context<'_>) -> AppResult<Vec<RenewalRequest>> {
        crate::renewals::of_loan(ctx.data_unchecked::<AppState>(), self.response_id).await
    }
}

impl crate::pagination::Paged for Loan {
    const EDGE: &'static str = "LoanEdge";
    const CONNECTION: &'static str = "LoanConnection";
}

/// The loans of `listed`, in order.
pub async fn loans_of(state: &AppState, principal: &Principal, listed: &[Listed]) -> AppResult<Vec<Loan>> {
    let conn = state.db.conn();
    let rows = demands_repo::responses(conn, listed.iter().map(|l| l.id)).await?;
    let by_id: HashMap<ResponseId, _> = rows.into_iter().map(|r| (r.id, r)).collect();
    let demands = demands_repo::demands(conn, by_id.values().map(|r| r.demand_id)).await?;
    let subjects = SubjectRepo::find_many(conn, demands.values().map(|d| d.subject_id)).await?;
    let banks = state.institutions.find_many(conn, by_id.values().map(|r| r.bank_id)).await?;
    let product_ids: Vec<ProductId> = by_id.values().filter_map(|r| r.product_id).collect();
    let products = crate::products::ProductRepo::find_many(conn, &product_ids).await?;
    let lens = SubjectLens::of(state, principal).await?;
    listed
        .iter()
        .map(|l| {
            let row = by_id.get(&l.id).ok_or_else(|| AppError::internal("loan", l.id))?;
            let demand = demands.get(&row.demand_id).ok_or_else(|| AppError::internal("loan demand", row.demand_id))?;
            let subject = subjects.get(&demand.subject_id).ok_or_else(|| AppError::internal("borrower", row.id))?;
            let terms = Terms::of(row)?.ok_or_else(|| AppError::internal("loan terms", row.id))?;
            let (Some(amount), Some(at)) = (row.disbursed_amount, row.disbursed_at) else {
                return Err(AppError::internal("loan disbursement", row.id));
            };
            let product_type = row.product_id.and_then(|p| products.get(&p)).map(|p| p.product_type);
            let guarantee_types: Vec<ProductType> =
                product_type.map_or_else(|| demand.guarantee_types.as_slice().to_vec(), |t| vec![t]);
            let declared = row.first_loan.unwrap_or(false);
            Ok(Loan {
                id: ID(row.id.to_string()),
                borrower: Subject::new(subject.clone(), lens.view(subject)?, &state.cipher)?,
                lender: banks.get(&row.bank_id).cloned().ok_or_else(|| AppError::internal("lender", row.bank_id))?,
                disbursed_on: GqlDate(xyd_domain::demand::calendar::local_date(at)),
                amount: GqlMoney(xyd_domain::Money::from_fen(amount)),
                term_months: i32::from(terms.months),
                annual_rate: GqlRate(terms.rate),
                repayment_method: terms.method.into(),
                guarantee_types: guarantee_types.into_iter().map(Into::into).collect(),
                credit_loan: product_type == Some(ProductType::Credit),
                fees: fees::of(row)?.iter().map(FeeView::from).collect(),
                comprehensive_cost: GqlRate(kept_cost(row, &terms)?),
                first_loan: l.first_loan,
                declared_first_loan: declared,
                first_loan_mismatch: declared != l.first_loan,
                demand_id: row.demand_id,
                product_id: row.product_id,
                response_id: row.id,
            })
        })
        .collect()
}

#[derive(Default)]
pub struct LoanQuery;

#[Object]
impl LoanQuery {
    /// 贷款台账: every disbursement as a loan, newest first — a bureau's jurisdiction, everything for the admin, a
    /// bank's own loans.
    async fn loans(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "筛选条件。")] filter: Option<LoanFilter>,
        #[graphql(default = 20, desc = "本页条数，1–100。")] first: i32,
        #[graphql(desc = "上一页的 `endCursor`：从它之后继续取。")] after: Option<String>,
    ) -> AppResult<Connection<Loan>> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let page = Page::parse(Some(first), after)?;
        let filter = filter.unwrap_or_default().parse()?;
        let (total, listed) = ledger::page(state.db.conn(), principal, &filter, page).await?;
        let loans = loans_of(state, principal, &listed).await?;
        Connection::from_rows(page, total, loans, |l| l.response_id.as_uuid(), Ok)
    }
}
