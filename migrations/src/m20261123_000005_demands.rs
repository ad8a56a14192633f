//! Financing demands (融资需求) and the banks' responses to them.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Demands {
    Table,
    Id,
    SubjectId,
    Amount,
    TermMonths,
    Purpose,
    GuaranteeTypes,
    MaxRate,
    Status,
    PostedAt,
    ExpiresAt,
    FirstResponseDueAt,
    TargetProductIds,
    SharedCategories,
    ClosedAt,
    Version,
}

#[derive(DeriveIden)]
enum BankResponses {
    Table,
    Id,
    DemandId,
    BankId,
    Status,
    FirstRespondedAt,
    RespondedWithinSla,
    AcceptedAt,
    CreditDueAt,
    CreditAmount,
    CreditRate,
    CreditTerm,
    CreditGrantedAt,
    ProductId,
    DisbursedAmount,
    DisbursedAt,
    FirstLoan,
    RejectReason,
    RejectNote,
    RejectedAt,
    UpdatedAt,
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Demands::Table)
                    .col(uuid(Demands::Id).primary_key())
                    .col(uuid(Demands::SubjectId))
                    .col(big_integer(Demands::Amount))
                    .col(integer(Demands::TermMonths))
                    .col(string_len(Demands::Purpose, 1000))
                    .col(string_len(Demands::GuaranteeTypes, 100))
                    .col(integer_null(Demands::MaxRate))
                    .col(string_len(Demands::Status, 16))
                    .col(timestamp_with_time_zone(Demands::PostedAt))
                    .col(timestamp_with_time_zone(Demands::ExpiresAt))
                    .col(timestamp_with_time_zone(Demands::FirstResponseDueAt))
                    .col(text(Demands::TargetProductIds))
                    .col(string_len(Demands::SharedCategories, 200))
                    .col(timestamp_with_time_zone_null(Demands::ClosedAt))
                    .col(big_integer(Demands::Version))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_demands_subject")
                            .from(Demands::Table, Demands::SubjectId)
                            .to(Subjects::Table, Subjects::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("ix_demands_status_posted", vec![Demands::Status, Demands::PostedAt]),
            ("ix_demands_subject", vec![Demands::SubjectId]),
            ("ix_demands_expires", vec![Demands::ExpiresAt]),
        ] {
            let mut index = Index::create();
            index.name(name).table(Demands::Table);
            for c in cols {
                index.col(c);
            }
            manager.create_index(index.to_owned()).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(BankResponses::Table)
                    .col(uuid(BankResponses::Id).primary_key())
                    .col(uuid(BankResponses::DemandId))
                    .col(uuid(BankResponses::BankId))
                    .col(string_len(BankResponses::Status, 16))
                    .col(timestamp_with_time_zone(BankResponses::FirstRespondedAt))
                    .col(boolean(BankResponses::RespondedWithinSla))
                    .col(timestamp_with_time_zone_null(BankResponses::AcceptedAt))
                    .col(timestamp_with_time_zone_null(BankResponses::CreditDueAt))
                    .col(big_integer_null(BankResponses::CreditAmount))
                    .col(integer_null(BankResponses::CreditRate))
                    .col(integer_null(BankResponses::CreditTerm))
                    .col(timestamp_with_time_zone_null(BankResponses::CreditGrantedAt))
                    .col(uuid_null(BankResponses::ProductId))
                    .col(big_integer_null(BankResponses::DisbursedAmount))
                    .col(timestamp_with_time_zone_null(BankResponses::DisbursedAt))
                    .col(boolean_null(BankResponses::FirstLoan))
                    .col(string_len_null(BankResponses::RejectReason, 40))
                    .col(string_len_null(BankResponses::RejectNote, 500))
                    .col(timestamp_with_time_zone_null(BankResponses::RejectedAt))
                    .col(timestamp_with_time_zone(BankResponses::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_responses_demand")
                            .from(BankResponses::Table, BankResponses::DemandId)
                            .to(Demands::Table, Demands::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_responses_bank")
                            .from(BankResponses::Table, BankResponses::BankId)
                            .to(Institutions::Table, Institutions::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_responses_demand_bank")
                    .table(BankResponses::Table)
                    .col(BankResponses::DemandId)
                    .col(BankResponses::BankId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_responses_bank_status")
                    .table(BankResponses::Table)
                    .col(BankResponses::BankId)
                    .col(BankResponses::Status)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(BankResponses::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Demands::Table).to_owned()).await
    }
}
