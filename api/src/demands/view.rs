//! `FinancingDemand` and `BankResponse` as the API shows them. The enterprise sees every bank's response;
//! a bank sees only its own; bureaus of the region and the admin see all.

use std::collections::HashMap;

use async_graphql::{ComplexObject, Context, ID, SimpleObject};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use xyd_domain::{DemandId, InstitutionId, Money, ProductId, Rate, RegionPrefix, Role};

use super::entity::{demand, response};
use super::offers::{Offer, offers_of};
use super::repo;
use crate::auth::Principal;
use crate::auth::principal::require_principal;
use crate::error::{AppError, AppResult};
use crate::graphql::{
    GqlDataCategory, GqlDateTime, GqlDemandStatus, GqlMoney, GqlProductType, GqlRate, GqlRejectReason,
    GqlResponseStatus,
};
use crate::institutions::{Institution, InstitutionRepo, Scope};
use crate::products::LoanProduct;
use crate::state::AppState;
use crate::subjects::{Subject, SubjectLens, SubjectRepo, SubjectRow, SubjectView};

/// 融资需求.
#[derive(Clone, SimpleObject)]
pub struct FinancingDemand {
    /// 需求 ID。
    pub id: ID,
    /// 发布需求的市场主体（按调用者可见的范围脱敏）。
    pub subject: Subject,
    /// 融资金额（元）。
    pub amount: GqlMoney,
    /// 融资期限（月）。
    pub term_months: i32,
    /// 资金用途。
    pub purpose: String,
    /// 可接受的担保方式（产品类型）。
    pub guarantee_types: Vec<GqlProductType>,
    /// 可接受的最高年利率（百分数）；null 表示未限定。
    pub max_rate: Option<GqlRate>,
    /// 需求状态。
    pub status: GqlDemandStatus,
    /// 发布时间。
    pub posted_at: GqlDateTime,
    /// 截止时间：届时仍未放款的需求自动关闭（EXPIRED 或 UNFUNDED）。
    pub expires_at: GqlDateTime,
    /// When the first bank response is due (working days after posting).
    pub first_response_due_at: GqlDateTime,
    /// Still open with no bank response after its due time (an SLA breach).
    pub response_overdue: bool,
    /// 申请的产品（企业指定时）；为空表示面向所有可服务银行的公开需求。
    pub target_products: Vec<LoanProduct>,
    /// Categories shared with every bank that accepts.
    pub shared_categories: Vec<GqlDataCategory>,
    /// The enterprise's contact (legal representative and phone): for the enterprise itself, officials, and a
    /// bank only after it accepted the demand.
    pub contact: Option<DemandContact>,
    /// 银行响应：企业本身及监管部门看全部，银行只看本行的。
    pub responses: Vec<BankResponse>,
    /// 货比三家: every credit grant on the demand with what it costs, cheapest total interest first (the
    /// enterprise and officials; a bank sees its own).
    pub offers: Vec<Offer>,
}

impl crate::pagination::Paged for FinancingDemand {
    const EDGE: &'static str = "DemandEdge";
    const CONNECTION: &'static str = "DemandConnection";
}

/// Who to call about a demand.
#[derive(Clone, SimpleObject)]
pub struct DemandContact {
    /// 法定代表人姓名。
    pub legal_rep_name: String,
    /// 联系电话；未登记为 null。
    pub phone: Option<String>,
}

/// A bank's response to a demand.
#[derive(Clone, SimpleObject)]
#[graphql(complex)]
pub struct BankResponse {
    /// 响应 ID：授信、放款、选定方案和申请续贷时作为 `responseId` 传入。
    pub id: ID,
    #[graphql(skip)]
    pub demand_id: DemandId,
    /// 响应的银行。
    pub bank: Institution,
    /// 响应状态。
    pub status: GqlResponseStatus,
    /// 受理时间；未受理即拒绝时为 null。
    pub accepted_at: Option<GqlDateTime>,
    /// The first response (accept or reject) came within the working-day SLA.
    pub responded_within_sla: Option<bool>,
    /// 授信决定截止时间（受理后若干工作日）；未受理为 null。
    pub credit_due_at: Option<GqlDateTime>,
    /// The credit decision is overdue (accepted, no grant or rejection by its due time).
    pub credit_overdue: bool,
    /// 授信金额（元）；未授信为 null。
    pub credit_amount: Option<GqlMoney>,
    /// 授信年利率（百分数）；未授信为 null。
    pub credit_rate: Option<GqlRate>,
    /// 授信期限（月）；未授信为 null。
    pub credit_term_months: Option<i32>,
    /// 授信时间；未授信为 null。
    pub credit_granted_at: Option<GqlDateTime>,
    /// 放款金额（元）；未放款为 null。
    pub disbursed_amount: Option<GqlMoney>,
    /// 放款时间；未放款为 null。
    pub disbursed_at: Option<GqlDateTime>,
    /// 首贷户.
    pub first_loan: Option<bool>,
    #[graphql(skip)]
    pub product_id: Option<ProductId>,
    /// 拒绝原因代码（企业可见）；未拒绝为 null。
    pub reject_reason: Option<GqlRejectReason>,
    /// 拒绝说明（原因为 OTHER 时必填）；未拒绝或未填写为 null。
    pub reject_note: Option<String>,
}

