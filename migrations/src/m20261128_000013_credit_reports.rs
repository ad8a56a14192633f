//! 公共信用信息报告: issued PDFs, kept with the SHA-256 of their bytes and a verification code anyone may check.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CreditReports {
    Table,
    Id,
    SubjectId,
    IssuedBy,
    InstitutionId,
    VerificationCode,
    Sha256,
    IssuedAt,
    Pdf,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CreditReports::Table)
                    .col(uuid(CreditReports::Id).primary_key())
                    .col(uuid(CreditReports::SubjectId))
                    .col(uuid(CreditReports::IssuedBy))
                    .col(uuid_null(CreditReports::InstitutionId))
                    .col(string_len(CreditReports::VerificationCode, 32).unique_key())
                    .col(string_len(CreditReports::Sha256, 64))
                    .col(timestamp_with_time_zone(CreditReports::IssuedAt))
                    .col(blob(CreditReports::Pdf))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(CreditReports::Table).to_owned()).await
    }
}
