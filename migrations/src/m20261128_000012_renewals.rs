//! 续贷 / 展期 requests on disbursed loans. A request carries its loan's demand, subject, bank, region and
//! industry section (for the v2 indicators) and at most one request of a loan is open at a time (a partial
//! unique index).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Renewals {
    Table,
    Id,
    ResponseId,
    DemandId,
    SubjectId,
    BankId,
    RegionCode,
    IndustrySection,
    Kind,
    Amount,
    TermMonths,
    Reason,
    Status,
    RequestedAt,
    DueAt,
    DecidedAt,
    DecidedBy,
    AnnualRate,
    RejectReason,
    Note,
}

#[derive(DeriveIden)]
enum BankResponses {
    Table,
    Id,
}

/// Plain SQL valid on both databases: sea-query has no partial indexes for both.
const INDEXES: [&str; 3] = [
    "CREATE UNIQUE INDEX ux_renewals_open ON renewals (response_id) WHERE status = 'REQUESTED'",
    "CREATE INDEX ix_renewals_requested ON renewals (requested_at, region_code)",
    "CREATE INDEX ix_renewals_bank ON renewals (bank_id, id)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Renewals::Table)
                    .col(uuid(Renewals::Id).primary_key())
                    .col(uuid(Renewals::ResponseId))
                    .col(uuid(Renewals::DemandId))
                    .col(uuid(Renewals::SubjectId))
                    .col(uuid(Renewals::BankId))
                    .col(string_len(Renewals::RegionCode, 12))
                    .col(string_len(Renewals::IndustrySection, 1))
                    .col(string_len(Renewals::Kind, 16))
                    .col(big_integer(Renewals::Amount))
                    .col(integer(Renewals::TermMonths))
                    .col(string_len(Renewals::Reason, 1000))
                    .col(string_len(Renewals::Status, 16))
                    .col(timestamp_with_time_zone(Renewals::RequestedAt))
                    .col(timestamp_with_time_zone(Renewals::DueAt))
                    .col(timestamp_with_time_zone_null(Renewals::DecidedAt))
                    .col(uuid_null(Renewals::DecidedBy))
                    .col(integer_null(Renewals::AnnualRate))
                    .col(string_len_null(Renewals::RejectReason, 40))
                    .col(string_len_null(Renewals::Note, 1000))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Renewals::Table, Renewals::ResponseId)
                            .to(BankResponses::Table, BankResponses::Id),
                    )
                    .to_owned(),
            )
            .await?;
        let conn = manager.get_connection();
        for sql in INDEXES {
            conn.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Renewals::Table).to_owned()).await
    }
}
