//! On PostgreSQL, every replica hears where the product catalogue stands instead of asking before each search:
//! a transaction that moves the change counter (`catalog_changes`) or the outbox (the search index catching up)
//! sends `NOTIFY xyd_catalog` when it commits, and each replica's listener reads the revision again
//! (`api::products::revision`). SQLite has no notifications across processes; it keeps reading the revision,
//! an in-process read, per search.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        // One notification per transaction however many statements fire it: PostgreSQL folds identical ones.
        db.execute_unprepared(
            "CREATE FUNCTION notify_catalog() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN PERFORM pg_notify('xyd_catalog', ''); RETURN NULL; END $$",
        )
        .await?;
        db.execute_unprepared(
            "CREATE TRIGGER catalog_changes_notify AFTER UPDATE ON catalog_changes
             FOR EACH STATEMENT EXECUTE FUNCTION notify_catalog()",
        )
        .await?;
        db.execute_unprepared(
            "CREATE TRIGGER outbox_notify AFTER INSERT OR UPDATE OR DELETE ON outbox
             FOR EACH STATEMENT EXECUTE FUNCTION notify_catalog()",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared("DROP TRIGGER outbox_notify ON outbox").await?;
        db.execute_unprepared("DROP TRIGGER catalog_changes_notify ON catalog_changes").await?;
        db.execute_unprepared("DROP FUNCTION notify_catalog()").await?;
        Ok(())
    }
}
