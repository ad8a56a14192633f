//! Importing 信用信息 (credit) and 纳税信用 (tax) files. A row's subject is its USCC; the code's registering
//! county must lie in the importing bureau's jurisdiction. Each batch recomputes the flags of the subjects
//! it touched, in the same transaction.

use chrono::Utc;
use sea_orm::DatabaseTransaction;
use uuid::Uuid;
use xyd_domain::credit::{CreditRow, FlagPolicy, TaxRow};
use xyd_domain::{RegionCode, RowError, Uscc};

use super::runner::{Cells, Importer};
use crate::credit::repo;
use crate::error::AppResult;
use crate::institutions::Scope;

fn ensure_in(scope: &Scope, uscc: &Uscc) -> Result<(), RowError> {
    let county = RegionCode::parse(uscc.county_code())
        .map_err(|_| RowError::new("INVALID_USCC", "统一社会信用代码的登记机关行政区划码无效"))?;
    if scope.contains(&county) {
        Ok(())
    } else {
        Err(RowError::new("OUT_OF_JURISDICTION", format!("{uscc} 的登记地 {county} 不在本部门辖区内")))
    }
}

async fn recompute(txn: &DatabaseTransaction, codes: &[&Uscc], policy: FlagPolicy) -> AppResult<()> {
    let mut codes = codes.to_vec();
    codes.sort_by_key(|u| u.as_str());
    codes.dedup_by_key(|u| u.as_str());
    repo::recompute_flags(txn, &codes, policy).await
}

/// Credit rows.
pub struct CreditImporter {
    pub scope: Scope,
    pub policy: FlagPolicy,
}

impl Importer for CreditImporter {
    type Row = CreditRow;
    type Writer = FlagPolicy;

    fn writer(&self) -> FlagPolicy {
        self.policy
    }

    fn required_columns(&self) -> &'static [&'static str] {
        &CreditRow::COLUMNS
    }

    fn check(&mut self, _line: u64, cells: &Cells<'_>) -> Result<Self::Row, RowError> {
        let row = CreditRow::parse(|c| cells.get(c))?;
        ensure_in(&self.scope, &row.uscc)?;
        Ok(row)
    }

    async fn write(policy: &FlagPolicy, txn: &DatabaseTransaction, job: Uuid, rows: Vec<Self::Row>) -> AppResult<()> {
        let codes: Vec<Uscc> = rows.iter().map(|r| r.uscc.clone()).collect();
        repo::upsert_credit(txn, job, rows).await?;
        recompute(txn, &codes.iter().collect::<Vec<_>>(), *policy).await
    }
}

/// Tax rows.
pub struct TaxImporter {
    pub scope: Scope,
    pub policy: FlagPolicy,
}

impl Importer for TaxImporter {
    type Row = TaxRow;
    type Writer = FlagPolicy;

    fn writer(&self) -> FlagPolicy {
        self.policy
    }

    fn required_columns(&self) -> &'static [&'static str] {
        &TaxRow::COLUMNS
    }

    fn check(&mut self, _line: u64, cells: &Cells<'_>) -> Result<Self::Row, RowError> {
        let row = TaxRow::parse(|c| cells.get(c), Utc::now().date_naive())?;
        ensure_in(&self.scope, &row.uscc)?;
        Ok(row)
    }

    async fn write(policy: &FlagPolicy, txn: &DatabaseTransaction, job: Uuid, rows: Vec<Self::Row>) -> AppResult<()> {
        let codes: Vec<Uscc> = rows.iter().map(|r| r.uscc.clone()).collect();
        repo::upsert_tax(txn, job, rows).await?;
        recompute(txn, &codes.iter().collect::<Vec<_>>(), *policy).await
    }
}
