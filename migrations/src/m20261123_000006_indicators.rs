//! What the monitoring indicators (监测指标) read: summary tables and denormalized columns, kept exactly
//! consistent with the events by triggers (so every writer — use cases, imports, bulk loads — maintains them),
//! and indexes on the event timestamps.
//!
//! - `subject_counts`: registrations and real-name verifications per Asia/Shanghai day, region and industry
//!   section. Cumulative counts "before `to`" sum whole days because periods start at midnight in Shanghai.
//!   China has kept UTC+8 without daylight saving since 1991, so SQLite's fixed `+8 hours` is exact.
//! - `registry_counts`: entries and existing (存续) entries per snapshot date, region and industry section;
//!   refreshed by the application when a registry import job ends (see `imports`), not per row.
//! - `demands.region_code`, `demands.industry_section`: the posting subject's, copied on insert.
//! - `demands.first_responded_at`: the earliest bank response, kept by a trigger on `bank_responses`.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Demands {
    Table,
    RegionCode,
    IndustrySection,
    FirstRespondedAt,
    FirstResponseDueAt,
}

#[derive(DeriveIden)]
enum Objections {
    Table,
    FiledAt,
}

#[derive(DeriveIden)]
enum SubjectCounts {
    Table,
    Day,
    RegionCode,
    IndustrySection,
    Registered,
    Verified,
}

#[derive(DeriveIden)]
enum RegistryCounts {
    Table,
    SnapshotDate,
    RegionCode,
    IndustrySection,
    Entries,
    Existing,
}

/// The two upserts that add `sign` (1 or -1) to the counts of the subject row `side` (`NEW` or `OLD`): its
/// registration, and its verification if it has one. The same SQL for both databases and every trigger.
fn bump_counts(backend: DatabaseBackend, side: &str, sign: i8) -> String {
    let day = |col: &str| shanghai_day(backend, &format!("{side}.{col}"));
    let key = format!("{side}.region_code, COALESCE(substr({side}.industry_code, 1, 1), '')");
    let conflict = "ON CONFLICT (day, region_code, industry_section) DO UPDATE SET";
    format!(
        "INSERT INTO subject_counts VALUES ({reg}, {key}, {sign}, 0)
           {conflict} registered = subject_counts.registered + excluded.registered;
         INSERT INTO subject_counts SELECT {ver}, {key}, 0, {sign} WHERE {side}.verified_at IS NOT NULL
           {conflict} verified = subject_counts.verified + excluded.verified;",
        reg = day("registered_at"),
        ver = day("verified_at"),
    )
}

/// The Asia/Shanghai calendar day of a timestamp expression.
pub(crate) fn shanghai_day(backend: DatabaseBackend, column: &str) -> String {
    match backend {
        DatabaseBackend::Postgres => format!("({column} AT TIME ZONE 'Asia/Shanghai')::date"),
        _ => format!("date({column}, '+8 hours')"),
    }
}

fn postgres_subject_counts() -> String {
    let pg = DatabaseBackend::Postgres;
    format!(
        "CREATE FUNCTION xyd_subject_counts() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           IF TG_OP <> 'INSERT' THEN {old} END IF;
           IF TG_OP <> 'DELETE' THEN {new} END IF;
           RETURN NULL;
         END $$;
         CREATE TRIGGER subjects_counts
           AFTER INSERT OR DELETE OR UPDATE OF registered_at, verified_at, region_code, industry_code
           ON subjects FOR EACH ROW EXECUTE FUNCTION xyd_subject_counts();",
        old = bump_counts(pg, "OLD", -1),
        new = bump_counts(pg, "NEW", 1),
    )
}

/// SQLite triggers take one event each and cannot assign to NEW.
fn sqlite_subject_counts() -> [String; 3] {
    let lite = DatabaseBackend::Sqlite;
    [
        format!("CREATE TRIGGER subjects_counts_insert AFTER INSERT ON subjects BEGIN {} END", bump_counts(lite, "NEW", 1)),
        format!(
            "CREATE TRIGGER subjects_counts_update AFTER UPDATE OF registered_at, verified_at, region_code, industry_code
             ON subjects BEGIN {} {} END",
            bump_counts(lite, "OLD", -1),
            bump_counts(lite, "NEW", 1)
        ),
        format!("CREATE TRIGGER subjects_counts_delete AFTER DELETE ON subjects BEGIN {} END", bump_counts(lite, "OLD", -1)),
    ]
}

