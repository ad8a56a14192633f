//! A change counter for the product catalogue: every statement that writes `products` bumps one row, in the
//! writer's own transaction, so a replica revalidates its in-memory catalogue by reading one row instead of
//! summing the versions of every product.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const BUMP: &str = "UPDATE catalog_changes SET changes = changes + 1 WHERE id = 1";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("CREATE TABLE catalog_changes (id SMALLINT PRIMARY KEY, changes BIGINT NOT NULL)")
            .await?;
        // Start from the sum of versions, so a catalogue cached under the old key is never mistaken for current.
        db.execute_unprepared(
            "INSERT INTO catalog_changes (id, changes) SELECT 1, COALESCE(SUM(version), 0) + COUNT(*) FROM products",
        )
        .await?;
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                db.execute_unprepared(&format!(
                    "CREATE FUNCTION bump_catalog_changes() RETURNS trigger LANGUAGE plpgsql AS $$
                     BEGIN {BUMP}; RETURN NULL; END $$"
                ))
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER products_catalog_changes AFTER INSERT OR UPDATE OR DELETE ON products
                     FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_changes()",
                )
                .await?;
            }
            _ => {
                for event in ["INSERT", "UPDATE", "DELETE"] {
                    let name = event.to_lowercase();
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER products_catalog_changes_{name} AFTER {event} ON products BEGIN {BUMP}; END"
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                db.execute_unprepared("DROP TRIGGER products_catalog_changes ON products").await?;
                db.execute_unprepared("DROP FUNCTION bump_catalog_changes()").await?;
            }
            _ => {
                for name in ["insert", "update", "delete"] {
                    db.execute_unprepared(&format!("DROP TRIGGER products_catalog_changes_{name}")).await?;
                }
            }
        }
        db.execute_unprepared("DROP TABLE catalog_changes").await?;
        Ok(())
    }
}
