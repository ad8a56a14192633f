//! `matchProducts`: every published product judged against the demand and the enterprise's own data —
//! eligible ones ranked and explained, near misses with what is missing. Nothing is disclosed to banks.

use std::collections::{HashMap, HashSet};

use async_graphql::SimpleObject;
use chrono::Utc;
use sea_orm::ConnectionTrait;
use xyd_domain::credit::consecutive_declared_years;
use xyd_domain::credit::freshness::too_old;
use xyd_domain::demand::{DemandFacts, Detail, Evaluation, RankInputs, Reason, SubjectFacts, evaluate_in, score_in};
use xyd_domain::product::ProductFilter;
use xyd_domain::{DemandId, IndustryCode, InstitutionId, Money, ProductId, Rate, TaxGrade, VerificationStatus};

use super::entity::demand;
use super::repo;
use crate::auth::Principal;
use crate::credit::TaxRecordRow;
use crate::error::{AppError, AppResult};
use crate::income_tax::IncomeTaxRecordRow;
use crate::income_tax::records as income_records;
use crate::products::catalog::CatalogEntry;
use crate::products::{LoanProduct, ProductRepo};
use crate::state::AppState;
use crate::subjects::{SubjectRepo, SubjectRow};

/// Why a product fits, or what it lacks.
#[derive(Clone, Debug, SimpleObject)]
pub struct MatchReason {
    /// 原因代码（英文，稳定，供程序判断）。
    pub code: String,
    /// 给人看的中文说明。
    pub message: String,
}

impl From<Reason> for MatchReason {
    fn from(r: Reason) -> Self {
        Self { code: r.code.to_string(), message: r.message }
    }
}

/// A product judged for a demand.
#[derive(Clone, SimpleObject)]
pub struct ProductMatch {
    /// 被评估的产品。
    pub product: LoanProduct,
    /// 是否满足产品的全部硬性条件。
    pub eligible: bool,
    /// 排序得分，0–100（越高越合适，保留两位小数）；不含是否符合条件。
    pub score: f64,
    /// 得分与符合的理由。
    pub reasons: Vec<MatchReason>,
    /// 未满足的条件（不符合时说明缺什么）；符合时为空。
    pub unmet: Vec<MatchReason>,
}

fn corrupt(what: &'static str) -> impl Fn(xyd_domain::DomainError) -> AppError {
    move |e| AppError::internal(what, e)
}

/// The demand as the matching rules see it.
pub fn demand_facts(d: &demand::Model) -> AppResult<DemandFacts> {
    Ok(DemandFacts {
        amount: Money::from_fen(d.amount),
        term_months: u16::try_from(d.term_months).map_err(|e| AppError::internal("demand term", e))?,
        guarantee_types: d.guarantee_types.as_slice().to_vec(),
        max_rate: d.max_rate.map(Rate::from_bp).transpose().map_err(corrupt("max rate"))?,
        purpose: d.purpose.clone(),
        shared_categories: d.shared_categories.as_slice().to_vec(),
    })
}

/// The subject's own tax years (newest first) and income tax (its own or, for an individual business, the
/// 经营所得 declared under its code, whatever became of the authorization that brought them), read once for
/// matching and 预授信 — never shown to banks by either.
pub struct OwnRecords {
    pub tax: Vec<TaxRecordRow>,
    pub income: Vec<IncomeTaxRecordRow>,
}

impl OwnRecords {
    pub async fn read(conn: &impl ConnectionTrait, s: &SubjectRow) -> AppResult<Self> {
        Ok(Self {
            tax: crate::credit::repo::tax_of(conn, s.filed_under()).await?,
            income: income_records::of_subject(conn, s, false).await?.unwrap_or_default(),
        })
    }
}

/// The subject as the matching rules see it, from its own records: its latest tax grade and how fresh that
/// tax year is, and its consecutive declared income-tax years.
pub fn subject_facts(s: &SubjectRow, own: &OwnRecords, max_age_days: i64) -> AppResult<SubjectFacts> {
    let today = Utc::now().date_naive();
    let latest = own.tax.first();
    let stale_tax = latest.and_then(|t| t.snapshot_date).filter(|day| too_old(*day, today, max_age_days));
    let declared: Vec<i32> = own.income.iter().filter(|r| r.months_declared > 0).map(|r| r.year).collect();
    Ok(SubjectFacts {
        declared_years: consecutive_declared_years(&declared, today),
        stale_tax,
        ..facts_of(s, latest.map(|t| t.grade))?
    })
}

