//! GraphQL of credit data: `creditProfile`, `creditRecords`, `dataAccessLog`, objections and repair.

use async_graphql::{ComplexObject, Context, ID, Object, SimpleObject};
use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use xyd_domain::{ConsentId, Money, RecordId};

use super::entity::{access_log, credit_record, objection, tax_record};
use super::freshness::{self, Freshness, Shown};
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
use crate::income_tax::IncomeTaxYear;
use crate::institutions::{Institution, InstitutionRepo};
use crate::pagination::{Connection, Order, Page};
use crate::state::AppState;
use crate::subjects::Subject;

/// 信用信息 record.
#[derive(Clone, Debug, SimpleObject)]
pub struct CreditRecord {
    /// 记录 ID。
    pub id: ID,
    /// 信用信息类别。
    pub category: GqlDataCategory,
    /// 信息来源部门，如 雷州市市场监督管理局。
    pub source: String,
    /// 决定文书编号；与来源部门一起唯一标识一条记录。
    pub doc_number: String,
    /// 标题或事由。
    pub title: String,
    /// 决定日期。
    pub decided_at: GqlDate,
    /// 有效期至；长期有效为 null。
    pub valid_until: Option<GqlDate>,
    /// 记录状态。
    pub status: GqlRecordStatus,
    /// 数据截止日期：最近一次导入该记录的日期。
    pub as_of: GqlDate,
}

