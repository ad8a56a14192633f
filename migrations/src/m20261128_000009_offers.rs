//! Offers side by side (货比三家):
//!
//! - `bank_responses.repayment_method`: how a credit grant is repaid (EQUAL_INSTALLMENT, EQUAL_PRINCIPAL or
//!   INTEREST_FIRST), set with the grant; grants made before this migration read as EQUAL_INSTALLMENT;
//! - `bank_responses.chosen_at`: when the enterprise chose this offer (explicitly, or by the bank recording
//!   its disbursement); at most one response of a demand is chosen.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum BankResponses {
    Table,
    RepaymentMethod,
    ChosenAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one column at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(BankResponses::Table)
                    .add_column(string_null(BankResponses::RepaymentMethod))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(BankResponses::Table)
                    .add_column(timestamp_with_time_zone_null(BankResponses::ChosenAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(BankResponses::Table).drop_column(BankResponses::ChosenAt).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter().table(BankResponses::Table).drop_column(BankResponses::RepaymentMethod).to_owned(),
            )
            .await
    }
}