const POSTGRES_TRIGGERS: &str = r#"
CREATE FUNCTION xyd_demand_subject() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT region_code, COALESCE(substr(industry_code, 1, 1), '') INTO NEW.region_code, NEW.industry_section
    FROM subjects WHERE id = NEW.subject_id;
  RETURN NEW;
END $$;
CREATE TRIGGER demands_subject BEFORE INSERT OR UPDATE OF subject_id ON demands
  FOR EACH ROW EXECUTE FUNCTION xyd_demand_subject();

CREATE FUNCTION xyd_demand_first_response() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE demands SET first_responded_at =
    (SELECT MIN(first_responded_at) FROM bank_responses WHERE demand_id = NEW.demand_id) WHERE id = NEW.demand_id;
  RETURN NULL;
END $$;
CREATE TRIGGER responses_first AFTER INSERT OR UPDATE OF first_responded_at ON bank_responses
  FOR EACH ROW EXECUTE FUNCTION xyd_demand_first_response();
"#;

/// SQLite's versions of the other triggers.
const SQLITE_TRIGGERS: [&str; 3] = [
    r#"CREATE TRIGGER demands_subject AFTER INSERT ON demands BEGIN
  UPDATE demands SET region_code = (SELECT region_code FROM subjects WHERE id = NEW.subject_id),
    industry_section = COALESCE((SELECT substr(industry_code, 1, 1) FROM subjects WHERE id = NEW.subject_id), '')
  WHERE id = NEW.id;
END"#,
    r#"CREATE TRIGGER responses_first_insert AFTER INSERT ON bank_responses BEGIN
  UPDATE demands SET first_responded_at =
    (SELECT MIN(first_responded_at) FROM bank_responses WHERE demand_id = NEW.demand_id) WHERE id = NEW.demand_id;
END"#,
    r#"CREATE TRIGGER responses_first_update AFTER UPDATE OF first_responded_at ON bank_responses BEGIN
  UPDATE demands SET first_responded_at =
    (SELECT MIN(first_responded_at) FROM bank_responses WHERE demand_id = NEW.demand_id) WHERE id = NEW.demand_id;
END"#,
];

/// Bring rows written before this migration into the summaries.
const BACKFILL: [&str; 2] = [
    "UPDATE demands SET
       region_code = COALESCE((SELECT region_code FROM subjects WHERE id = demands.subject_id), ''),
       industry_section = COALESCE((SELECT substr(industry_code, 1, 1) FROM subjects WHERE id = demands.subject_id), ''),
       first_responded_at = (SELECT MIN(first_responded_at) FROM bank_responses WHERE demand_id = demands.id)",
    "INSERT INTO registry_counts
       SELECT snapshot_date, region_code, COALESCE(substr(industry_code, 1, 1), ''), COUNT(*),
              SUM(CASE WHEN status = 'ACTIVE' THEN 1 ELSE 0 END)
       FROM registry_entries GROUP BY snapshot_date, region_code, COALESCE(substr(industry_code, 1, 1), '')",
];