/// The subject's facts given its latest tax grade, without its income tax and tax freshness (what the product
/// filter reads needs neither).
fn facts_of(s: &SubjectRow, latest_tax_grade: Option<TaxGrade>) -> AppResult<SubjectFacts> {
    Ok(SubjectFacts {
        kind: s.kind,
        region: s.region()?,
        industry: s.industry_code.as_deref().map(IndustryCode::parse).transpose().map_err(corrupt("industry"))?,
        established_on: s.established_on,
        verified: s.verification_status == VerificationStatus::Verified,
        restricted: s.restricted,
        trusted: s.trusted,
        latest_tax_grade,
        declared_years: 0,
        stale_tax: None,
        today: Utc::now().date_naive(),
    })
}

/// The hard filters a demand puts on products, for the index and the SQL prefilter.
pub fn filter_for(d: &DemandFacts, s: &SubjectFacts) -> ProductFilter {
    ProductFilter {
        product_types: d.guarantee_types.clone(),
        subject_kind: Some(s.kind),
        region_code: Some(s.region.clone()),
        industry_code: s.industry.clone(),
        amount: Some(d.amount),
        term_months: Some(d.term_months),
        max_rate: d.max_rate,
        tax_based: None,
        bank_id: None,
    }
}

/// Share of each bank's first responses that came within the SLA, aggregated in the database.
async fn bank_sla_ratios(conn: &impl ConnectionTrait) -> AppResult<HashMap<InstitutionId, f64>> {
    let sql = "SELECT bank_id, COUNT(*) AS n,
                      CAST(SUM(CASE WHEN responded_within_sla THEN 1 ELSE 0 END) AS BIGINT) AS within
               FROM bank_responses GROUP BY bank_id";
    let rows = conn.query_all_raw(sea_orm::Statement::from_string(conn.get_database_backend(), sql)).await?;
    rows.iter()
        .map(|r| {
            let bank: InstitutionId = r.try_get("", "bank_id")?;
            let n: i64 = r.try_get("", "n")?;
            let within: i64 = r.try_get::<Option<i64>>("", "within")?.unwrap_or(0);
            Ok((bank, within as f64 / n.max(1) as f64))
        })
        .collect::<Result<_, sea_orm::DbErr>>()
        .map_err(Into::into)
}

/// A product judged: its points, the rules' evaluation, why it ranks so, and its id.
type Judged = (f64, Evaluation, Vec<Reason>, ProductId);