#[ComplexObject]
impl BankResponse {
    /// 所响应的融资需求（按调用者可见的范围）。
    async fn demand(&self, ctx: &Context<'_>) -> AppResult<FinancingDemand> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let d = repo::find(state.db.conn(), self.demand_id).await?;
        FinancingDemand::load(state, principal, d).await
    }

    /// The product the credit was granted under.
    async fn product(&self, ctx: &Context<'_>) -> AppResult<Option<LoanProduct>> {
        product_of(ctx.data_unchecked::<AppState>(), self.product_id).await
    }
}

/// The product `id`, with its bank, if any.
pub async fn product_of(state: &AppState, id: Option<ProductId>) -> AppResult<Option<LoanProduct>> {
    let Some(id) = id else { return Ok(None) };
    let Some(row) = crate::products::ProductRepo::find(state.db.conn(), id).await? else { return Ok(None) };
    Ok(crate::products::with_banks(state, vec![row]).await?.pop())
}

fn rate(bp: i32) -> AppResult<GqlRate> {
    Rate::from_bp(bp).map(GqlRate).map_err(|e| AppError::internal("rate", e))
}

impl BankResponse {
    pub fn new(r: response::Model, bank: Institution) -> AppResult<Self> {
        let status = r.status;
        let now = chrono::Utc::now();
        Ok(Self {
            id: ID(r.id.to_string()),
            demand_id: r.demand_id,
            bank,
            status: status.into(),
            accepted_at: r.accepted_at.map(GqlDateTime),
            responded_within_sla: Some(r.responded_within_sla),
            credit_due_at: r.credit_due_at.map(GqlDateTime),
            credit_overdue: status == xyd_domain::ResponseStatus::Accepted && r.credit_due_at.is_some_and(|d| d < now),
            credit_amount: r.credit_amount.map(|a| GqlMoney(Money::from_fen(a))),
            credit_rate: r.credit_rate.map(rate).transpose()?,
            credit_term_months: r.credit_term,
            credit_granted_at: r.credit_granted_at.map(GqlDateTime),
            disbursed_amount: r.disbursed_amount.map(|a| GqlMoney(Money::from_fen(a))),
            disbursed_at: r.disbursed_at.map(GqlDateTime),
            first_loan: r.first_loan,
            product_id: r.product_id,
            reject_reason: r.reject_reason.map(Into::into),
            reject_note: r.reject_note,
        })
    }

    /// The API response for one row.
    pub async fn one(state: &AppState, row: response::Model) -> AppResult<Self> {
        Self::many(state, vec![row]).await?.pop().ok_or_else(|| AppError::internal("response", "vanished"))
    }

    /// API responses for rows, with their banks loaded in one query.
    pub async fn many(state: &AppState, rows: Vec<response::Model>) -> AppResult<Vec<Self>> {
        let banks = InstitutionRepo::find_many(state.db.conn(), rows.iter().map(|r| r.bank_id)).await?;
        rows.into_iter()
            .map(|r| {
                let bank =
                    banks.get(&r.bank_id).cloned().ok_or_else(|| AppError::internal("response bank", r.bank_id))?;
                Self::new(r, bank)
            })
            .collect()
    }
}

/// Who is looking at a demand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Viewer {
    Owner,
    Bank(InstitutionId),
    Official(SubjectView),
}

/// What showing demands to one caller needs beyond the demands themselves, loaded once for a whole page.
struct DemandLens<'p> {
    principal: &'p Principal,
    subjects: SubjectLens<'p>,
    /// The calling bank and its service area.
    bank: Option<(InstitutionId, RegionPrefix)>,
}

