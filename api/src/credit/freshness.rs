//! `creditProfile.freshness`: when each shared part of a profile stood — the registry entry the subject was last
//! seen in, the latest tax (and income-tax) snapshot shown, the latest import that touched a record shown — and
//! whether any is stale (`[freshness] max_age_days`) or the subject is missing from its county's latest registry
//! snapshot (`xyd_domain::credit::freshness`). Only what the caller was shown counts: a refused part says nothing.

use async_graphql::SimpleObject;
use chrono::{NaiveDate, Utc};
use sea_orm::ConnectionTrait;
use xyd_domain::Uscc;
use xyd_domain::credit::freshness::stale;
use xyd_domain::demand::calendar::local_date;

use super::entity::{credit_record, tax_record};
use crate::error::AppResult;
use crate::graphql::GqlDate;
use crate::income_tax::IncomeTaxRecordRow;
use crate::subjects::{SubjectRow, registry};

/// 数据时效：各部分数据的截止日期，以及是否过期。
#[derive(SimpleObject, Clone, Debug)]
pub struct Freshness {
    /// 该主体最近一次出现在存续主体名录中的名录日期；自然人或从未出现为 null。
    pub registry_as_of: Option<GqlDate>,
    /// 所示纳税（及个人所得税）数据中最新的快照日期；无数据或未获授权为 null。
    pub tax_as_of: Option<GqlDate>,
    /// 所示信用记录中最近一次导入的日期；无记录为 null。
    pub records_as_of: Option<GqlDate>,
    /// 有任何部分早于 `[freshness] max_age_days`（默认 400 天），或该主体不在其区县最新一期名录中。
    pub stale: bool,
}

/// The day a credit record's source stood: the import that last touched it, else the day it was created.
pub fn record_as_of(r: &credit_record::Model) -> NaiveDate {
    r.imported_on.unwrap_or_else(|| local_date(r.created_at))
}

/// The parts shown of a profile.
pub struct Shown<'a> {
    pub tax: &'a [tax_record::Model],
    pub income_tax: &'a [IncomeTaxRecordRow],
    pub records: Vec<&'a credit_record::Model>,
}

pub async fn of(
    conn: &impl ConnectionTrait,
    subject: &SubjectRow,
    shown: Shown<'_>,
    max_age_days: i64,
) -> AppResult<Freshness> {
    let (registry_as_of, missing) = match subject.uscc.as_deref().map(Uscc::parse) {
        Some(Ok(uscc)) => registry::standing(conn, &uscc, &subject.region_code).await?,
        _ => (None, false),
    };
    let tax_days = shown.tax.iter().filter_map(|t| t.snapshot_date);
    let tax_as_of = tax_days.chain(shown.income_tax.iter().map(|r| r.snapshot_date)).max();
    let records_as_of = shown.records.iter().map(|r| record_as_of(r)).max();
    let today = local_date(Utc::now());
    Ok(Freshness {
        stale: stale(&[registry_as_of, tax_as_of, records_as_of], missing, today, max_age_days),
        registry_as_of: registry_as_of.map(GqlDate),
        tax_as_of: tax_as_of.map(GqlDate),
        records_as_of: records_as_of.map(GqlDate),
    })
}
