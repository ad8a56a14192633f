//! 未参评 (NOT_RATED), a tax year without a grade: `tax_records.grade` holds the vocabulary's longer name (it
//! was one character, A–D and M; PostgreSQL enforces the length, SQLite does not), and a product may accept
//! not-rated subjects (`products.accepts_not_rated`; without it a not-rated subject fails any minimum tax grade,
//! so existing products keep their behaviour).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Products {
    Table,
    AcceptsNotRated,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared("ALTER TABLE tax_records ALTER COLUMN grade TYPE VARCHAR(16)")
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Products::Table)
                    .add_column(ColumnDef::new(Products::AcceptsNotRated).boolean().not_null().default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(Products::Table).drop_column(Products::AcceptsNotRated).to_owned())
            .await
        // The grade column stays wide: narrowing it again would have to drop the not-rated years.
    }
}
