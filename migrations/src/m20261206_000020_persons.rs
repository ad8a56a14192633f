//! Natural persons (自然人) as subjects: they have no USCC (`subjects.uscc` becomes nullable, null exactly for
//! them) and are identified by their 居民身份证号码, kept only as a keyed hash (`id_hash`, HMAC with the data key:
//! one subject per person) and a mask (`id_masked`, e.g. `440882********123X`), never in plaintext.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

use crate::sqlite_rebuild::replace_column_definition;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Subjects {
    Table,
    IdHash,
    IdMasked,
}

const PERSON_INDEX: &str = "CREATE UNIQUE INDEX ux_subjects_id_hash ON subjects (id_hash)";
/// The column as SQLite stores it (migration 000008), and nullable.
const SQLITE_REQUIRED_USCC: &str = "\"uscc\" varchar(18) NOT NULL";
const SQLITE_OPTIONAL_USCC: &str = "\"uscc\" varchar(18) NULL";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                manager
                    .get_connection()
                    .execute_unprepared("ALTER TABLE subjects ALTER COLUMN uscc DROP NOT NULL")
                    .await?;
            }
            _ => replace_column_definition(manager, "subjects", SQLITE_REQUIRED_USCC, SQLITE_OPTIONAL_USCC).await?,
        }
        // SQLite takes one change per ALTER TABLE.
        for column in [string_len_null(Subjects::IdHash, 64), string_len_null(Subjects::IdMasked, 18)] {
            manager.alter_table(Table::alter().table(Subjects::Table).add_column(column).to_owned()).await?;
        }
        manager.get_connection().execute_unprepared(PERSON_INDEX).await?;
        Ok(())
    }

    /// Fails while a person is registered: a subject without a USCC cannot go back.
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared("DROP INDEX ux_subjects_id_hash").await?;
        for column in [Subjects::IdHash, Subjects::IdMasked] {
            manager.alter_table(Table::alter().table(Subjects::Table).drop_column(column).to_owned()).await?;
        }
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                manager
                    .get_connection()
                    .execute_unprepared("ALTER TABLE subjects ALTER COLUMN uscc SET NOT NULL")
                    .await?;
            }
            _ => replace_column_definition(manager, "subjects", SQLITE_OPTIONAL_USCC, SQLITE_REQUIRED_USCC).await?,
        }
        Ok(())
    }
}
