//! 预授信: `products.pre_credit_rule`, a bank's rule for estimating a limit from an enterprise's own tax data, in
//! its stored form (`TAX_PAID;300;A=10000,B=8000`: basis, multiple × 100, grade = factor × 10,000); null when the
//! product has none.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Products {
    Table,
    PreCreditRule,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Products::Table)
                    .add_column(string_len_null(Products::PreCreditRule, 200))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Products::Table).drop_column(Products::PreCreditRule).to_owned()).await
    }
}