fn subject_backfill(backend: DatabaseBackend) -> String {
    let day = |col: &str| shanghai_day(backend, col);
    format!(
        "INSERT INTO subject_counts
           SELECT day, region_code, section, SUM(registered), SUM(verified) FROM (
             SELECT {reg} AS day, region_code, COALESCE(substr(industry_code, 1, 1), '') AS section,
                    1 AS registered, 0 AS verified FROM subjects
             UNION ALL
             SELECT {ver}, region_code, COALESCE(substr(industry_code, 1, 1), ''), 0, 1
               FROM subjects WHERE verified_at IS NOT NULL
           ) events GROUP BY day, region_code, section",
        reg = day("registered_at"),
        ver = day("verified_at"),
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        // SQLite alters one column per statement.
        for column in [
            string_len(Demands::RegionCode, 9).default("").to_owned(),
            string_len(Demands::IndustrySection, 1).default("").to_owned(),
            timestamp_with_time_zone_null(Demands::FirstRespondedAt).to_owned(),
        ] {
            let mut column = column;
            manager.alter_table(Table::alter().table(Demands::Table).add_column(&mut column).to_owned()).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(SubjectCounts::Table)
                    .col(date(SubjectCounts::Day))
                    .col(string_len(SubjectCounts::RegionCode, 9))
                    .col(string_len(SubjectCounts::IndustrySection, 1))
                    .col(big_integer(SubjectCounts::Registered))
                    .col(big_integer(SubjectCounts::Verified))
                    .primary_key(
                        Index::create()
                            .col(SubjectCounts::Day)
                            .col(SubjectCounts::RegionCode)
                            .col(SubjectCounts::IndustrySection),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RegistryCounts::Table)
                    .col(date(RegistryCounts::SnapshotDate))
                    .col(string_len(RegistryCounts::RegionCode, 9))
                    .col(string_len(RegistryCounts::IndustrySection, 1))
                    .col(big_integer(RegistryCounts::Entries))
                    .col(big_integer(RegistryCounts::Existing))
                    .primary_key(
                        Index::create()
                            .col(RegistryCounts::SnapshotDate)
                            .col(RegistryCounts::RegionCode)
                            .col(RegistryCounts::IndustrySection),
                    )
                    .to_owned(),
            )
            .await?;
        // The credit, loan and missed-credit-deadline figures read the partial indexes of migration 000007.
        let indexes: [(&str, DynIden, DynIden); 2] = [
            ("ix_demands_response_due", Demands::Table.into_iden(), Demands::FirstResponseDueAt.into_iden()),
            ("ix_objections_filed_at", Objections::Table.into_iden(), Objections::FiledAt.into_iden()),
        ];
        for (name, table, col) in indexes {
            manager.create_index(Index::create().name(name).table(table).col(col).to_owned()).await?;
        }
        let conn = manager.get_connection();
        for sql in BACKFILL {
            conn.execute_unprepared(sql).await?;
        }
        conn.execute_unprepared(&subject_backfill(backend)).await?;
        match backend {
            DatabaseBackend::Postgres => {
                conn.execute_unprepared(&postgres_subject_counts()).await?;
                conn.execute_unprepared(POSTGRES_TRIGGERS).await?;
            }
            _ => {
                for sql in sqlite_subject_counts() {
                    conn.execute_unprepared(&sql).await?;
                }
                for sql in SQLITE_TRIGGERS {
                    conn.execute_unprepared(sql).await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let conn = manager.get_connection();
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                conn.execute_unprepared(
                    "DROP TRIGGER responses_first ON bank_responses; DROP TRIGGER demands_subject ON demands;
                     DROP TRIGGER subjects_counts ON subjects; DROP FUNCTION xyd_demand_first_response();
                     DROP FUNCTION xyd_demand_subject(); DROP FUNCTION xyd_subject_counts();",
                )
                .await?;
            }
            _ => {
                for name in [
                    "subjects_counts_insert",
                    "subjects_counts_update",
                    "subjects_counts_delete",
                    "demands_subject",
                    "responses_first_insert",
                    "responses_first_update",
                ] {
                    conn.execute_unprepared(&format!("DROP TRIGGER {name}")).await?;
                }
            }
        }
        for name in ["ix_demands_response_due", "ix_objections_filed_at"] {
            conn.execute_unprepared(&format!("DROP INDEX {name}")).await?;
        }
        manager.drop_table(Table::drop().table(RegistryCounts::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(SubjectCounts::Table).to_owned()).await?;
        for column in [Demands::FirstRespondedAt, Demands::IndustrySection, Demands::RegionCode] {
            manager.alter_table(Table::alter().table(Demands::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
