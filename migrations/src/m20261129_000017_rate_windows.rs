//! Rate-limit windows shared by every replica on PostgreSQL (`auth::rate_limit::shared`). SQLite, one process
//! per file, counts in memory and leaves the table empty.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RateWindows {
    Table,
    Budget,
    Key,
    StartedAt,
    Attempts,
    Granted,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RateWindows::Table)
                    .col(string_len(RateWindows::Budget, 32))
                    .col(string_len(RateWindows::Key, 320))
                    .col(timestamp_with_time_zone(RateWindows::StartedAt))
                    .col(integer(RateWindows::Attempts))
                    .col(boolean(RateWindows::Granted))
                    .primary_key(Index::create().col(RateWindows::Budget).col(RateWindows::Key))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(RateWindows::Table).to_owned()).await
    }
}
