//! GraphQL of credit data: `creditProfile`, `creditRecords`, `dataAccessLog`, objections and repair.

use async_graphql::{ComplexObject, Context, ID, Object, SimpleObject};
use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use xyd_domain::{ConsentId, Money, RecordId};

use super::entity::{access_log, credit_record, objection, tax_record};
use super::objections;
use super::profile;
use crate::auth::principal::require_principal;
use crate::consents::Consent;
use crate::error::{AppError, AppResult};
use crate::graphql::id_arg;
use crate::graphql::{
    GqlAccessPurpose, GqlDataCategory, GqlDate, GqlDateTime, GqlMoney, GqlObjectionOutcome, GqlRecordStatus,
    GqlTaxGrade,
};
use crate::institutions::{Institution, InstitutionRepo};
use crate::pagination::{Connection, Order, Page};
use crate::state::AppState;
use crate::subjects::Subject;

/// 信用信息 record.
#[derive(Clone, Debug, SimpleObject)]
pub struct CreditRecord {
    pub id: ID,
    pub category: GqlDataCategory,
    pub source: String,
    pub doc_number: String,
    pub title: String,
    pub decided_at: GqlDate,
    pub valid_until: Option<GqlDate>,
    pub status: GqlRecordStatus,
}

impl CreditRecord {
    fn new(m: credit_record::Model) -> AppResult<Self> {
        Ok(Self {
            id: ID(m.id.to_string()),
            category: m.category.into(),
            status: m.status.into(),
            decided_at: GqlDate(m.decided_at),
            valid_until: m.valid_until.map(GqlDate),
            source: m.source,
            doc_number: m.doc_number,
            title: m.title,
        })
    }

    fn many(rows: Vec<credit_record::Model>) -> AppResult<Vec<Self>> {
        rows.into_iter().map(Self::new).collect()
    }
}

/// 纳税信用 of one year.
#[derive(Clone, Debug, SimpleObject)]
pub struct TaxRecord {
    pub year: i32,
    pub grade: GqlTaxGrade,
    pub tax_paid: GqlMoney,
    pub vat_sales: Option<GqlMoney>,
}

impl TaxRecord {
    fn new(m: tax_record::Model) -> AppResult<Self> {
        Ok(Self {
            year: m.year,
            grade: m.grade.into(),
            tax_paid: GqlMoney(Money::from_fen(m.tax_paid)),
            vat_sales: m.vat_sales.map(|v| GqlMoney(Money::from_fen(v))),
        })
    }
}

/// What a caller may see of a subject's credit. `tax` and `authorizedRecords` are null, with a
/// CONSENT_REQUIRED error at their path, without an active consent that covers them.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct CreditProfile {
    pub subject: Subject,
    pub public_records: Vec<CreditRecord>,
    #[graphql(skip)]
    tax: AppResult<Vec<TaxRecord>>,
    #[graphql(skip)]
    authorized: AppResult<Vec<CreditRecord>>,
}

#[ComplexObject]
impl CreditProfile {
    async fn tax(&self) -> AppResult<Option<Vec<TaxRecord>>> {
        self.tax.clone().map(Some)
    }

    /// SOCIAL_INSURANCE, HOUSING_FUND, UTILITIES and REAL_ESTATE records covered by the consent.
    async fn authorized_records(&self) -> AppResult<Option<Vec<CreditRecord>>> {
        self.authorized.clone().map(Some)
    }
}

/// 异议.
#[derive(SimpleObject)]
pub struct Objection {
    pub id: ID,
    pub record: CreditRecord,
    pub reason: String,
    pub filed_at: GqlDateTime,
    /// Decision due (20 days after filing).
    pub due_at: GqlDateTime,
    pub overdue: bool,
    pub outcome: Option<GqlObjectionOutcome>,
    pub note: Option<String>,
    pub resolved_at: Option<GqlDateTime>,
}

async fn objections_api(state: &AppState, rows: Vec<objection::Model>) -> AppResult<Vec<Objection>> {
    let ids: Vec<RecordId> = rows.iter().map(|o| o.record_id).collect();
    let records =
        credit_record::Entity::find().filter(credit_record::Column::Id.is_in(ids)).all(state.db.conn()).await?;
    let now = Utc::now();
    rows.into_iter()
        .map(|o| {
            let record = records
                .iter()
                .find(|r| r.id == o.record_id)
                .cloned()
                .ok_or_else(|| AppError::internal("objection record", o.record_id))?;
            Ok(Objection {
                id: ID(o.id.to_string()),
                record: CreditRecord::new(record)?,
                overdue: o.resolved_at.is_none() && o.due_at < now,
                outcome: o.outcome.map(Into::into),
                reason: o.reason,
                filed_at: GqlDateTime(o.filed_at),
                due_at: GqlDateTime(o.due_at),
                note: o.note,
                resolved_at: o.resolved_at.map(GqlDateTime),
            })
        })
        .collect()
}

