//! Market subjects, the registry snapshots (存续主体名录), import jobs and their rejected rows.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Subjects {
    Table,
    Id,
    Uscc,
    Name,
    Kind,
    RegionCode,
    IndustryCode,
    LegalRepName,
    LegalRepIdCipher,
    Phone,
    EstablishedOn,
    RegisteredAt,
    VerificationStatus,
    VerificationNote,
    VerifiedAt,
    VerifiedBy,
    VerificationMethod,
    Restricted,
    Trusted,
    Version,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    SubjectId,
}

#[derive(DeriveIden)]
enum RegistryEntries {
    Table,
    Id,
    Uscc,
    SnapshotDate,
    Name,
    Kind,
    RegionCode,
    IndustryCode,
    LegalRepName,
    EstablishedOn,
    Status,
    ImportJobId,
}

#[derive(DeriveIden)]
enum ImportJobs {
    Table,
    Id,
    Kind,
    Status,
    FileName,
    InstitutionId,
    UserId,
    TotalRows,
    AcceptedRows,
    RejectedRows,
    InvalidCodeRows,
    DuplicateCodeRows,
    Failure,
    CreatedAt,
    FinishedAt,
}

#[derive(DeriveIden)]
enum ImportErrors {
    Table,
    Id,
    JobId,
    Line,
    Code,
    Message,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Subjects::Table)
                    .col(uuid(Subjects::Id).primary_key())
                    .col(string_len(Subjects::Uscc, 18).unique_key())
                    .col(string_len(Subjects::Name, 200))
                    .col(string_len(Subjects::Kind, 32))
                    .col(string_len(Subjects::RegionCode, 9))
                    .col(string_len_null(Subjects::IndustryCode, 5))
                    .col(string_len(Subjects::LegalRepName, 60))
                    .col(text_null(Subjects::LegalRepIdCipher))
                    .col(string_len_null(Subjects::Phone, 20))
                    .col(date_null(Subjects::EstablishedOn))
                    .col(timestamp_with_time_zone(Subjects::RegisteredAt))
                    .col(string_len(Subjects::VerificationStatus, 16))
                    .col(string_len_null(Subjects::VerificationNote, 500))
                    .col(timestamp_with_time_zone_null(Subjects::VerifiedAt))
                    .col(uuid_null(Subjects::VerifiedBy))
                    .col(string_len_null(Subjects::VerificationMethod, 32))
                    .col(boolean(Subjects::Restricted).default(false))
                    .col(boolean(Subjects::Trusted).default(false))
                    .col(integer(Subjects::Version).default(0))
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("ix_subjects_region", Subjects::RegionCode),
            ("ix_subjects_registered_at", Subjects::RegisteredAt),
            ("ix_subjects_verified_at", Subjects::VerifiedAt),
            ("ix_subjects_verification_status", Subjects::VerificationStatus),
        ] {
            manager.create_index(Index::create().name(name).table(Subjects::Table).col(col).to_owned()).await?;
        }

        // Plain SQL works on both databases; SQLite cannot add a constrained column through sea-query.
        manager
            .get_connection()
            .execute_unprepared("ALTER TABLE users ADD COLUMN subject_id uuid NULL REFERENCES subjects (id)")
            .await?;
        manager
            .create_index(Index::create().name("ix_users_subject").table(Users::Table).col(Users::SubjectId).to_owned())
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ImportJobs::Table)
                    .col(uuid(ImportJobs::Id).primary_key())
                    .col(string_len(ImportJobs::Kind, 16))
                    .col(string_len(ImportJobs::Status, 16))
                    .col(string_len(ImportJobs::FileName, 255))
                    .col(uuid_null(ImportJobs::InstitutionId))
                    .col(uuid_null(ImportJobs::UserId))
                    .col(big_integer(ImportJobs::TotalRows).default(0))
                    .col(big_integer(ImportJobs::AcceptedRows).default(0))
                    .col(big_integer(ImportJobs::RejectedRows).default(0))
                    .col(big_integer(ImportJobs::InvalidCodeRows).default(0))
                    .col(big_integer(ImportJobs::DuplicateCodeRows).default(0))
                    .col(string_len_null(ImportJobs::Failure, 500))
                    .col(timestamp_with_time_zone(ImportJobs::CreatedAt))
                    .col(timestamp_with_time_zone_null(ImportJobs::FinishedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ImportErrors::Table)
                    .col(big_pk_auto(ImportErrors::Id))
                    .col(uuid(ImportErrors::JobId))
                    .col(big_integer(ImportErrors::Line))
                    .col(string_len(ImportErrors::Code, 32))
                    .col(string_len(ImportErrors::Message, 500))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_import_errors_job")
                            .from(ImportErrors::Table, ImportErrors::JobId)
                            .to(ImportJobs::Table, ImportJobs::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_import_errors_job_line")
                    .table(ImportErrors::Table)
                    .col(ImportErrors::JobId)
                    .col(ImportErrors::Line)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RegistryEntries::Table)
                    .col(uuid(RegistryEntries::Id).primary_key())
                    .col(string_len(RegistryEntries::Uscc, 18))
                    .col(date(RegistryEntries::SnapshotDate))
                    .col(string_len(RegistryEntries::Name, 200))
                    .col(string_len(RegistryEntries::Kind, 32))
                    .col(string_len(RegistryEntries::RegionCode, 9))
                    .col(string_len_null(RegistryEntries::IndustryCode, 5))
                    .col(string_len_null(RegistryEntries::LegalRepName, 60))
                    .col(date_null(RegistryEntries::EstablishedOn))
                    .col(string_len(RegistryEntries::Status, 16))
                    .col(uuid_null(RegistryEntries::ImportJobId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_registry_uscc_snapshot")
                    .table(RegistryEntries::Table)
                    .col(RegistryEntries::Uscc)
                    .col(RegistryEntries::SnapshotDate)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_registry_snapshot_region")
                    .table(RegistryEntries::Table)
                    .col(RegistryEntries::SnapshotDate)
                    .col(RegistryEntries::RegionCode)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(RegistryEntries::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(ImportErrors::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(ImportJobs::Table).to_owned()).await?;
        manager.drop_index(Index::drop().name("ix_users_subject").table(Users::Table).to_owned()).await?;
        manager.get_connection().execute_unprepared("ALTER TABLE users DROP COLUMN subject_id").await?;
        manager.drop_table(Table::drop().table(Subjects::Table).to_owned()).await
    }
}
