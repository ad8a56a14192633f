//! `xinyidai gen-data demands`: synthetic demands and response histories, with their historical
//! timestamps, written straight into the database for benchmarks and indicator work. Subjects missing from
//! the platform are registered (verified) from the generated registry; banks are created when missing.
//! A period that runs past now is written as it stands now: what would happen later is left out, so
//! recent demands are still open, in progress or awaiting a decision.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use xyd_datagen::demands::{
    CreditOutcome, DemandOptions, GeneratedDemand, GeneratedResponse, ResponseOutcome, demands,
};
use xyd_datagen::registry::RegistryGenerator;
use xyd_domain::demand::{WorkCalendar, derive_status, on_expiry};
use xyd_domain::loan::{Fee, comprehensive_cost};
use xyd_domain::{
    DataCategory, DemandId, DemandStatus, FeeKind, FeeTiming, InstitutionId, Money, ProductId, ProductType,
    RegionPrefix, RepaymentMethod, ResponseId, ResponseStatus, SubjectId, TagList,
};

use xinyidai::demands::entity::{demand, response};
use xinyidai::error::{AppError, AppResult};
use xinyidai::products::entity as product_entity;
use xinyidai::state::AppState;
use xinyidai::subjects::entity as subject_entity;

const BATCH: usize = 200;

/// What was written.
#[derive(Debug, Default)]
pub struct Seeded {
    pub demands: u64,
    pub responses: u64,
    pub subjects_created: u64,
}

/// The responding banks (in the order of datagen's `DEFAULT_BANKS`, which generated responses index) and
/// each one's published products as (id, type, tax-based), to attach credits to a plausible product.
pub struct Lenders {
    banks: Vec<InstitutionId>,
    products: HashMap<InstitutionId, Vec<(ProductId, ProductType, bool)>>,
}

impl Lenders {
    /// The first `count` banks (created, serving `area`, when missing) and their published products.
    pub async fn load(state: &AppState, count: usize, area: &RegionPrefix) -> AppResult<Self> {
        let banks = super::banks(state, count, area).await?;
        let rows = product_entity::Entity::find()
            .filter(product_entity::Column::BankId.is_in(banks.iter().copied()))
            .filter(product_entity::Column::Status.eq(xyd_domain::ProductStatus::Published))
            .all(state.db.conn())
            .await?;
        let mut products: HashMap<_, Vec<_>> = HashMap::new();
        for p in rows {
            products.entry(p.bank_id).or_default().push((p.id, p.product_type, p.tax_based));
        }
        Ok(Self { banks, products })
    }
}

pub async fn seed(state: &AppState, options: &DemandOptions) -> AppResult<Seeded> {
    let registry = RegistryGenerator::new(&options.registry).map_err(|e| AppError::internal("registry options", e))?;
    let calendar = state.config.demands.calendar();
    let area = RegionPrefix::parse(&options.registry.county.code[..4]).map_err(AppError::from)?;
    let lenders = Lenders::load(state, options.banks, &area).await?;
    let now = Utc::now();
    let mut subjects: HashMap<u64, SubjectId> = HashMap::new();
    let mut seeded = Seeded::default();
    let mut generated = demands(options).filter_map(|g| as_of(g, now)).peekable();
    while generated.peek().is_some() {
        let txn = state.db.begin_write().await?;
        for g in generated.by_ref().take(BATCH) {
            let subject = match subjects.get(&g.subject_index) {
                Some(id) => *id,
                None => {
                    let (id, created) = subject_for(&*txn, &registry, &g).await?;
                    seeded.subjects_created += u64::from(created);
                    subjects.insert(g.subject_index, id);
                    id
                }
            };
            seeded.responses += write_demand(&*txn, &calendar, &lenders, subject, g, &[]).await?.1;
            seeded.demands += 1;
        }
        txn.commit().await?;
    }
    Ok(seeded)
}

