//! A natural person's requests to erase their data (PIPL Art. 47), decided by a bureau of their county or the
//! admin; `retained` lists (in Chinese, as JSON) what the law requires to keep and why.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ErasureRequests {
    Table,
    Id,
    SubjectId,
    RegionCode,
    Status,
    Reason,
    RequestedAt,
    DecidedAt,
    DecidedBy,
    Note,
    Retained,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ErasureRequests::Table)
                    .col(uuid(ErasureRequests::Id).primary_key())
                    .col(uuid(ErasureRequests::SubjectId))
                    .col(string_len(ErasureRequests::RegionCode, 9))
                    .col(string_len(ErasureRequests::Status, 20))
                    .col(string_len(ErasureRequests::Reason, 500))
                    .col(timestamp_with_time_zone(ErasureRequests::RequestedAt))
                    .col(timestamp_with_time_zone_null(ErasureRequests::DecidedAt))
                    .col(uuid_null(ErasureRequests::DecidedBy))
                    .col(string_len_null(ErasureRequests::Note, 500))
                    .col(text(ErasureRequests::Retained).default("[]"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_erasure_requests_region")
                    .table(ErasureRequests::Table)
                    .col(ErasureRequests::RegionCode)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ErasureRequests::Table).to_owned()).await
    }
}
