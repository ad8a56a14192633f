//! Credit and tax records, the consent ledger, the access log, objections, and the audit of record changes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CreditRecords {
    Table,
    Id,
    Uscc,
    Category,
    Source,
    DocNumber,
    Title,
    DecidedAt,
    ValidUntil,
    Status,
    ImportJobId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum TaxRecords {
    Table,
    Id,
    Uscc,
    Year,
    Grade,
    TaxPaid,
    VatSales,
    ImportJobId,
}

#[derive(DeriveIden)]
enum Consents {
    Table,
    Id,
    SubjectId,
    GranteeId,
    DemandId,
    Categories,
    Purpose,
    ValidFrom,
    ValidUntil,
    RevokedAt,
    TextVersion,
    TextHash,
    SignedBy,
    SignedAt,
}

#[derive(DeriveIden)]
enum AccessLog {
    Table,
    Id,
    SubjectId,
    UserId,
    InstitutionId,
    Categories,
    Purpose,
    ConsentId,
    At,
}

#[derive(DeriveIden)]
enum Objections {
    Table,
    Id,
    RecordId,
    SubjectId,
    FiledBy,
    Reason,
    FiledAt,
    DueAt,
    Outcome,
    Note,
    ResolvedAt,
    ResolvedBy,
}

#[derive(DeriveIden)]
enum RecordEvents {
    Table,
    Id,
    RecordId,
    Action,
    FromStatus,
    ToStatus,
    ActorId,
    Note,
    At,
}

#[derive(DeriveIden)]
enum Subjects {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Institutions {
    Table,
    Id,
}

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
    cols: Vec<DynIden>,
    unique: bool,
) -> Result<(), DbErr> {
    let mut i = Index::create();
    i.name(name).table(table);
    for c in cols {
        i.col(c);
    }
    if unique {
        i.unique();
    }
    manager.create_index(i.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CreditRecords::Table)
                    .col(uuid(CreditRecords::Id).primary_key())
                    .col(string_len(CreditRecords::Uscc, 18))
                    .col(string_len(CreditRecords::Category, 32))
                    .col(string_len(CreditRecords::Source, 100))
                    .col(string_len(CreditRecords::DocNumber, 100))
                    .col(string_len(CreditRecords::Title, 200))
                    .col(date(CreditRecords::DecidedAt))
                    .col(date_null(CreditRecords::ValidUntil))
                    .col(string_len(CreditRecords::Status, 16))
                    .col(uuid_null(CreditRecords::ImportJobId))
                    .col(timestamp_with_time_zone(CreditRecords::CreatedAt))
                    .col(timestamp_with_time_zone(CreditRecords::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ux_credit_source_doc",
            CreditRecords::Table,
            vec![CreditRecords::Source.into_iden(), CreditRecords::DocNumber.into_iden()],
            true,
        )
        .await?;
        index(manager, "ix_credit_uscc", CreditRecords::Table, vec![CreditRecords::Uscc.into_iden()], false).await?;

        manager
            .create_table(
                Table::create()
                    .table(TaxRecords::Table)
                    .col(uuid(TaxRecords::Id).primary_key())
                    .col(string_len(TaxRecords::Uscc, 18))
                    .col(integer(TaxRecords::Year))
                    .col(string_len(TaxRecords::Grade, 1))
                    .col(big_integer(TaxRecords::TaxPaid))
                    .col(big_integer_null(TaxRecords::VatSales))
                    .col(uuid_null(TaxRecords::ImportJobId))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ux_tax_uscc_year",
            TaxRecords::Table,
            vec![TaxRecords::Uscc.into_iden(), TaxRecords::Year.into_iden()],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Consents::Table)
                    .col(uuid(Consents::Id).primary_key())
                    .col(uuid(Consents::SubjectId))
                    .col(uuid_null(Consents::GranteeId))
                    .col(uuid_null(Consents::DemandId))
                    .col(string_len(Consents::Categories, 200))
                    .col(string_len(Consents::Purpose, 32))
                    .col(timestamp_with_time_zone(Consents::ValidFrom))
                    .col(timestamp_with_time_zone(Consents::ValidUntil))
                    .col(timestamp_with_time_zone_null(Consents::RevokedAt))
                    .col(string_len(Consents::TextVersion, 32))
                    .col(string_len(Consents::TextHash, 64))
                    .col(uuid(Consents::SignedBy))
                    .col(timestamp_with_time_zone(Consents::SignedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_consents_subject")
                            .from(Consents::Table, Consents::SubjectId)
                            .to(Subjects::Table, Subjects::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_consents_grantee")
                            .from(Consents::Table, Consents::GranteeId)
                            .to(Institutions::Table, Institutions::Id),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_consents_subject",
            Consents::Table,
            vec![Consents::SubjectId.into_iden(), Consents::GranteeId.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(AccessLog::Table)
                    .col(uuid(AccessLog::Id).primary_key())
                    .col(uuid(AccessLog::SubjectId))
                    .col(uuid(AccessLog::UserId))
                    .col(uuid(AccessLog::InstitutionId))
                    .col(string_len(AccessLog::Categories, 300))
                    .col(string_len(AccessLog::Purpose, 32))
                    .col(uuid_null(AccessLog::ConsentId))
                    .col(timestamp_with_time_zone(AccessLog::At))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_access_log_subject",
            AccessLog::Table,
            vec![AccessLog::SubjectId.into_iden(), AccessLog::Id.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Objections::Table)
                    .col(uuid(Objections::Id).primary_key())
                    .col(uuid(Objections::RecordId))
                    .col(uuid(Objections::SubjectId))
                    .col(uuid(Objections::FiledBy))
                    .col(string_len(Objections::Reason, 1000))
                    .col(timestamp_with_time_zone(Objections::FiledAt))
                    .col(timestamp_with_time_zone(Objections::DueAt))
                    .col(string_len_null(Objections::Outcome, 16))
                    .col(string_len_null(Objections::Note, 1000))
                    .col(timestamp_with_time_zone_null(Objections::ResolvedAt))
                    .col(uuid_null(Objections::ResolvedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_objections_record")
                            .from(Objections::Table, Objections::RecordId)
                            .to(CreditRecords::Table, CreditRecords::Id),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_objections_open",
            Objections::Table,
            vec![Objections::ResolvedAt.into_iden(), Objections::DueAt.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(RecordEvents::Table)
                    .col(uuid(RecordEvents::Id).primary_key())
                    .col(uuid(RecordEvents::RecordId))
                    .col(string_len(RecordEvents::Action, 32))
                    .col(string_len(RecordEvents::FromStatus, 16))
                    .col(string_len(RecordEvents::ToStatus, 16))
                    .col(uuid(RecordEvents::ActorId))
                    .col(string_len_null(RecordEvents::Note, 1000))
                    .col(timestamp_with_time_zone(RecordEvents::At))
                    .to_owned(),
            )
            .await?;
        index(manager, "ix_record_events_record", RecordEvents::Table, vec![RecordEvents::RecordId.into_iden()], false)
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            RecordEvents::Table.into_iden(),
            Objections::Table.into_iden(),
            AccessLog::Table.into_iden(),
            Consents::Table.into_iden(),
            TaxRecords::Table.into_iden(),
            CreditRecords::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
