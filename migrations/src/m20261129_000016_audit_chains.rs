//! Tamper-evident audit trails: every access-log row and every credit-record event takes a place in its table's
//! hash chain (`chain_seq`, `chain_hash`: the SHA-256 of the row's content and of the previous row's hash).
//! `audit_heads` holds each chain's last link and is the lock appenders take, so concurrent writers keep one
//! order; `audit_anchors` keeps a head per day, to be exported and kept elsewhere.
//!
//! Rows written before this migration have no link yet: the application chains them once, in time order, when
//! it first migrates (`sealed` records that it has), since the chain's format lives in the application.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const CHAINED: [&str; 2] = ["access_log", "record_events"];

#[derive(DeriveIden)]
enum AuditHeads {
    Table,
    Chain,
    Seq,
    Hash,
    Sealed,
}

#[derive(DeriveIden)]
enum AuditAnchors {
    Table,
    Chain,
    Day,
    Seq,
    Hash,
    AnchoredAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for table in CHAINED {
            db.execute_unprepared(&format!("ALTER TABLE {table} ADD COLUMN chain_seq BIGINT")).await?;
            db.execute_unprepared(&format!("ALTER TABLE {table} ADD COLUMN chain_hash VARCHAR(64)")).await?;
            db.execute_unprepared(&format!("CREATE UNIQUE INDEX ux_{table}_chain_seq ON {table} (chain_seq)")).await?;
            // The rows no link covers, in time order: all of them until the application seals them, none after
            // (verification looks here for rows slipped in by hand).
            db.execute_unprepared(&format!(
                "CREATE INDEX ix_{table}_unlinked ON {table} (at, id) WHERE chain_seq IS NULL"
            ))
            .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(AuditHeads::Table)
                    .col(string_len(AuditHeads::Chain, 32).primary_key())
                    .col(big_integer(AuditHeads::Seq))
                    .col(string_len(AuditHeads::Hash, 64))
                    .col(boolean(AuditHeads::Sealed))
                    .to_owned(),
            )
            .await?;
        let genesis = "0".repeat(64);
        for table in CHAINED {
            db.execute_unprepared(&format!(
                "INSERT INTO audit_heads (chain, seq, hash, sealed) VALUES ('{table}', 0, '{genesis}', false)"
            ))
            .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(AuditAnchors::Table)
                    .col(string_len(AuditAnchors::Chain, 32))
                    .col(date(AuditAnchors::Day))
                    .col(big_integer(AuditAnchors::Seq))
                    .col(string_len(AuditAnchors::Hash, 64))
                    .col(timestamp_with_time_zone(AuditAnchors::AnchoredAt))
                    .primary_key(Index::create().col(AuditAnchors::Chain).col(AuditAnchors::Day))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        manager.drop_table(Table::drop().table(AuditAnchors::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(AuditHeads::Table).to_owned()).await?;
        for table in CHAINED {
            db.execute_unprepared(&format!("DROP INDEX ix_{table}_unlinked")).await?;
            db.execute_unprepared(&format!("DROP INDEX ux_{table}_chain_seq")).await?;
            db.execute_unprepared(&format!("ALTER TABLE {table} DROP COLUMN chain_hash")).await?;
            db.execute_unprepared(&format!("ALTER TABLE {table} DROP COLUMN chain_seq")).await?;
        }
        Ok(())
    }
}