impl CreditRecord {
    fn new(m: credit_record::Model) -> AppResult<Self> {
        Ok(Self {
            as_of: GqlDate(super::freshness::record_as_of(&m)),
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
    /// 纳税年度，如 2025。
    pub year: i32,
    /// 该年度的纳税信用等级。
    pub grade: GqlTaxGrade,
    /// 该年度纳税总额（元）。
    pub tax_paid: GqlMoney,
    /// 该年度增值税开票销售额（元）；无数据为 null。
    pub vat_sales: Option<GqlMoney>,
    /// 数据截止日期：税务部门数据的快照日期（导入文件未给出时为导入当日）。
    pub as_of: GqlDate,
}

impl TaxRecord {
    fn new(m: tax_record::Model) -> AppResult<Self> {
        let as_of = m.snapshot_date.ok_or_else(|| AppError::internal("tax row without a snapshot date", m.id))?;
        Ok(Self {
            as_of: GqlDate(as_of),
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
    /// 被查询的市场主体，按调用者可见的范围展示。
    pub subject: Subject,
    /// 公示信息记录（银行只看到有效和异议处理中的记录）。
    pub public_records: Vec<CreditRecord>,
    #[graphql(skip)]
    tax: AppResult<Vec<TaxRecord>>,
    #[graphql(skip)]
    authorized: AppResult<Vec<CreditRecord>>,
    #[graphql(skip)]
    income_tax: AppResult<Option<Vec<IncomeTaxYear>>>,
    /// 数据时效：各部分数据的截止日期与是否过期（只计调用者可见的部分）。
    pub freshness: Freshness,
}

#[ComplexObject]
impl CreditProfile {
    /// 历年纳税信息；无覆盖 TAX 的有效授权时为 null，并在该路径返回 CONSENT_REQUIRED 错误。
    async fn tax(&self) -> AppResult<Option<Vec<TaxRecord>>> {
        self.tax.clone().map(Some)
    }

    /// SOCIAL_INSURANCE, HOUSING_FUND, UTILITIES and REAL_ESTATE records covered by the consent.
    async fn authorized_records(&self) -> AppResult<Option<Vec<CreditRecord>>> {
        self.authorized.clone().map(Some)
    }

    /// 自然人的个人所得税汇总（本人授权税务机关归集）：银行须有覆盖 INCOME_TAX 的有效授权（否则为 null 并返回
    /// CONSENT_REQUIRED），本人撤回归集授权后其带来的数据对所有银行不可见；市场主体为 null。
    async fn income_tax(&self) -> AppResult<Option<Vec<IncomeTaxYear>>> {
        self.income_tax.clone()
    }
}

/// 异议.
#[derive(SimpleObject)]
pub struct Objection {
    /// 异议 ID。
    pub id: ID,
    /// 被提出异议的信用记录。
    pub record: CreditRecord,
    /// 异议理由。
    pub reason: String,
    /// 提出时间。
    pub filed_at: GqlDateTime,
    /// Decision due (20 days after filing).
    pub due_at: GqlDateTime,
    /// 已超过处理期限仍未处理。
    pub overdue: bool,
    /// 处理结果；未处理为 null。
    pub outcome: Option<GqlObjectionOutcome>,
    /// 主管部门的处理说明。
    pub note: Option<String>,
    /// 处理时间；未处理为 null。
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
#[derive(Clone, SimpleObject)]
pub struct AccessLogEntry {
    /// 查询时间。
    pub at: GqlDateTime,
    /// 查询的机构（银行或主管部门）。
    pub institution: Institution,
    /// 查询到的信息类别。
    pub categories: Vec<GqlDataCategory>,
    /// 查询用途。
    pub purpose: GqlAccessPurpose,
    /// The consent relied on (null for public data).
    pub consent: Option<Consent>,
}

impl crate::pagination::Paged for AccessLogEntry {
    const EDGE: &'static str = "AccessLogEdge";
    const CONNECTION: &'static str = "AccessLogConnection";
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
        #[graphql(desc = "被查询的主体 ID。")] subject_id: ID,
        #[graphql(desc = "查询用途：须与所依据授权的用途一致。")] purpose: GqlAccessPurpose,
        #[graphql(desc = "银行按受理的需求查询时传入：须为本行受理或放款的该主体需求。")] demand_id: Option<ID>,
    ) -> AppResult<CreditProfile> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let subject = id_arg(&subject_id, "subjectId")?;
        let demand = demand_id.as_deref().map(|d| id_arg(d, "demandId")).transpose()?;
        let data = profile::read(state, principal, subject, purpose.into(), demand).await?;
        let shown = Shown {
            tax: data.tax.as_deref().unwrap_or_default(),
            income_tax: data.income_tax.as_ref().ok().and_then(|rows| rows.as_deref()).unwrap_or_default(),
            records: data.public_records.iter().chain(data.authorized_records.as_deref().unwrap_or_default()).collect(),
        };
        let freshness =
            freshness::of(state.db.conn(), &data.subject, shown, state.config.freshness.max_age_days).await?;
        Ok(CreditProfile {
            freshness,
            subject: Subject::new(data.subject, data.view, &state.cipher)?,
            public_records: CreditRecord::many(data.public_records)?,
            tax: data.tax.and_then(|rows| rows.into_iter().map(TaxRecord::new).collect()),
            authorized: data.authorized_records.and_then(CreditRecord::many),
            income_tax: data.income_tax.map(|rows| rows.map(|r| r.into_iter().map(IncomeTaxYear::from).collect())),
        })
    }

    /// A subject's public credit records (banks: not repaired or revoked ones); banks' reads are logged.
    async fn credit_records(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "主体 ID。")] subject_id: ID,
    ) -> AppResult<Vec<CreditRecord>> {
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
        #[graphql(default = 20, desc = "每页条数，1至100，默认20。")] first: i32,
        #[graphql(desc = "上一页的 `pageInfo.endCursor`；不传则从第一页开始。")] after: Option<String>,
    ) -> AppResult<Connection<AccessLogEntry>> {
        let subject = require_principal(ctx)?.subject()?;
        let state = ctx.data_unchecked::<AppState>();
        let page = Page::parse(Some(first), after)?;
        let query = access_log::Entity::find().filter(access_log::Column::SubjectId.eq(subject));
        let (total, rows) = page.fetch(state.db.conn(), query, access_log::Column::Id, Order::NewestFirst).await?;
        let institutions = InstitutionRepo::find_many(state.db.conn(), rows.iter().map(|r| r.institution_id)).await?;
        let consent_ids: Vec<ConsentId> = rows.iter().filter_map(|r| r.consent_id).collect();
        let consent_rows = crate::consents::by_ids(state.db.conn(), consent_ids).await?;
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
        #[graphql(default = true, desc = "只列未处理的异议，默认是。")] open_only: bool,
        #[graphql(default = false, desc = "只列已超过处理期限的异议，默认否。")] overdue_only: bool,
        #[graphql(default = 50, desc = "最多返回条数，默认50，上限200。")] first: i32,
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
    async fn file_objection(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "要提出异议的信用记录 ID。")] record_id: ID,
        #[graphql(desc = "异议理由，2至1000个字。")] reason: String,
    ) -> AppResult<Objection> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let filed = objections::file(state, principal, id_arg(&record_id, "recordId")?, &reason).await?;
        objections_api(state, vec![filed]).await?.pop().ok_or_else(|| AppError::internal("objection", "vanished"))
    }

    /// Decide an objection (bureau of the subject's jurisdiction): CORRECTED revokes the record, UPHELD
    /// restores it.
    async fn resolve_objection(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "异议 ID。")] id: ID,
        #[graphql(desc = "处理结果：CORRECTED 撤销记录，UPHELD 维持记录。")] outcome: GqlObjectionOutcome,
        #[graphql(desc = "处理说明。")] note: Option<String>,
    ) -> AppResult<Objection> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let resolved =
            objections::resolve(state, principal, id_arg(&id, "id")?, outcome.into(), note.as_deref()).await?;
        objections_api(state, vec![resolved]).await?.pop().ok_or_else(|| AppError::internal("objection", "vanished"))
    }

    /// 信用修复 (bureau): the record keeps its history but loses its punitive effect.
    async fn repair_record(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "要修复的信用记录 ID。")] record_id: ID,
        #[graphql(desc = "修复说明，2至1000个字。")] note: String,
    ) -> AppResult<CreditRecord> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        CreditRecord::new(objections::repair(state, principal, id_arg(&record_id, "recordId")?, &note).await?)
    }
}
