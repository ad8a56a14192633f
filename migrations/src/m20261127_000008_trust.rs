//! Trust (issue "identity before data"):
//!
//! - `subjects.uscc` is no longer unique: a squatter's unverified registration must not lock the real
//!   company out, so several registrations of a code may wait side by side. At most one is VERIFIED
//!   (a partial unique index), and verifying one closes the others.
//! - `registry_entries.legal_rep_id_hash`: the legal representative's ID number as a keyed hash (HMAC with
//!   the data key), never in plaintext; automatic verification needs it to match.
//! - `credit_records.jurisdiction`: the region prefix of the bureau that first imported the record; no other
//!   jurisdiction may change it. Existing records belong to their code's registering county.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RegistryEntries {
    Table,
    LegalRepIdHash,
}

#[derive(DeriveIden)]
enum CreditRecords {
    Table,
    Jurisdiction,
}

const VERIFIED_OWNER: &str =
    "CREATE UNIQUE INDEX ux_subjects_verified_uscc ON subjects (uscc) WHERE verification_status = 'VERIFIED'";
const USCC_INDEX: &str = "CREATE INDEX ix_subjects_uscc ON subjects (uscc)";

/// The column as migration 000002 declared it on SQLite, and without its UNIQUE.
const SQLITE_UNIQUE_USCC: &str = "\"uscc\" varchar(18) NOT NULL UNIQUE";
const SQLITE_PLAIN_USCC: &str = "\"uscc\" varchar(18) NOT NULL";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let conn = manager.get_connection();
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                conn.execute_unprepared("ALTER TABLE subjects DROP CONSTRAINT subjects_uscc_key").await?;
            }
            _ => {
                crate::sqlite_rebuild::replace_column_definition(
                    manager,
                    "subjects",
                    SQLITE_UNIQUE_USCC,
                    SQLITE_PLAIN_USCC,
                )
                .await?
            }
        }
        conn.execute_unprepared(USCC_INDEX).await?;
        conn.execute_unprepared(VERIFIED_OWNER).await?;
        manager
            .alter_table(
                Table::alter()
                    .table(RegistryEntries::Table)
                    .add_column(string_len_null(RegistryEntries::LegalRepIdHash, 64))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(CreditRecords::Table)
                    .add_column(string_len(CreditRecords::Jurisdiction, 9).default(""))
                    .to_owned(),
            )
            .await?;
        conn.execute_unprepared("UPDATE credit_records SET jurisdiction = substr(uscc, 3, 6)").await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(CreditRecords::Table).drop_column(CreditRecords::Jurisdiction).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter().table(RegistryEntries::Table).drop_column(RegistryEntries::LegalRepIdHash).to_owned(),
            )
            .await?;
        let conn = manager.get_connection();
        conn.execute_unprepared("DROP INDEX ux_subjects_verified_uscc").await?;
        conn.execute_unprepared("DROP INDEX ix_subjects_uscc").await?;
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            conn.execute_unprepared("ALTER TABLE subjects ADD CONSTRAINT subjects_uscc_key UNIQUE (uscc)").await?;
        }
        Ok(())
    }
}
