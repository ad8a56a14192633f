//! A subject's copy of its data (PIPL Art. 45): `data_exports`, one row per request, the ZIP kept in the row
//! once assembled (in the background) until it expires.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DataExports {
    Table,
    Id,
    SubjectId,
    RequestedBy,
    RequestedAt,
    ReadyAt,
    ExpiresAt,
    Sha256,
    Zip,
    Failure,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DataExports::Table)
                    .col(uuid(DataExports::Id).primary_key())
                    .col(uuid(DataExports::SubjectId))
                    .col(uuid(DataExports::RequestedBy))
                    .col(timestamp_with_time_zone(DataExports::RequestedAt))
                    .col(timestamp_with_time_zone_null(DataExports::ReadyAt))
                    .col(timestamp_with_time_zone_null(DataExports::ExpiresAt))
                    .col(string_len_null(DataExports::Sha256, 64))
                    .col(blob_null(DataExports::Zip))
                    .col(string_len_null(DataExports::Failure, 200))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_data_exports_subject")
                    .table(DataExports::Table)
                    .col(DataExports::SubjectId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(DataExports::Table).to_owned()).await
    }
}