impl<'p> DemandLens<'p> {
    async fn of(state: &AppState, principal: &'p Principal) -> AppResult<Self> {
        let bank = match principal.role {
            Role::Bank => Some((principal.institution()?, Scope::bank_area(state.db.conn(), principal).await?)),
            _ => None,
        };
        Ok(Self { principal, subjects: SubjectLens::of(state, principal).await?, bank })
    }

    /// An enterprise sees its own demands; a bank those it responded to and open ones of its service area;
    /// officials those their view of the subject allows. NOT_FOUND (or FORBIDDEN) otherwise.
    fn viewer(&self, d: &demand::Model, subject: &SubjectRow, responses: &[response::Model]) -> AppResult<Viewer> {
        match (self.principal.role, &self.bank) {
            (Role::Enterprise, _) if self.principal.owns(d.subject_id) => Ok(Viewer::Owner),
            (Role::Enterprise, _) => Err(AppError::not_found("融资需求不存在")),
            (Role::Bank, Some((bank, area))) => {
                let responded = responses.iter().any(|r| r.bank_id == *bank);
                let open = xyd_domain::demand::is_open(d.status);
                if responded || (open && area.contains(&subject.region()?)) {
                    Ok(Viewer::Bank(*bank))
                } else {
                    Err(AppError::not_found("融资需求不存在"))
                }
            }
            _ => Ok(Viewer::Official(self.subjects.view(subject)?)),
        }
    }
}

/// What deciding who sees a set of demands takes: the caller's lens, the demands' subjects and responses.
struct Surroundings<'a> {
    lens: DemandLens<'a>,
    subjects: HashMap<xyd_domain::SubjectId, SubjectRow>,
    responses: HashMap<DemandId, Vec<response::Model>>,
}

impl<'a> Surroundings<'a> {
    async fn fetch(state: &AppState, principal: &'a Principal, demands: &[demand::Model]) -> AppResult<Self> {
        let conn = state.db.conn();
        Ok(Self {
            lens: DemandLens::of(state, principal).await?,
            subjects: SubjectRepo::find_many(conn, demands.iter().map(|d| d.subject_id)).await?,
            responses: repo::responses_of_many(conn, demands.iter().map(|d| d.id)).await?,
        })
    }

    /// How the caller sees `d` (NOT_FOUND / FORBIDDEN when not at all).
    fn viewer(&self, d: &demand::Model) -> AppResult<Viewer> {
        let subject = self.subjects.get(&d.subject_id).ok_or_else(|| AppError::not_found("市场主体不存在"))?;
        self.lens.viewer(d, subject, self.responses.get(&d.id).map_or(&[], Vec::as_slice))
    }
}

impl FinancingDemand {
    /// The demand as `principal` may see it (NOT_FOUND / FORBIDDEN otherwise).
    /// The demand with `id` as `principal` sees it (None when there is none; refused as `load` refuses).
    pub async fn by_id(state: &AppState, principal: &Principal, id: DemandId) -> AppResult<Option<Self>> {
        match super::repo::lookup(state.db.conn(), id).await? {
            Some(d) => Self::load(state, principal, d).await.map(Some),
            None => Ok(None),
        }
    }

    pub async fn load(state: &AppState, principal: &Principal, d: demand::Model) -> AppResult<Self> {
        Self::load_many(state, principal, vec![d]).await?.pop().ok_or_else(|| AppError::internal("demand", "vanished"))
    }

    /// Of the demands with `ids`, those `principal` may see, as they see them, by id; the others (gone, or
    /// refused as `load` would refuse them) are left out. A fixed number of queries whatever their number.
    pub async fn load_visible(
        state: &AppState,
        principal: &Principal,
        ids: &[DemandId],
    ) -> AppResult<HashMap<DemandId, Self>> {
        let demands =
            demand::Entity::find().filter(demand::Column::Id.is_in(ids.iter().copied())).all(state.db.conn()).await?;
        let around = Surroundings::fetch(state, principal, &demands).await?;
        let mut visible = Vec::with_capacity(demands.len());
        for d in demands {
            match around.viewer(&d) {
                Ok(_) => visible.push(d),
                Err(AppError::NotFound(_) | AppError::Forbidden(_)) => {}
                Err(e) => return Err(e),
            }
        }
        let ids: Vec<DemandId> = visible.iter().map(|d| d.id).collect();
        Ok(ids.into_iter().zip(Self::assemble(state, around, visible).await?).collect())
    }

