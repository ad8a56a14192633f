//! Income tax beyond persons: an individual business reads the 经营所得 rows its owner's authorization brought
//! under its USCC (`income_tax_records.uscc`, indexed), and a product may require consecutive declared
//! income-tax years (`products.min_declared_years`, null for none).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IncomeTaxRecords {
    Table,
    Uscc,
}

#[derive(DeriveIden)]
enum Products {
    Table,
    MinDeclaredYears,
}

const INDEX: &str = "ix_income_tax_business_uscc";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create().name(INDEX).table(IncomeTaxRecords::Table).col(IncomeTaxRecords::Uscc).to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Products::Table)
                    .add_column(ColumnDef::new(Products::MinDeclaredYears).integer().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(Products::Table).drop_column(Products::MinDeclaredYears).to_owned())
            .await?;
        manager.drop_index(Index::drop().name(INDEX).table(IncomeTaxRecords::Table).to_owned()).await
    }
}
