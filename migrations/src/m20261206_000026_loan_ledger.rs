//! The loan ledger and an honest 首贷: `loan_history`, the loans the local credit platform (地方征信平台) collected
//! (the LOAN_HISTORY import; natural key uscc, lender_uscc, loan_date, amount), and the indexes the computed first
//! loan reads — earlier loans of the borrower here (`bank_responses` by subject and disbursement) and in the
//! history (by borrower and date).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LoanHistory {
    Table,
    Id,
    Uscc,
    LenderUscc,
    LenderName,
    LoanDate,
    Amount,
    FirstLoan,
    ImportJobId,
    UpdatedAt,
}

/// Plain SQL: a partial index, valid on both databases.
const BORROWER_LOANS: &str = "CREATE INDEX ix_responses_borrower_loans ON bank_responses (subject_id, disbursed_at)
    WHERE disbursed_at IS NOT NULL";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LoanHistory::Table)
                    .col(uuid(LoanHistory::Id).primary_key())
                    .col(string_len(LoanHistory::Uscc, 18))
                    .col(string_len(LoanHistory::LenderUscc, 18))
                    .col(string_len(LoanHistory::LenderName, 100))
                    .col(date(LoanHistory::LoanDate))
                    .col(big_integer(LoanHistory::Amount))
                    .col(boolean_null(LoanHistory::FirstLoan))
                    .col(uuid(LoanHistory::ImportJobId))
                    .col(timestamp_with_time_zone(LoanHistory::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_loan_history_loan")
                    .table(LoanHistory::Table)
                    .col(LoanHistory::Uscc)
                    .col(LoanHistory::LoanDate)
                    .col(LoanHistory::LenderUscc)
                    .col(LoanHistory::Amount)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager.get_connection().execute_unprepared(BORROWER_LOANS).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared("DROP INDEX ix_responses_borrower_loans").await?;
        manager.drop_table(Table::drop().table(LoanHistory::Table).to_owned()).await
    }
}
