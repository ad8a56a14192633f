//! Making the indicator report cheap at city scale (see docs/benchmarks.md):
//!
//! - `bank_responses.subject_id`, `region_code`, `industry_section`: the demand's, copied on insert by a
//!   trigger, so credit and loan figures read the responses alone;
//! - a covering index on the demands' posting time and the columns the report reads (index-only scans);
//! - partial indexes holding only the missed deadlines (the SLA breaches), which are few, and the granted
//!   responses with every column the loan figures read.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum BankResponses {
    Table,
    SubjectId,
    RegionCode,
    IndustrySection,
}

const POSTGRES_TRIGGER: &str = r#"
CREATE FUNCTION xyd_response_demand() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT subject_id, region_code, industry_section INTO NEW.subject_id, NEW.region_code, NEW.industry_section
    FROM demands WHERE id = NEW.demand_id;
  RETURN NEW;
END $$;
CREATE TRIGGER responses_demand BEFORE INSERT OR UPDATE OF demand_id ON bank_responses
  FOR EACH ROW EXECUTE FUNCTION xyd_response_demand();
"#;

const SQLITE_TRIGGER: &str = r#"CREATE TRIGGER responses_demand AFTER INSERT ON bank_responses BEGIN
  UPDATE bank_responses SET
    subject_id = (SELECT subject_id FROM demands WHERE id = NEW.demand_id),
    region_code = COALESCE((SELECT region_code FROM demands WHERE id = NEW.demand_id), ''),
    industry_section = COALESCE((SELECT industry_section FROM demands WHERE id = NEW.demand_id), '')
  WHERE id = NEW.id;
END"#;

const BACKFILL: &str = "UPDATE bank_responses SET
    subject_id = (SELECT subject_id FROM demands WHERE id = bank_responses.demand_id),
    region_code = COALESCE((SELECT region_code FROM demands WHERE id = bank_responses.demand_id), ''),
    industry_section = COALESCE((SELECT industry_section FROM demands WHERE id = bank_responses.demand_id), '')";

/// Plain SQL: sea-query has no partial indexes for both databases; this SQL is valid on both.
const INDEXES: [&str; 4] = [
    // Every column the credit and loan figures read, for the granted responses only (a disbursement implies a
    // grant): an index-only scan instead of reading the wide response rows.
    "CREATE INDEX ix_responses_credit_report ON bank_responses (credit_granted_at, disbursed_at, region_code,
       industry_section, subject_id, bank_id, product_id, credit_amount, disbursed_amount, credit_rate, first_loan)
       WHERE credit_granted_at IS NOT NULL",
    "CREATE INDEX ix_demands_posted_report ON demands
       (posted_at, region_code, industry_section, amount, first_responded_at, first_response_due_at)",
    "CREATE INDEX ix_demands_unanswered ON demands (first_response_due_at)
       WHERE first_responded_at IS NULL OR first_responded_at > first_response_due_at",
    "CREATE INDEX ix_responses_credit_missed ON bank_responses (credit_due_at)
       WHERE (credit_granted_at IS NULL OR credit_granted_at > credit_due_at)
         AND (rejected_at IS NULL OR rejected_at > credit_due_at)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            uuid_null(BankResponses::SubjectId).to_owned(),
            string_len(BankResponses::RegionCode, 9).default("").to_owned(),
            string_len(BankResponses::IndustrySection, 1).default("").to_owned(),
        ] {
            let mut column = column;
            manager.alter_table(Table::alter().table(BankResponses::Table).add_column(&mut column).to_owned()).await?;
        }
        let conn = manager.get_connection();
        conn.execute_unprepared(BACKFILL).await?;
        for sql in INDEXES {
            conn.execute_unprepared(sql).await?;
        }
        let trigger = match manager.get_database_backend() {
            DatabaseBackend::Postgres => POSTGRES_TRIGGER,
            _ => SQLITE_TRIGGER,
        };
        conn.execute_unprepared(trigger).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let conn = manager.get_connection();
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                conn.execute_unprepared(
                    "DROP TRIGGER responses_demand ON bank_responses; DROP FUNCTION xyd_response_demand();",
                )
                .await?;
            }
            _ => {
                conn.execute_unprepared("DROP TRIGGER responses_demand").await?;
            }
        }
        for name in [
            "ix_demands_posted_report",
            "ix_demands_unanswered",
            "ix_responses_credit_missed",
            "ix_responses_credit_report",
        ] {
            conn.execute_unprepared(&format!("DROP INDEX {name}")).await?;
        }
        for column in [BankResponses::IndustrySection, BankResponses::RegionCode, BankResponses::SubjectId] {
            manager.alter_table(Table::alter().table(BankResponses::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
