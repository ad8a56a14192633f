//! Loan products (金融产品) and the transactional outbox that keeps Meilisearch in step with them.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Products {
    Table,
    Id,
    BankId,
    Name,
    Description,
    ProductType,
    Status,
    AmountMin,
    AmountMax,
    TermMin,
    TermMax,
    RateMin,
    RateMax,
    SubjectKinds,
    RegionPrefixes,
    IndustryCodes,
    MinTaxGrade,
    MinYears,
    RequiresCleanRecord,
    RequiresVerified,
    RequiredConsents,
    TaxBased,
    TrustedDiscount,
    Version,
    CreatedAt,
    UpdatedAt,
    PublishedAt,
}

#[derive(DeriveIden)]
enum Institutions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    Aggregate,
    AggregateId,
    CreatedAt,
    NextAttemptAt,
    ClaimedUntil,
    Attempts,
    LastError,
    ProcessedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Products::Table)
                    .col(uuid(Products::Id).primary_key())
                    .col(uuid(Products::BankId))
                    .col(string_len(Products::Name, 120))
                    .col(text(Products::Description))
                    .col(string_len(Products::ProductType, 16))
                    .col(string_len(Products::Status, 16))
                    .col(big_integer(Products::AmountMin))
                    .col(big_integer(Products::AmountMax))
                    .col(integer(Products::TermMin))
                    .col(integer(Products::TermMax))
                    .col(integer(Products::RateMin))
                    .col(integer(Products::RateMax))
                    // Tag lists are stored delimited with leading and trailing commas (",A,B,") so that
                    // membership is a portable LIKE '%,A,%' on both databases.
                    .col(string_len(Products::SubjectKinds, 100))
                    .col(text(Products::RegionPrefixes))
                    .col(text(Products::IndustryCodes))
                    .col(string_len_null(Products::MinTaxGrade, 1))
                    .col(integer_null(Products::MinYears))
                    .col(boolean(Products::RequiresCleanRecord))
                    .col(boolean(Products::RequiresVerified))
                    .col(string_len(Products::RequiredConsents, 200))
                    .col(boolean(Products::TaxBased))
                    .col(integer_null(Products::TrustedDiscount))
                    .col(big_integer(Products::Version))
                    .col(timestamp_with_time_zone(Products::CreatedAt))
                    .col(timestamp_with_time_zone(Products::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Products::PublishedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_products_bank")
                            .from(Products::Table, Products::BankId)
                            .to(Institutions::Table, Institutions::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_products_status_bank")
                    .table(Products::Table)
                    .col(Products::Status)
                    .col(Products::BankId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .col(big_pk_auto(Outbox::Id))
                    .col(string_len(Outbox::Aggregate, 32))
                    .col(uuid(Outbox::AggregateId))
                    .col(timestamp_with_time_zone(Outbox::CreatedAt))
                    .col(timestamp_with_time_zone(Outbox::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(Outbox::ClaimedUntil))
                    .col(integer(Outbox::Attempts).default(0))
                    .col(string_len_null(Outbox::LastError, 500))
                    .col(timestamp_with_time_zone_null(Outbox::ProcessedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_outbox_pending")
                    .table(Outbox::Table)
                    .col(Outbox::ProcessedAt)
                    .col(Outbox::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("ix_outbox_aggregate").table(Outbox::Table).col(Outbox::AggregateId).to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Outbox::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Products::Table).to_owned()).await
    }
}
