//! Importing 信用信息 (credit) and 纳税信用 (tax) files. A row's subject is its USCC; the code's registering
//! county must lie in the importing bureau's jurisdiction. Each batch recomputes the flags of the subjects
//! it touched, in the same transaction.

use std::marker::PhantomData;

use chrono::Utc;
use sea_orm::DatabaseTransaction;
use uuid::Uuid;
use xyd_domain::credit::{CreditRow, FlagPolicy, TaxRow};
use xyd_domain::{RegionCode, RowError, Uscc};

use super::runner::{Cells, Importer};
use crate::credit::repo;
use crate::error::AppResult;
use crate::institutions::Scope;

/// A row of data about one subject, keyed by its USCC.
pub trait SubjectData: Sized + Send + 'static {
    const COLUMNS: &'static [&'static str];
    fn parse(cells: &Cells<'_>) -> Result<Self, RowError>;
    fn uscc(&self) -> &Uscc;
    fn upsert(txn: &DatabaseTransaction, job: Uuid, rows: Vec<Self>) -> impl Future<Output = AppResult<()>> + Send;
}

impl SubjectData for CreditRow {
    const COLUMNS: &'static [&'static str] = &CreditRow::COLUMNS;

    fn parse(cells: &Cells<'_>) -> Result<Self, RowError> {
        CreditRow::parse(|c| cells.get(c))
    }

    fn uscc(&self) -> &Uscc {
        &self.uscc
    }

    async fn upsert(txn: &DatabaseTransaction, job: Uuid, rows: Vec<Self>) -> AppResult<()> {
        repo::upsert_credit(txn, job, rows).await
    }
}

impl SubjectData for TaxRow {
    const COLUMNS: &'static [&'static str] = &TaxRow::COLUMNS;

    fn parse(cells: &Cells<'_>) -> Result<Self, RowError> {
        TaxRow::parse(|c| cells.get(c), Utc::now().date_naive())
    }

    fn uscc(&self) -> &Uscc {
        &self.uscc
    }

    async fn upsert(txn: &DatabaseTransaction, job: Uuid, rows: Vec<Self>) -> AppResult<()> {
        repo::upsert_tax(txn, job, rows).await
    }
}

/// Imports rows of `R` within a jurisdiction, keeping the subjects' flags current.
pub struct SubjectDataImporter<R> {
    scope: Scope,
    policy: FlagPolicy,
    rows: PhantomData<fn() -> R>,
}

impl<R> SubjectDataImporter<R> {
    pub fn new(scope: Scope, policy: FlagPolicy) -> Self {
        Self { scope, policy, rows: PhantomData }
    }
}

impl<R: SubjectData> Importer for SubjectDataImporter<R> {
    type Row = R;
    type Writer = FlagPolicy;

    fn writer(&self) -> FlagPolicy {
        self.policy
    }

    fn required_columns(&self) -> &'static [&'static str] {
        R::COLUMNS
    }

    fn check(&mut self, _line: u64, cells: &Cells<'_>) -> Result<R, RowError> {
        let row = R::parse(cells)?;
        let county = RegionCode::parse(row.uscc().county_code())
            .map_err(|_| RowError::new("INVALID_USCC", "统一社会信用代码的登记机关行政区划码无效"))?;
        if !self.scope.contains(&county) {
            return Err(RowError::new(
                "OUT_OF_JURISDICTION",
                format!("{} 的登记地 {county} 不在本部门辖区内", row.uscc()),
            ));
        }
        Ok(row)
    }

    async fn write(policy: &FlagPolicy, txn: &DatabaseTransaction, job: Uuid, rows: Vec<R>) -> AppResult<()> {
        let mut codes: Vec<Uscc> = rows.iter().map(|r| r.uscc().clone()).collect();
        codes.sort();
        codes.dedup();
        R::upsert(txn, job, rows).await?;
        repo::recompute_flags(txn, &codes.iter().collect::<Vec<_>>(), *policy).await
    }
}
