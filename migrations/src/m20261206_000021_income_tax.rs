//! 银税互动 for natural persons: a person's authorization that lets the tax bureau send their 个人所得税
//! summaries to the platform (`tax_collection_authorizations`, each with the grant code the bureau's import
//! names per row), and the summaries received under one (`income_tax_records`, natural key person, year,
//! kind). Nothing about a person's income is stored otherwise.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TaxCollectionAuthorizations {
    Table,
    Id,
    SubjectId,
    GrantCode,
    ValidFrom,
    ValidUntil,
    RevokedAt,
    TextVersion,
    TextSha256,
    SignedBy,
}

#[derive(DeriveIden)]
enum IncomeTaxRecords {
    Table,
    Id,
    SubjectId,
    AuthorizationId,
    Year,
    Kind,
    TaxableIncome,
    TaxPaid,
    MonthsDeclared,
    Uscc,
    SnapshotDate,
    ImportJobId,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Subjects {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TaxCollectionAuthorizations::Table)
                    .col(uuid(TaxCollectionAuthorizations::Id).primary_key())
                    .col(uuid(TaxCollectionAuthorizations::SubjectId))
                    .col(string_len(TaxCollectionAuthorizations::GrantCode, 16).unique_key())
                    .col(timestamp_with_time_zone(TaxCollectionAuthorizations::ValidFrom))
                    .col(timestamp_with_time_zone(TaxCollectionAuthorizations::ValidUntil))
                    .col(timestamp_with_time_zone_null(TaxCollectionAuthorizations::RevokedAt))
                    .col(string_len(TaxCollectionAuthorizations::TextVersion, 32))
                    .col(string_len(TaxCollectionAuthorizations::TextSha256, 64))
                    .col(uuid(TaxCollectionAuthorizations::SignedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_tax_collection_subject")
                            .from(TaxCollectionAuthorizations::Table, TaxCollectionAuthorizations::SubjectId)
                            .to(Subjects::Table, Subjects::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_tax_collection_subject")
                    .table(TaxCollectionAuthorizations::Table)
                    .col(TaxCollectionAuthorizations::SubjectId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(IncomeTaxRecords::Table)
                    .col(uuid(IncomeTaxRecords::Id).primary_key())
                    .col(uuid(IncomeTaxRecords::SubjectId))
                    .col(uuid(IncomeTaxRecords::AuthorizationId))
                    .col(integer(IncomeTaxRecords::Year))
                    .col(string_len(IncomeTaxRecords::Kind, 16))
                    .col(big_integer(IncomeTaxRecords::TaxableIncome))
                    .col(big_integer(IncomeTaxRecords::TaxPaid))
                    .col(small_integer(IncomeTaxRecords::MonthsDeclared))
                    .col(string_len_null(IncomeTaxRecords::Uscc, 18))
                    .col(date(IncomeTaxRecords::SnapshotDate))
                    .col(uuid(IncomeTaxRecords::ImportJobId))
                    .col(timestamp_with_time_zone(IncomeTaxRecords::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_income_tax_subject")
                            .from(IncomeTaxRecords::Table, IncomeTaxRecords::SubjectId)
                            .to(Subjects::Table, Subjects::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_income_tax_authorization")
                            .from(IncomeTaxRecords::Table, IncomeTaxRecords::AuthorizationId)
                            .to(TaxCollectionAuthorizations::Table, TaxCollectionAuthorizations::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_income_tax_person_year_kind")
                    .table(IncomeTaxRecords::Table)
                    .col(IncomeTaxRecords::SubjectId)
                    .col(IncomeTaxRecords::Year)
                    .col(IncomeTaxRecords::Kind)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(IncomeTaxRecords::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(TaxCollectionAuthorizations::Table).to_owned()).await
    }
}
