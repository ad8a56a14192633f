//! How fresh shared data is: a tax row's `snapshot_date`, the day the tax bureau's data stood (the TAX file's
//! optional column, else the day it was imported), and a credit record's `imported_on`, the day of the import
//! that last touched it. Rows imported before take their import's day; a tax row without an import (none is
//! written so) takes the day of this migration.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

use crate::m20261123_000006_indicators::shanghai_day;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TaxRecords {
    Table,
    SnapshotDate,
}

#[derive(DeriveIden)]
enum CreditRecords {
    Table,
    ImportedOn,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(TaxRecords::Table)
                    .add_column(ColumnDef::new(TaxRecords::SnapshotDate).date().null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(CreditRecords::Table)
                    .add_column(ColumnDef::new(CreditRecords::ImportedOn).date().null())
                    .to_owned(),
            )
            .await?;
        let backend = manager.get_database_backend();
        let today = match backend {
            DatabaseBackend::Postgres => "(now() AT TIME ZONE 'Asia/Shanghai')::date".to_string(),
            _ => "date('now', '+8 hours')".to_string(),
        };
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "UPDATE tax_records SET snapshot_date = COALESCE(
                   (SELECT {day} FROM import_jobs j WHERE j.id = tax_records.import_job_id), {today})",
                day = shanghai_day(backend, "j.created_at"),
            ))
            .await?;
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "UPDATE credit_records SET imported_on =
                   (SELECT {day} FROM import_jobs j WHERE j.id = credit_records.import_job_id)",
                day = shanghai_day(backend, "j.created_at"),
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(CreditRecords::Table).drop_column(CreditRecords::ImportedOn).to_owned())
            .await?;
        manager
            .alter_table(Table::alter().table(TaxRecords::Table).drop_column(TaxRecords::SnapshotDate).to_owned())
            .await
    }
}
