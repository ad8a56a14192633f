//! Importing 个人所得税 (INCOME_TAX) files from the tax bureau: each row names the grant code of the person's
//! authorization, and is stored only under a valid one that names that person (`income_tax::records`).

use chrono::Utc;
use sea_orm::DatabaseTransaction;
use xyd_domain::credit::IncomeTaxRow;
use xyd_domain::{ImportJobId, RowError};

use super::runner::{Cells, Importer};
use crate::crypto::FieldCipher;
use crate::error::AppResult;
use crate::income_tax::records;
use crate::institutions::Scope;

/// Imports income-tax rows within a jurisdiction (the grantor's region).
pub struct IncomeTaxImporter {
    scope: Scope,
    cipher: FieldCipher,
}

impl IncomeTaxImporter {
    pub fn new(scope: Scope, cipher: FieldCipher) -> Self {
        Self { scope, cipher }
    }
}

impl Importer for IncomeTaxImporter {
    type Row = IncomeTaxRow;
    type Writer = (Scope, FieldCipher);

    fn writer(&self) -> Self::Writer {
        (self.scope.clone(), self.cipher.clone())
    }

    fn required_columns(&self) -> &'static [&'static str] {
        &IncomeTaxRow::COLUMNS
    }

    fn check(&mut self, _line: u64, cells: &Cells<'_>) -> Result<IncomeTaxRow, RowError> {
        IncomeTaxRow::parse(|c| cells.get(c), xyd_domain::demand::calendar::local_date(Utc::now()))
    }

    type Prepared = Vec<(u64, IncomeTaxRow)>;

    fn prepare(_: &Self::Writer, _: ImportJobId, rows: Vec<(u64, IncomeTaxRow)>) -> Self::Prepared {
        rows
    }

    async fn write(
        (scope, cipher): &Self::Writer,
        txn: &DatabaseTransaction,
        job: ImportJobId,
        rows: Self::Prepared,
    ) -> AppResult<Vec<(u64, RowError)>> {
        records::upsert(txn, job, scope, cipher, rows).await
    }
}