/// The demand as it stands at `now`: none if posted later; otherwise without the responses, credits,
/// disbursements, rejections and withdrawal still to come.
fn as_of(mut g: GeneratedDemand, now: DateTime<Utc>) -> Option<GeneratedDemand> {
    if g.posted_at > now {
        return None;
    }
    g.withdrawn_at = g.withdrawn_at.filter(|&at| at <= now);
    g.responses.retain(|r| r.responded_at <= now);
    for r in &mut g.responses {
        if let ResponseOutcome::Accepted { credit, rejected_later } = &mut r.outcome {
            *rejected_later = rejected_later.filter(|&(at, _)| at <= now);
            *credit = credit.take().filter(|c| c.granted_at <= now).map(|mut c| {
                c.disbursed = c.disbursed.filter(|&(at, _, _)| at <= now);
                c
            });
        }
    }
    Some(g)
}

/// The platform subject of a generated demand, registered from the generated registry when missing.
async fn subject_for(
    conn: &impl ConnectionTrait,
    registry: &RegistryGenerator<'_>,
    g: &GeneratedDemand,
) -> AppResult<(SubjectId, bool)> {
    let row = registry.row(g.subject_index).map_err(|e| AppError::internal("registry row", e))?;
    if let Some(found) =
        subject_entity::Entity::find().filter(subject_entity::Column::Uscc.eq(row.uscc.clone())).one(conn).await?
    {
        return Ok((found.id, false));
    }
    let registered = g.posted_at - Duration::days(7);
    let created = super::subjects::registered_from(row, registered, Some(registered)).insert(conn).await?;
    Ok((created.id, true))
}

/// Write generated demand `g` of `subject` with its responses, sharing `shared` with the banks that accept
/// it; returns its id and the number of responses written. The caller grants the consent that `shared` implies.
pub async fn write_demand(
    conn: &impl ConnectionTrait,
    calendar: &WorkCalendar,
    lenders: &Lenders,
    subject: SubjectId,
    g: GeneratedDemand,
    shared: &[DataCategory],
) -> AppResult<(DemandId, u64)> {
    let id = DemandId::new();
    let due = calendar.add_working_days(g.posted_at, 3);
    let mut statuses = Vec::new();
    let mut rows = Vec::new();
    let mut disbursed_at = None;
    for r in g.responses {
        let bank = *lenders.banks.get(r.bank).ok_or_else(|| AppError::internal("generated bank", r.bank))?;
        let products = lenders.products.get(&bank).map_or(&[][..], Vec::as_slice);
        if let ResponseOutcome::Accepted { credit: Some(CreditOutcome { disbursed: Some((at, _, _)), .. }), .. } =
            &r.outcome
        {
            disbursed_at = Some(*at);
        }
        let (row, status) = response_row(calendar, id, bank, products, due, r);
        statuses.push(status);
        rows.push(row);
    }
    let now = chrono::Utc::now();
    let mut status =
        if g.withdrawn_at.is_some() { DemandStatus::Withdrawn } else { derive_status(DemandStatus::Open, &statuses) };
    if xyd_domain::demand::is_open(status) && g.expires_at < now {
        status = on_expiry(&statuses);
    }
    demand::ActiveModel {
        id: Set(id),
        subject_id: Set(subject),
        amount: Set(g.amount.fen()),
        term_months: Set(i32::from(g.term_months)),
        purpose: Set(g.purpose),
        guarantee_types: Set(TagList::new(g.guarantee_types.clone())),
        max_rate: Set(g.max_rate.map(|r| r.bp())),
        status: Set(status),
        posted_at: Set(g.posted_at),
        expires_at: Set(g.expires_at),
        first_response_due_at: Set(due),
        target_product_ids: Set(TagList::default()),
        shared_categories: Set(TagList::new(shared.to_vec())),
        // Closed when withdrawn, funded, or else at expiry.
        closed_at: Set(
            (!xyd_domain::demand::is_open(status)).then_some(g.withdrawn_at.or(disbursed_at).unwrap_or(g.expires_at))
        ),
        version: Set(1),
    }
    .insert(conn)
    .await?;
    let n = rows.len() as u64;
    if !rows.is_empty() {
        response::Entity::insert_many(rows).exec_without_returning(conn).await?;
    }
    Ok((id, n))
}

