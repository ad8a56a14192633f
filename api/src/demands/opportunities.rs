//! A bank's opportunities (商机): open demands of its service area that its published products can serve,
//! as a paged query and as the `newOpportunities` subscription.

use async_graphql::{Context, Subscription};
use futures::Stream;
use std::collections::HashSet;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use tokio::sync::broadcast::error::RecvError;
use xyd_domain::{DemandId, DemandStatus, InstitutionId, ProductSpec, RegionPrefix};

use super::entity::demand;
use super::view::FinancingDemand;
use crate::auth::Principal;
use crate::auth::principal::require_principal;
use crate::error::AppResult;
use crate::institutions::Scope;
use crate::pagination::{Connection, Page};
use crate::products::{ProductRepo, spec_of};
use crate::state::AppState;

/// What deciding a bank's opportunities needs: its id, service area and published products.
pub struct BankLens {
    bank: InstitutionId,
    area: RegionPrefix,
    products: Vec<ProductSpec>,
}

impl BankLens {
    pub async fn of(state: &AppState, principal: &Principal) -> AppResult<Self> {
        let area = Scope::bank_area(state.db.conn(), principal).await?;
        let id = principal.institution()?;
        let products = ProductRepo::of_bank(state.db.conn(), id)
            .await?
            .iter()
            .filter(|p| p.status == xyd_domain::ProductStatus::Published)
            .map(spec_of)
            .collect::<AppResult<Vec<_>>>()?;
        Ok(Self { bank: id, area, products })
    }

    pub fn bank(&self) -> InstitutionId {
        self.bank
    }

    /// An open demand the bank has not answered and may serve.
    pub async fn sees(&self, state: &AppState, d: &demand::Model) -> AppResult<bool> {
        Ok(self.opportunities_in(state, std::slice::from_ref(d)).await?.contains(&d.id))
    }

    /// Whether the bank may take up `d` (see `matching::may_serve`).
    pub async fn may_serve(&self, conn: &impl sea_orm::ConnectionTrait, d: &demand::Model) -> AppResult<bool> {
        super::matching::may_serve(conn, self.bank, &self.area, &self.products, d).await
    }

    /// Of `batch`, the open demands the bank has not answered and may serve, in a fixed number of queries.
    async fn opportunities_in(&self, state: &AppState, batch: &[demand::Model]) -> AppResult<HashSet<DemandId>> {
        use super::entity::response;
        let conn = state.db.conn();
        let answered: HashSet<DemandId> = response::Entity::find()
            .select_only()
            .column(response::Column::DemandId)
            .filter(response::Column::BankId.eq(self.bank))
            .filter(response::Column::DemandId.is_in(batch.iter().map(|d| d.id)))
            .into_tuple()
            .all(conn)
            .await?
            .into_iter()
            .collect();
        let mut candidates = Vec::new();
        for d in batch {
            if xyd_domain::demand::is_open(d.status) && !answered.contains(&d.id) {
                candidates.push(d.clone());
            }
        }
        super::matching::servable(conn, self.bank, &self.area, &self.products, &candidates).await
    }
}

const SCAN_BATCH: u64 = 200;

/// Open demands the bank can serve, newest first.
pub async fn opportunities(
    state: &AppState,
    principal: &Principal,
    page: Page,
) -> AppResult<Connection<FinancingDemand>> {
    let lens = BankLens::of(state, principal).await?;
    let open = [DemandStatus::Open, DemandStatus::InProgress];
    let mut found: Vec<demand::Model> = Vec::new();
    let mut cursor = page.after.map(DemandId::from_uuid);
    let want = page.fetch_limit() as usize;
    // Scan open demands in batches, keeping those the bank can serve, until a page (+1) is filled: each batch
    // is judged in a fixed number of queries, and the page is loaded in another few.
    loop {
        let mut query = demand::Entity::find().filter(demand::Column::Status.is_in(open));
        if let Some(after) = cursor {
            query = query.filter(demand::Column::Id.lt(after));
        }
        let batch = query.order_by_desc(demand::Column::Id).limit(SCAN_BATCH).all(state.db.conn()).await?;
        let exhausted = (batch.len() as u64) < SCAN_BATCH;
        cursor = batch.last().map(|d| d.id);
        let servable = lens.opportunities_in(state, &batch).await?;
        found.extend(batch.into_iter().filter(|d| servable.contains(&d.id)).take(want - found.len()));
        if found.len() >= want || exhausted {
            break;
        }
    }
    let ids: Vec<DemandId> = found.iter().map(|d| d.id).collect();
    let loaded: Vec<(DemandId, FinancingDemand)> =
        ids.into_iter().zip(FinancingDemand::load_many(state, principal, found).await?).collect();
    // The total is not counted (it would mean judging every open demand); -1 marks it unknown.
    Connection::from_rows(page, -1, loaded, |(id, _)| *id, |(_, d)| Ok(d))
}

#[derive(Default)]
pub struct DemandSubscription;

#[Subscription]
impl DemandSubscription {
    /// Demands the calling bank's published products can serve, as they are posted.
    async fn new_opportunities(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = FinancingDemand> + use<>> {
        let principal = require_principal(ctx)?.clone();
        let state = ctx.data_unchecked::<AppState>().clone();
        let lens = BankLens::of(&state, &principal).await?;
        let posted = state.events.demands();
        Ok(futures::stream::unfold(
            (posted, state, principal, lens),
            |(mut posted, state, principal, lens)| async move {
                loop {
                    let id = match posted.recv().await {
                        Ok(id) => id,
                        Err(RecvError::Lagged(_)) => continue,
                        Err(RecvError::Closed) => return None,
                    };
                    let Ok(d) = super::repo::find(state.db.conn(), id).await else { continue };
                    if !lens.sees(&state, &d).await.unwrap_or(false) {
                        continue;
                    }
                    if let Ok(shown) = FinancingDemand::load(&state, &principal, d).await {
                        return Some((shown, (posted, state, principal, lens)));
                    }
                }
            },
        ))
    }
}
