//! Importing 信用信息 (credit), 纳税信用 (tax) and 贷款历史 (loan history) files. A row's subject is its USCC; the
//! code's registering county must lie in the importing bureau's jurisdiction, and a credit record stays with the
//! jurisdiction that first imported it. Each batch recomputes the flags of the subjects it touched (a record
//! moved between two subjects touches both), in the same transaction; a loan touches no flag.

use std::marker::PhantomData;

use chrono::Utc;
use sea_orm::DatabaseTransaction;
use xyd_domain::credit::{CreditRow, FlagPolicy, TaxRow};
use xyd_domain::loan::LoanHistoryRow;
use xyd_domain::{ImportJobId, RegionCode, RowError, Uscc};
use xyd_reasons::Reason;

use super::runner::{Cells, Importer};
use crate::credit::repo::{self, Written};
use crate::error::AppResult;
use crate::institutions::Scope;

/// A row of data about one subject, keyed by its USCC.
pub trait SubjectData: Sized + Send + 'static {
    const COLUMNS: &'static [&'static str];
    fn parse(cells: &Cells<'_>) -> Result<Self, RowError>;
    fn uscc(&self) -> &Uscc;
    /// Write the rows the jurisdiction may write; refuse the others.
    fn upsert(
        txn: &DatabaseTransaction,
        job: ImportJobId,
        scope: &Scope,
        rows: Vec<(u64, Self)>,
    ) -> impl Future<Output = AppResult<Written>> + Send;
}

impl SubjectData for CreditRow {
    const COLUMNS: &'static [&'static str] = &CreditRow::COLUMNS;

    fn parse(cells: &Cells<'_>) -> Result<Self, RowError> {
        CreditRow::parse(|c| cells.get(c))
    }

    fn uscc(&self) -> &Uscc {
        &self.uscc
    }

    async fn upsert(
        txn: &DatabaseTransaction,
        job: ImportJobId,
        scope: &Scope,
        rows: Vec<(u64, Self)>,
    ) -> AppResult<Written> {
        repo::upsert_credit(txn, job, scope, rows).await
    }
}

impl SubjectData for TaxRow {
    const COLUMNS: &'static [&'static str] = &TaxRow::COLUMNS;

    fn parse(cells: &Cells<'_>) -> Result<Self, RowError> {
        TaxRow::parse(|c| cells.get(c), xyd_domain::demand::calendar::local_date(Utc::now()))
    }

    fn uscc(&self) -> &Uscc {
        &self.uscc
    }

    async fn upsert(
        txn: &DatabaseTransaction,
        job: ImportJobId,
        _: &Scope,
        rows: Vec<(u64, Self)>,
    ) -> AppResult<Written> {
        let touched = rows.iter().map(|(_, r)| r.uscc.clone()).collect();
        repo::upsert_tax(txn, job, rows.into_iter().map(|(_, r)| r).collect()).await?;
        Ok(Written { refused: Vec::new(), touched })
    }
}

impl SubjectData for LoanHistoryRow {
    const COLUMNS: &'static [&'static str] = &LoanHistoryRow::COLUMNS;

    fn parse(cells: &Cells<'_>) -> Result<Self, RowError> {
        LoanHistoryRow::parse(|c| cells.get(c), xyd_domain::demand::calendar::local_date(Utc::now()))
    }

    fn uscc(&self) -> &Uscc {
        &self.uscc
    }

    async fn upsert(
        txn: &DatabaseTransaction,
        job: ImportJobId,
        _: &Scope,
        rows: Vec<(u64, Self)>,
    ) -> AppResult<Written> {
        crate::loans::history::upsert(txn, job, rows.into_iter().map(|(_, r)| r).collect()).await?;
        Ok(Written { refused: Vec::new(), touched: Vec::new() })
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
    type Writer = (Scope, FlagPolicy);

    fn writer(&self) -> Self::Writer {
        (self.scope.clone(), self.policy)
    }

    fn required_columns(&self) -> &'static [&'static str] {
        R::COLUMNS
    }

    fn check(&mut self, _line: u64, cells: &Cells<'_>) -> Result<R, RowError> {
        let row = R::parse(cells)?;
        let county = RegionCode::parse(row.uscc().county_code()).map_err(|_| RowError(Reason::UsccUnknownCounty))?;
        if !self.scope.contains(&county) {
            return Err(RowError(Reason::UsccOutOfJurisdiction {
                uscc: row.uscc().to_string(),
                county: county.to_string(),
            }));
        }
        Ok(row)
    }

    /// Who owns a record is judged against what is written, batch after batch: all of it in `write`.
    type Prepared = Vec<(u64, R)>;

    fn prepare(_: &Self::Writer, _: ImportJobId, rows: Vec<(u64, R)>) -> Self::Prepared {
        rows
    }

    async fn write(
        (scope, policy): &Self::Writer,
        txn: &DatabaseTransaction,
        job: ImportJobId,
        rows: Vec<(u64, R)>,
    ) -> AppResult<Vec<(u64, RowError)>> {
        let Written { refused, mut touched } = R::upsert(txn, job, scope, rows).await?;
        touched.sort();
        touched.dedup();
        repo::recompute_flags(txn, &touched.iter().collect::<Vec<_>>(), *policy).await?;
        Ok(refused)
    }
}
