//! The loan ledger: every disbursement as a loan, with its whole cost and its 首贷 computed beside the bank's
//! declaration. A bureau sees its jurisdiction, the admin everything, a bank its own loans; enterprises use their
//! demands instead. One statement selects a page (newest first, by the response's time-ordered id) and counts
//! the whole; the rows are then read by id.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, Value};
use uuid::Uuid;
use xyd_domain::demand::calendar::local_midnight;
use xyd_domain::{InstitutionId, RegionPrefix, ResponseId, Role};

use super::first_loan;
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::institutions::Scope;
use crate::pagination::Page;

/// Which loans, before whose asking narrows them.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Inside this region (the borrower's).
    pub region: Option<RegionPrefix>,
    pub bank: Option<InstitutionId>,
    /// Disbursed on or after this Asia/Shanghai day.
    pub from: Option<NaiveDate>,
    /// Disbursed before this Asia/Shanghai day.
    pub to: Option<NaiveDate>,
    /// Only the loans whose declared and computed 首贷 disagree (`true`), or agree (`false`).
    pub mismatch: Option<bool>,
    /// Only the loans whose lender has no USCC (`true`), for the admin to complete.
    pub lender_without_code: Option<bool>,
}

/// A loan of a page: the disbursed response and its computed 首贷.
#[derive(Debug, Clone, Copy)]
pub struct Listed {
    pub id: ResponseId,
    pub first_loan: bool,
}

/// The conditions of `filter` as `principal` may ask it, with their values.
async fn conditions(
    conn: &impl ConnectionTrait,
    principal: &Principal,
    filter: &Filter,
) -> AppResult<(Vec<String>, Vec<Value>)> {
    let backend = conn.get_database_backend();
    let mut conditions = vec!["r.disbursed_at IS NOT NULL".to_string()];
    let mut values: Vec<Value> = Vec::new();
    let bind = |value: Value, values: &mut Vec<Value>| {
        values.push(value);
        format!("${}", values.len())
    };
    match principal.role {
        Role::Bank => {
            let own = bind(principal.institution()?.into(), &mut values);
            conditions.push(format!("r.bank_id = {own}"));
        }
        Role::Bureau | Role::Admin => {
            if let Scope::Within(jurisdiction) = Scope::of_official(conn, principal).await? {
                if let Some(asked) = &filter.region
                    && !jurisdiction.contains_prefix(asked)
                {
                    return Err(AppError::forbidden("查询地区超出本部门辖区"));
                }
                let pattern = bind(format!("{}%", jurisdiction.as_str()).into(), &mut values);
                conditions.push(format!("r.region_code LIKE {pattern}"));
            }
        }
        Role::Enterprise => return Err(AppError::forbidden("贷款台账仅供主管部门、平台管理员和放款银行查看")),
    }
    if let Some(region) = &filter.region {
        let pattern = bind(format!("{}%", region.as_str()).into(), &mut values);
        conditions.push(format!("r.region_code LIKE {pattern}"));
    }
    if let Some(bank) = filter.bank {
        let bank = bind(bank.into(), &mut values);
        conditions.push(format!("r.bank_id = {bank}"));
    }
    let day = |d: NaiveDate| -> DateTime<Utc> { local_midnight(d) };
    if let Some(from) = filter.from {
        let from = bind(day(from).into(), &mut values);
        conditions.push(format!("r.disbursed_at >= {from}"));
    }
    if let Some(to) = filter.to {
        let to = bind(day(to).into(), &mut values);
        conditions.push(format!("r.disbursed_at < {to}"));
    }
    if let Some(wanted) = filter.mismatch {
        let mismatch = first_loan::mismatch(backend, "r", "s");
        conditions.push(if wanted { mismatch } else { format!("NOT {mismatch}") });
    }
    if let Some(wanted) = filter.lender_without_code {
        let null = if wanted { "IS NULL" } else { "IS NOT NULL" };
        conditions.push(format!("(SELECT i.uscc FROM institutions i WHERE i.id = r.bank_id) {null}"));
    }
    Ok((conditions, values))
}

/// The total of `filter` as `principal` may see it, and the page of it `page` asks for (one more than
/// `page.first`, see `Connection::from_rows`), newest first.
pub async fn page(
    conn: &impl ConnectionTrait,
    principal: &Principal,
    filter: &Filter,
    page: Page,
) -> AppResult<(i64, Vec<Listed>)> {
    let backend = conn.get_database_backend();
    let (mut conditions, mut values) = conditions(conn, principal, filter).await?;
    let from = "bank_responses r JOIN subjects s ON s.id = r.subject_id";
    let count = format!("SELECT COUNT(*) AS n FROM {from} WHERE {}", conditions.join(" AND "));
    let total = conn
        .query_one_raw(crate::db::numbered(backend, &count, values.clone()))
        .await?
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0);
    if let Some(after) = page.after {
        values.push(after.into());
        conditions.push(format!("r.id < ${}", values.len()));
    }
    let select = format!(
        "SELECT r.id AS id, CASE WHEN {first} THEN 1 ELSE 0 END AS first_loan FROM {from}
         WHERE {} ORDER BY r.id DESC LIMIT {}",
        conditions.join(" AND "),
        page.fetch_limit(),
        first = first_loan::computed(backend, "r", "s"),
    );
    let rows = conn.query_all_raw(crate::db::numbered(backend, &select, values)).await?;
    let listed = rows
        .iter()
        .map(|r| {
            let id: Uuid = r.try_get("", "id")?;
            let first: i32 = r.try_get("", "first_loan")?;
            Ok(Listed { id: ResponseId::from_uuid(id), first_loan: first == 1 })
        })
        .collect::<Result<Vec<_>, sea_orm::DbErr>>()?;
    Ok((total, listed))
}
