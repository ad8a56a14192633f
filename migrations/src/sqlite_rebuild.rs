//! SQLite cannot change a column's constraints in place: a table is rebuilt by the documented twelve steps,
//! keeping its indexes and triggers. Foreign keys are off and renaming is in its legacy mode for the rebuild, so
//! other tables' references and triggers naming the table survive; it all runs as one script on one connection,
//! in one transaction.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{DatabaseBackend, Statement};

/// Rebuild `table` with `from` (a column's definition as SQLite stored it) replaced by `to`. An unexpected
/// definition is an error, not a silent no-op.
pub async fn replace_column_definition(
    manager: &SchemaManager<'_>,
    table: &str,
    from: &str,
    to: &str,
) -> Result<(), DbErr> {
    let conn = manager.get_connection();
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(
            DatabaseBackend::Sqlite,
            "SELECT type, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL",
            [table.into()],
        ))
        .await?;
    let mut definition = None;
    let mut dependents = Vec::new();
    for row in rows {
        let kind: String = row.try_get("", "type")?;
        let sql: String = row.try_get("", "sql")?;
        if kind == "table" {
            definition = Some(sql);
        } else {
            dependents.push(sql);
        }
    }
    let definition = definition.ok_or_else(|| DbErr::Migration(format!("table {table} not found")))?;
    if !definition.contains(from) {
        return Err(DbErr::Migration(format!("unexpected definition of {table}: {definition}")));
    }
    let rebuilt = definition.replacen(from, to, 1).replacen(
        &format!("CREATE TABLE \"{table}\""),
        &format!("CREATE TABLE \"{table}_rebuilt\""),
        1,
    );
    let script = format!(
        "PRAGMA foreign_keys = OFF;
         PRAGMA legacy_alter_table = ON;
         BEGIN;
         {rebuilt};
         INSERT INTO {table}_rebuilt SELECT * FROM {table};
         DROP TABLE {table};
         ALTER TABLE {table}_rebuilt RENAME TO {table};
         {dependents};
         COMMIT;
         PRAGMA legacy_alter_table = OFF;
         PRAGMA foreign_keys = ON;",
        dependents = dependents.join(";\n"),
    );
    conn.execute_unprepared(&script).await?;
    Ok(())
}
