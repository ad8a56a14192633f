//! The whole cost of a loan and the lender's own code: a credit grant's fees (`bank_responses.fees`, JSON, null
//! for none) and its 年化综合融资成本 in basis points (`bank_responses.comprehensive_cost`, kept for the
//! indicators' average; null for grants made before it), and an institution's USCC (`institutions.uscc`, unique
//! when set).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum BankResponses {
    Table,
    Fees,
    ComprehensiveCost,
}

#[derive(DeriveIden)]
enum Institutions {
    Table,
    Uscc,
}

const INDEX: &str = "ux_institutions_uscc";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        for column in [
            ColumnDef::new(BankResponses::Fees).text().null().to_owned(),
            ColumnDef::new(BankResponses::ComprehensiveCost).integer().null().to_owned(),
        ] {
            manager.alter_table(Table::alter().table(BankResponses::Table).add_column(column).to_owned()).await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Institutions::Table)
                    .add_column(ColumnDef::new(Institutions::Uscc).string_len(18).null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name(INDEX).table(Institutions::Table).col(Institutions::Uscc).unique().to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name(INDEX).table(Institutions::Table).to_owned()).await?;
        manager
            .alter_table(Table::alter().table(Institutions::Table).drop_column(Institutions::Uscc).to_owned())
            .await?;
        for column in [BankResponses::Fees, BankResponses::ComprehensiveCost] {
            manager.alter_table(Table::alter().table(BankResponses::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