    /// Demands as `principal` may see them, each NOT_FOUND / FORBIDDEN as `load` would refuse it, in a fixed
    /// number of queries whatever their number.
    pub async fn load_many(
        state: &AppState,
        principal: &Principal,
        demands: Vec<demand::Model>,
    ) -> AppResult<Vec<Self>> {
        let around = Surroundings::fetch(state, principal, &demands).await?;
        Self::assemble(state, around, demands).await
    }

    /// `demands` as seen through `around`, each NOT_FOUND / FORBIDDEN as `load` would refuse it.
    async fn assemble(state: &AppState, around: Surroundings<'_>, demands: Vec<demand::Model>) -> AppResult<Vec<Self>> {
        let conn = state.db.conn();
        let Surroundings { lens, subjects, mut responses } = around;
        let target_ids: Vec<ProductId> = demands.iter().flat_map(|d| d.target_product_ids.iter().copied()).collect();
        let products = crate::products::ProductRepo::find_many(conn, &target_ids).await?;
        let products: HashMap<ProductId, LoanProduct> = crate::products::with_banks(state, products.into_values())
            .await?
            .into_iter()
            .map(|p| (p.product_id(), p))
            .collect();

        let mut shown = Vec::with_capacity(demands.len());
        let mut visible_responses = Vec::new();
        for d in demands {
            let subject = subjects.get(&d.subject_id).cloned().ok_or_else(|| AppError::not_found("市场主体不存在"))?;
            let all = responses.remove(&d.id).unwrap_or_default();
            let viewer = lens.viewer(&d, &subject, &all)?;
            let responded = !all.is_empty();
            let visible: Vec<response::Model> = match viewer {
                Viewer::Bank(bank) => all.into_iter().filter(|r| r.bank_id == bank).collect(),
                _ => all,
            };
            let targets: Vec<LoanProduct> =
                d.target_product_ids.iter().filter_map(|id| products.get(id).cloned()).collect();
            shown.push(Self::shown(state, d, subject, viewer, &visible, responded, targets)?);
            visible_responses.push(visible);
        }
        let mut banked =
            BankResponse::many(state, visible_responses.iter().flatten().cloned().collect()).await?.into_iter();
        for (demand, visible) in shown.iter_mut().zip(&visible_responses) {
            demand.responses = banked.by_ref().take(visible.len()).collect();
            demand.offers = offers_of(visible, &demand.responses)?;
        }
        Ok(shown)
    }

    /// The demand as `viewer` sees it, without its responses (filled in by the caller).
    fn shown(
        state: &AppState,
        d: demand::Model,
        subject: SubjectRow,
        viewer: Viewer,
        visible: &[response::Model],
        responded: bool,
        target_products: Vec<LoanProduct>,
    ) -> AppResult<Self> {
        let subject_view = match viewer {
            Viewer::Owner => SubjectView::Owner,
            Viewer::Bank(_) => SubjectView::Bank,
            Viewer::Official(v) => v,
        };
        let accepted = |r: &response::Model| r.status != xyd_domain::ResponseStatus::Rejected;
        let contact = match viewer {
            Viewer::Bank(_) if !visible.iter().any(accepted) => None,
            _ => Some(DemandContact { legal_rep_name: subject.legal_rep_name.clone(), phone: subject.phone.clone() }),
        };
        Ok(Self {
            id: ID(d.id.to_string()),
            subject: Subject::new(subject, subject_view, &state.cipher)?,
            amount: GqlMoney(Money::from_fen(d.amount)),
            term_months: d.term_months,
            guarantee_types: d.guarantee_types.iter().map(|t| (*t).into()).collect(),
            max_rate: d.max_rate.map(rate).transpose()?,
            status: d.status.into(),
            posted_at: GqlDateTime(d.posted_at),
            expires_at: GqlDateTime(d.expires_at),
            first_response_due_at: GqlDateTime(d.first_response_due_at),
            response_overdue: xyd_domain::demand::is_open(d.status)
                && !responded
                && d.first_response_due_at < chrono::Utc::now(),
            target_products,
            shared_categories: d.shared_categories.iter().map(|c| (*c).into()).collect(),
            responses: Vec::new(),
            offers: Vec::new(),
            contact,
            purpose: d.purpose,
        })
    }
}
