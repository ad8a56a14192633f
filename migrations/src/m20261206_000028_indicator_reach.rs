//! What the indicators read since they count natural persons apart, the whole cost and the computed 首贷
//! (P3, docs/benchmarks.md): the natural persons alone (a partial index: the persons' part of every figure reads
//! only them), and the disbursements by day with what the borrowers family sums (an index-only scan).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Plain SQL: partial indexes, valid on both databases.
const INDEXES: [(&str, &str); 2] = [
    (
        "ix_subjects_persons",
        "CREATE INDEX ix_subjects_persons ON subjects (region_code, id, registered_at, verified_at, industry_code)
           WHERE kind = 'NATURAL_PERSON'",
    ),
    (
        "ix_responses_disbursed_report",
        "CREATE INDEX ix_responses_disbursed_report ON bank_responses
           (disbursed_at, region_code, subject_id, first_loan, disbursed_amount, comprehensive_cost)
           WHERE credit_granted_at IS NOT NULL AND disbursed_at IS NOT NULL",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (_, sql) in INDEXES {
            manager.get_connection().execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, _) in INDEXES {
            manager.get_connection().execute_unprepared(&format!("DROP INDEX {name}")).await?;
        }
        Ok(())
    }
}