/// The `first` catalogue products for the demand (only eligible ones unless `include_ineligible`), eligible
/// first, then fewest unmet rules, most points, and id. Every product is ranked on its codes and points alone;
/// only the ones shown are judged again with their messages, which is where the time of a full judgement goes.
fn judge(
    catalog: &[CatalogEntry],
    demand: &DemandFacts,
    facts: &SubjectFacts,
    filter: &ProductFilter,
    inputs_of: impl Fn(&CatalogEntry) -> RankInputs,
    include_ineligible: bool,
    first: usize,
) -> Vec<Judged> {
    let assess = |detail: Detail, entry: &CatalogEntry| {
        let eval = evaluate_in(detail, demand, facts, &entry.spec);
        let (points, why) = score_in(detail, demand, &entry.spec, &eval, facts.trusted, &inputs_of(entry));
        (points, eval, why)
    };
    // (eligible, unmet rules, points, id) and the entry.
    let mut ranked: Vec<(bool, usize, f64, ProductId, &CatalogEntry)> = catalog
        .iter()
        .filter(|entry| include_ineligible || filter.matches(&entry.spec, entry.row.bank_id))
        .filter_map(|entry| {
            let (points, eval, _) = assess(Detail::Codes, entry);
            (eval.eligible || include_ineligible).then_some((
                eval.eligible,
                eval.unmet.len(),
                points,
                entry.row.id,
                entry,
            ))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(b.2.total_cmp(&a.2)).then(a.3.cmp(&b.3)));
    ranked
        .into_iter()
        .take(first)
        .map(|(.., id, entry)| {
            let (points, eval, why) = assess(Detail::Full, entry);
            (points, eval, why, id)
        })
        .collect()
}

pub async fn match_products(
    state: &AppState,
    principal: &Principal,
    demand_id: DemandId,
    first: usize,
    include_ineligible: bool,
) -> AppResult<Vec<ProductMatch>> {
    let subject_id = principal.subject()?;
    let d = repo::find(state.db.conn(), demand_id).await?;
    if d.subject_id != subject_id {
        return Err(AppError::not_found("融资需求不存在"));
    }
    let subject = SubjectRepo::get(state.db.conn(), d.subject_id).await?;
    let max_age = state.config.freshness.max_age_days;
    let own = OwnRecords::read(state.db.conn(), &subject).await?;
    let (demand, facts) = (demand_facts(&d)?, subject_facts(&subject, &own, max_age)?);
    let filter = filter_for(&demand, &facts);
    // The catalogue, the text relevance of the purpose (from the index when it answers) and the banks' response
    // records are independent: fetched at once.
    let index = state.search.products();
    let (catalog, text_search, sla) = tokio::join!(
        state.product_search.published(state.db.conn()),
        index.search(Some(&demand.purpose), &filter, 0, 200),
        bank_sla_ratios(state.db.conn()),
    );
    let (catalog, sla) = (catalog?, sla?);
    let text_rank: HashMap<ProductId, usize> = match text_search {
        Ok(page) => page.ids.iter().enumerate().filter_map(|(i, id)| Some((ProductId::parse(id).ok()?, i))).collect(),
        Err(_) => HashMap::new(),
    };
    let inputs_of = |entry: &CatalogEntry| RankInputs {
        text_rank: text_rank.get(&entry.row.id).copied(),
        bank_sla_ratio: sla.get(&entry.row.bank_id).copied(),
    };
    let judged = judge(&catalog.entries, &demand, &facts, &filter, inputs_of, include_ineligible, first);
    let ordered: Vec<_> = judged.iter().filter_map(|j| catalog.get(&j.3)).map(|entry| entry.row.clone()).collect();
    let products = crate::products::with_banks(state, ordered).await?;
    Ok(judged
        .into_iter()
        .zip(products)
        .map(|((points, eval, why, _), product)| {
            let mut reasons: Vec<MatchReason> = eval.reasons.into_iter().map(Into::into).collect();
            if eval.eligible {
                reasons.extend(why.into_iter().map(Into::into));
            }
            ProductMatch {
                product,
                eligible: eval.eligible,
                score: if eval.eligible { points } else { 0.0 },
                reasons,
                unmet: eval.unmet.into_iter().map(Into::into).collect(),
            }
        })
        .collect())
}

/// Whether `bank` may take up demand `d` at all (see [`servable`]).
pub async fn may_serve(
    conn: &impl ConnectionTrait,
    bank: InstitutionId,
    area: &xyd_domain::RegionPrefix,
    bank_products: &[xyd_domain::ProductSpec],
    d: &demand::Model,
) -> AppResult<bool> {
    Ok(servable(conn, bank, area, bank_products, std::slice::from_ref(d)).await?.contains(&d.id))
}

/// Of `demands`, those `bank` may take up: the subject lies in the bank's service area and, when the demand
/// names products (an application), the bank owns one of them; otherwise one of the bank's published products
/// is eligible for it under the matching rules. A fixed number of queries, however many demands.
pub async fn servable(
    conn: &impl ConnectionTrait,
    bank: InstitutionId,
    area: &xyd_domain::RegionPrefix,
    bank_products: &[xyd_domain::ProductSpec],
    demands: &[demand::Model],
) -> AppResult<HashSet<DemandId>> {
    let subjects = SubjectRepo::find_many(conn, demands.iter().map(|d| d.subject_id)).await?;
    let codes: Vec<String> = subjects.values().filter_map(|s| s.uscc.clone()).collect();
    let grades = crate::credit::repo::latest_grades(conn, &codes).await?;
    let named = demands.iter().flat_map(|d| d.target_product_ids.iter().copied());
    let owned: HashSet<ProductId> =
        ProductRepo::of_bank_among(conn, bank, named).await?.into_iter().map(|p| p.id).collect();
    let mut servable = HashSet::new();
    for d in demands {
        let Some(subject) = subjects.get(&d.subject_id) else { continue };
        let facts = facts_of(subject, grades.get(subject.filed_under()).copied())?;
        if !area.contains(&facts.region) {
            continue;
        }
        let targets = &d.target_product_ids;
        let serves = if targets.is_empty() {
            let filter = filter_for(&demand_facts(d)?, &facts);
            bank_products.iter().any(|spec| filter.matches(spec, bank))
        } else {
            targets.iter().any(|t| owned.contains(t))
        };
        if serves {
            servable.insert(d.id);
        }
    }
    Ok(servable)
}