/// One read of the enterprise's data.
#[derive(SimpleObject)]
pub struct AccessLogEntry {
    pub at: GqlDateTime,
    pub institution: Institution,
    pub categories: Vec<GqlDataCategory>,
    pub purpose: GqlAccessPurpose,
    /// The consent relied on (null for public data).
    pub consent: Option<Consent>,
}

#[derive(Default)]
pub struct CreditQuery;

#[Object]
impl CreditQuery {
    /// A subject's credit profile for `purpose`. Banks and bureaus: public records always, authorized data
    /// only under an active consent to their institution for that purpose; every read is logged.
    async fn credit_profile(
        &self,
        ctx: &Context<'_>,
        subject_id: ID,
        purpose: GqlAccessPurpose,
        demand_id: Option<ID>,
    ) -> AppResult<CreditProfile> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let subject = id_arg(&subject_id, "subjectId")?;
        let demand = demand_id.as_deref().map(|d| id_arg(d, "demandId")).transpose()?;
        let data = profile::read(state, principal, subject, purpose.into(), demand).await?;
        Ok(CreditProfile {
            subject: Subject::new(data.subject, data.view, &state.cipher)?,
            public_records: CreditRecord::many(data.public_records)?,
            tax: data.tax.and_then(|rows| rows.into_iter().map(TaxRecord::new).collect()),
            authorized: data.authorized_records.and_then(CreditRecord::many),
        })
    }

    /// A subject's public credit records (banks: not repaired or revoked ones); banks' reads are logged.
    async fn credit_records(&self, ctx: &Context<'_>, subject_id: ID) -> AppResult<Vec<CreditRecord>> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let subject = id_arg(&subject_id, "subjectId")?;
        let visible = profile::records(state, principal, subject).await?;
        CreditRecord::many(visible)
    }

    /// Who viewed my data: the enterprise pages through every read, newest first.
    async fn data_access_log(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> AppResult<Connection<AccessLogEntry>> {
        let subject = require_principal(ctx)?.subject()?;
        let state = ctx.data_unchecked::<AppState>();
        let page = Page::parse(Some(first), after)?;
        let query = access_log::Entity::find().filter(access_log::Column::SubjectId.eq(subject));
        let (total, rows) = page.fetch(state.db.conn(), query, access_log::Column::Id, Order::NewestFirst).await?;
        let institutions = InstitutionRepo::find_many(state.db.conn(), rows.iter().map(|r| r.institution_id)).await?;
        let consent_ids: Vec<ConsentId> = rows.iter().filter_map(|r| r.consent_id).collect();
        let consent_rows = crate::consents::entity::Entity::find()
            .filter(crate::consents::entity::Column::Id.is_in(consent_ids))
            .all(state.db.conn())
            .await?;
        let consents = Consent::many(state, consent_rows).await?;
        Connection::from_rows(
            page,
            total,
            rows,
            |r| r.id,
            |r| {
                Ok(AccessLogEntry {
                    at: GqlDateTime(r.at),
                    institution: institutions
                        .get(&r.institution_id)
                        .cloned()
                        .ok_or_else(|| AppError::internal("log institution", r.institution_id))?,
                    categories: r.categories.iter().map(|c| (*c).into()).collect(),
                    purpose: r.purpose.into(),
                    consent: r
                        .consent_id
                        .and_then(|id| consents.iter().find(|c| c.id.as_str() == id.to_string()).cloned()),
                })
            },
        )
    }

    /// Objections for a bureau's jurisdiction (admin: all), earliest due first.
    async fn objections(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = true)] open_only: bool,
        #[graphql(default = false)] overdue_only: bool,
        #[graphql(default = 50)] first: i32,
    ) -> AppResult<Vec<Objection>> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let rows = objections::list(state, principal, open_only, overdue_only, first.clamp(1, 200) as u64).await?;
        objections_api(state, rows).await
    }
}

#[derive(Default)]
pub struct CreditMutation;

#[Object]
impl CreditMutation {
    /// Dispute one of my records; its punitive effect is suspended until a bureau decides (within 20 days).
    async fn file_objection(&self, ctx: &Context<'_>, record_id: ID, reason: String) -> AppResult<Objection> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let filed = objections::file(state, principal, id_arg(&record_id, "recordId")?, &reason).await?;
        Ok(objections_api(state, vec![filed]).await?.remove(0))
    }

    /// Decide an objection (bureau of the subject's jurisdiction): CORRECTED revokes the record, UPHELD
    /// restores it.
    async fn resolve_objection(
        &self,
        ctx: &Context<'_>,
        id: ID,
        outcome: GqlObjectionOutcome,
        note: Option<String>,
    ) -> AppResult<Objection> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let resolved =
            objections::resolve(state, principal, id_arg(&id, "id")?, outcome.into(), note.as_deref()).await?;
        Ok(objections_api(state, vec![resolved]).await?.remove(0))
    }

    /// 信用修复 (bureau): the record keeps its history but loses its punitive effect.
    async fn repair_record(&self, ctx: &Context<'_>, record_id: ID, note: String) -> AppResult<CreditRecord> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        CreditRecord::new(objections::repair(state, principal, id_arg(&record_id, "recordId")?, &note).await?)
    }
}