/// The row of one generated response to demand `demand` (first response due at `due`), and its status.
fn response_row(
    calendar: &WorkCalendar,
    demand: DemandId,
    bank: InstitutionId,
    products: &[(ProductId, ProductType, bool)],
    due: DateTime<Utc>,
    r: GeneratedResponse,
) -> (response::ActiveModel, ResponseStatus) {
    let mut row = response::ActiveModel {
        id: Set(ResponseId::new()),
        demand_id: Set(demand),
        bank_id: Set(bank),
        first_responded_at: Set(r.responded_at),
        responded_within_sla: Set(r.responded_at <= due),
        updated_at: Set(r.responded_at),
        ..Default::default()
    };
    let status = match r.outcome {
        ResponseOutcome::Rejected { reason, note } => {
            row.reject_reason = Set(Some(reason));
            row.reject_note = Set(note);
            row.rejected_at = Set(Some(r.responded_at));
            ResponseStatus::Rejected
        }
        ResponseOutcome::Accepted { credit, rejected_later } => {
            row.accepted_at = Set(Some(r.responded_at));
            row.credit_due_at = Set(Some(calendar.add_working_days(r.responded_at, 10)));
            let mut status = match credit {
                Some(c) => grant(&mut row, products, c),
                None => ResponseStatus::Accepted,
            };
            if let Some((at, reason)) = rejected_later {
                row.reject_reason = Set(Some(reason));
                row.rejected_at = Set(Some(at));
                status = ResponseStatus::Rejected;
            }
            status
        }
    };
    row.status = Set(status);
    (row, status)
}

/// Who is paid the guarantee fee of a generated guaranteed loan.
const GUARANTOR: &str = "湛江市融资担保有限公司";

/// Record a generated credit (and its disbursement) on `row`, under the bank's product that fits it best.
fn grant(
    row: &mut response::ActiveModel,
    products: &[(ProductId, ProductType, bool)],
    c: CreditOutcome,
) -> ResponseStatus {
    let product = products
        .iter()
        .find(|(_, t, tax)| *t == c.product_type && *tax == c.tax_based)
        .or_else(|| products.iter().find(|(_, t, _)| *t == c.product_type));
    row.credit_amount = Set(Some(c.amount.fen()));
    row.credit_rate = Set(Some(c.rate.bp()));
    row.credit_term = Set(Some(i32::from(c.term_months)));
    row.credit_granted_at = Set(Some(c.granted_at));
    row.product_id = Set(product.map(|p| p.0));
    // A guaranteed loan carries the guarantor's fee, 1% of the amount deducted at disbursement.
    let fees = match c.product_type {
        ProductType::Guarantee => vec![Fee {
            kind: FeeKind::Guarantee,
            amount: Money::from_fen(c.amount.fen() / 100),
            timing: FeeTiming::Upfront,
            payee: GUARANTOR.into(),
        }],
        _ => Vec::new(),
    };
    let cost = comprehensive_cost(c.amount, c.rate, c.term_months, RepaymentMethod::EqualInstallment, &fees);
    row.fees = Set(xinyidai::demands::fees::encode(&fees));
    row.comprehensive_cost = Set(cost.map(|r| r.bp()));
    match c.disbursed {
        Some((at, amount, first)) => {
            row.disbursed_amount = Set(Some(amount.fen()));
            row.disbursed_at = Set(Some(at));
            row.first_loan = Set(Some(first));
            ResponseStatus::Disbursed
        }
        None => ResponseStatus::CreditGranted,
    }
}
