//! Pre-aggregated flows for the indicator report (see docs/benchmarks.md, P3): `indicator_days` holds, per
//! Asia/Shanghai day and region code, every additive figure of the demands and responses, each counted on the
//! day of its own event:
//!
//! | columns | counted on the day of | what |
//! |---|---|---|
//! | posted, amount, responded, within_sla | posting | demands posted; of them, answered at all / within their first-response deadline |
//! | late_first | the first-response deadline | demands neither answered nor closed by it |
//! | granted, granted_amount | the credit grant | credit grants |
//! | paid … rate_weight | the disbursement | disbursements, on CREDIT and tax-based products, with a rate |
//! | late_credit | the credit-decision deadline | accepted responses neither decided nor closed by it |
//!
//! Triggers keep the rows equal to the events whatever writes them (use cases, imports, `gen-data`): each
//! subtracts a changed row's old contribution and adds its new one, in the writer's transaction. Two figures
//! depend on another table's row — a response's late credit decision on its demand's `closed_at`, a
//! disbursement's credit/tax split on its product's type — so a change there moves the difference too. The
//! report reads whole days from here and only what a day cannot say from the events (see `indicators::sql`).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

use crate::m20261123_000006_indicators::shanghai_day;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The additive columns, in table order.
const MEASURES: [&str; 15] = [
    "posted",
    "amount",
    "responded",
    "within_sla",
    "late_first",
    "granted",
    "granted_amount",
    "paid",
    "paid_amount",
    "credit_amount",
    "tax_count",
    "tax_amount",
    "rated_amount",
    "rate_weight",
    "late_credit",
];

/// The statement adding `values` (column, expression) to the row of (`day` expression, `region`) when
/// `condition` holds, from a `source` (a `FROM …` clause, possibly empty) grouped by day and region.
///
/// Rows without a region are not counted: on SQLite a demand or response gets its region from a trigger that
/// runs after the insert (the update that fills it in counts the row), and every subject has a region.
fn bump(day: &str, region: &str, values: &[(&str, String)], source: &str, condition: &str) -> String {
    let columns: Vec<&str> = values.iter().map(|(c, _)| *c).collect();
    let (group, exprs): (&str, Vec<String>) = if source.is_empty() {
        ("", values.iter().map(|(_, e)| e.clone()).collect())
    } else {
        ("GROUP BY 1, 2", values.iter().map(|(_, e)| format!("SUM({e})")).collect())
    };
    let set: Vec<String> = columns.iter().map(|c| format!("{c} = indicator_days.{c} + excluded.{c}")).collect();
    format!(
        "INSERT INTO indicator_days (day, region_code, {columns})
           SELECT {day}, {region}, {exprs} {source} WHERE {region} <> '' AND {condition} {group}
           ON CONFLICT (day, region_code) DO UPDATE SET {set};",
        columns = columns.join(", "),
        exprs = exprs.join(", "),
        set = set.join(", "),
    )
}

fn flag(condition: &str) -> String {
    format!("CASE WHEN {condition} THEN 1 ELSE 0 END")
}

/// A demand row `s` (`NEW` or `OLD`, or every row of `source` aliased `s`) counted with `sign`: its posting, and
/// its first-response deadline if missed.
fn demand_rows(backend: DatabaseBackend, s: &str, sign: &str, source: &str) -> String {
    let posting = bump(
        &shanghai_day(backend, &format!("{s}.posted_at")),
        &format!("{s}.region_code"),
        &[
            ("posted", sign.to_string()),
            ("amount", format!("{sign} * {s}.amount")),
            ("responded", format!("{sign} * {}", flag(&format!("{s}.first_responded_at IS NOT NULL")))),
            (
                "within_sla",
                format!("{sign} * {}", flag(&format!("{s}.first_responded_at <= {s}.first_response_due_at"))),
            ),
        ],
        source,
        "1 = 1",
    );
    let deadline = bump(
        &shanghai_day(backend, &format!("{s}.first_response_due_at")),
        &format!("{s}.region_code"),
        &[("late_first", sign.to_string())],
        source,
        &format!(
            "({s}.first_responded_at IS NULL OR {s}.first_responded_at > {s}.first_response_due_at)
             AND ({s}.closed_at IS NULL OR {s}.closed_at > {s}.first_response_due_at)"
        ),
    );
    format!("{posting}\n{deadline}")
}

/// Whether response `r` missed its credit-decision deadline, its demand closed at `closed` (an expression).
fn credit_missed(r: &str, closed: &str) -> String {
    format!(
        "{r}.credit_due_at IS NOT NULL AND ({r}.credit_granted_at IS NULL OR {r}.credit_granted_at > {r}.credit_due_at)
         AND ({r}.rejected_at IS NULL OR {r}.rejected_at > {r}.credit_due_at)
         AND ({closed} IS NULL OR {closed} > {r}.credit_due_at)"
    )
}

/// The disbursement figures of response `r` on a product of `product_type` and `tax_based` (expressions).
fn disbursement(r: &str, sign: &str, product_type: &str, tax_based: &str) -> Vec<(&'static str, String)> {
    let amount = format!("COALESCE({r}.disbursed_amount, 0)");
    vec![
        ("paid", sign.to_string()),
        ("paid_amount", format!("{sign} * {amount}")),
        ("credit_amount", format!("{sign} * {} * {amount}", flag(&format!("{product_type} = 'CREDIT'")))),
        ("tax_count", format!("{sign} * {}", flag(tax_based))),
        ("tax_amount", format!("{sign} * {} * {amount}", flag(tax_based))),
        ("rated_amount", format!("{sign} * {} * {amount}", flag(&format!("{r}.credit_rate IS NOT NULL")))),
        ("rate_weight", format!("{sign} * {amount} * COALESCE({r}.credit_rate, 0)")),
    ]
}

/// A response row `s` (or every row of `source` aliased `s`) counted with `sign`: its grant, its disbursement,
/// its credit deadline if missed.
fn response_rows(backend: DatabaseBackend, s: &str, sign: &str, source: &str) -> String {
    let day = |column: &str| shanghai_day(backend, &format!("{s}.{column}"));
    let region = format!("{s}.region_code");
    let product = |column: &str| format!("(SELECT {column} FROM products WHERE id = {s}.product_id)");
    let grant = bump(
        &day("credit_granted_at"),
        &region,
        &[("granted", sign.to_string()), ("granted_amount", format!("{sign} * COALESCE({s}.credit_amount, 0)"))],
        source,
        &format!("{s}.credit_granted_at IS NOT NULL"),
    );
    let paid = bump(
        &day("disbursed_at"),
        &region,
        &disbursement(s, sign, &product("product_type"), &product("tax_based")),
        source,
        &format!("{s}.disbursed_at IS NOT NULL AND {s}.credit_granted_at IS NOT NULL"),
    );
    let late = bump(
        &day("credit_due_at"),
        &region,
        &[("late_credit", sign.to_string())],
        source,
        &credit_missed(s, &format!("(SELECT closed_at FROM demands WHERE id = {s}.demand_id)")),
    );
    format!("{grant}\n{paid}\n{late}")
}

/// A demand's `closed_at` changed: its responses' missed credit deadlines move with it.
fn demand_closed(backend: DatabaseBackend) -> String {
    let missed = |closed: &str| flag(&credit_missed("r", closed));
    bump(
        &shanghai_day(backend, "r.credit_due_at"),
        "r.region_code",
        &[("late_credit", format!("{} - {}", missed("NEW.closed_at"), missed("OLD.closed_at")))],
        "FROM bank_responses r",
        "r.demand_id = NEW.id AND r.credit_due_at IS NOT NULL",
    )
}

/// A product's type or tax basis changed: its disbursements move between the credit and tax figures.
fn product_changed(backend: DatabaseBackend) -> String {
    let new = disbursement("r", "1", "NEW.product_type", "NEW.tax_based");
    let old = disbursement("r", "1", "OLD.product_type", "OLD.tax_based");
    let values: Vec<(&str, String)> = new
        .into_iter()
        .zip(old)
        .filter(|((c, _), _)| matches!(*c, "credit_amount" | "tax_count" | "tax_amount"))
        .map(|((c, n), (_, o))| (c, format!("({n}) - ({o})")))
        .collect();
    bump(
        &shanghai_day(backend, "r.disbursed_at"),
        "r.region_code",
        &values,
        "FROM bank_responses r",
        "r.product_id = NEW.id AND r.disbursed_at IS NOT NULL AND r.credit_granted_at IS NOT NULL",
    )
}

/// The columns whose change moves a row's contribution.
const DEMAND_COLUMNS: &str = "posted_at, amount, region_code, first_responded_at, first_response_due_at, closed_at";
const RESPONSE_COLUMNS: &str = "demand_id, region_code, product_id, credit_granted_at, credit_amount, credit_rate, \
     credit_due_at, disbursed_at, disbursed_amount, rejected_at";

fn postgres() -> Vec<String> {
    let pg = DatabaseBackend::Postgres;
    let function = |name: &str, body: &str| {
        format!("CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} RETURN NULL; END $$")
    };
    let counted = |old: String, new: String| {
        format!("IF TG_OP <> 'INSERT' THEN {old} END IF; IF TG_OP <> 'DELETE' THEN {new} END IF;")
    };
    vec![
        function("xyd_demand_days", &counted(demand_rows(pg, "OLD", "-1", ""), demand_rows(pg, "NEW", "1", ""))),
        format!(
            "CREATE TRIGGER demands_days AFTER INSERT OR DELETE OR UPDATE OF {DEMAND_COLUMNS} ON demands
             FOR EACH ROW EXECUTE FUNCTION xyd_demand_days()"
        ),
        function("xyd_demand_closed_days", &demand_closed(pg)),
        "CREATE TRIGGER demands_closed_days AFTER UPDATE OF closed_at ON demands FOR EACH ROW
         WHEN (OLD.closed_at IS DISTINCT FROM NEW.closed_at) EXECUTE FUNCTION xyd_demand_closed_days()"
            .to_string(),
        function("xyd_response_days", &counted(response_rows(pg, "OLD", "-1", ""), response_rows(pg, "NEW", "1", ""))),
        format!(
            "CREATE TRIGGER responses_days AFTER INSERT OR DELETE OR UPDATE OF {RESPONSE_COLUMNS} ON bank_responses
             FOR EACH ROW EXECUTE FUNCTION xyd_response_days()"
        ),
        function("xyd_product_days", &product_changed(pg)),
        "CREATE TRIGGER products_days AFTER UPDATE OF product_type, tax_based ON products FOR EACH ROW
         WHEN (OLD.product_type IS DISTINCT FROM NEW.product_type OR OLD.tax_based IS DISTINCT FROM NEW.tax_based)
         EXECUTE FUNCTION xyd_product_days()"
            .to_string(),
    ]
}

const POSTGRES_DOWN: &str = "DROP TRIGGER demands_days ON demands; DROP FUNCTION xyd_demand_days();
    DROP TRIGGER demands_closed_days ON demands; DROP FUNCTION xyd_demand_closed_days();
    DROP TRIGGER responses_days ON bank_responses; DROP FUNCTION xyd_response_days();
    DROP TRIGGER products_days ON products; DROP FUNCTION xyd_product_days();";

/// SQLite triggers take one event each.
fn sqlite() -> Vec<(&'static str, String)> {
    let lite = DatabaseBackend::Sqlite;
    let trigger = |name: &'static str, event: String, body: String| {
        (name, format!("CREATE TRIGGER {name} AFTER {event} BEGIN {body} END"))
    };
    let both = |rows: fn(DatabaseBackend, &str, &str, &str) -> String| {
        format!("{}\n{}", rows(lite, "OLD", "-1", ""), rows(lite, "NEW", "1", ""))
    };
    vec![
        trigger("demands_days_insert", "INSERT ON demands".into(), demand_rows(lite, "NEW", "1", "")),
        trigger("demands_days_update", format!("UPDATE OF {DEMAND_COLUMNS} ON demands"), both(demand_rows)),
        trigger("demands_days_delete", "DELETE ON demands".into(), demand_rows(lite, "OLD", "-1", "")),
        trigger(
            "demands_closed_days",
            "UPDATE OF closed_at ON demands WHEN OLD.closed_at IS NOT NEW.closed_at".into(),
            demand_closed(lite),
        ),
        trigger("responses_days_insert", "INSERT ON bank_responses".into(), response_rows(lite, "NEW", "1", "")),
        trigger(
            "responses_days_update",
            format!("UPDATE OF {RESPONSE_COLUMNS} ON bank_responses"),
            both(response_rows),
        ),
        trigger("responses_days_delete", "DELETE ON bank_responses".into(), response_rows(lite, "OLD", "-1", "")),
        trigger(
            "products_days",
            "UPDATE OF product_type, tax_based ON products
             WHEN OLD.product_type IS NOT NEW.product_type OR OLD.tax_based IS NOT NEW.tax_based"
                .into(),
            product_changed(lite),
        ),
    ]
}

/// What the report still reads from the events, as index-only scans: demands answered after their period
/// ended, the response times in region order (a report by town groups them without sorting), and the distinct
/// borrowers of a period.
const INDEXES: [(&str, &str); 3] = [
    ("ix_demands_region_report", "ON demands (region_code, posted_at, first_responded_at)"),
    ("ix_demands_first_responded", "ON demands (first_responded_at, posted_at, region_code, first_response_due_at)"),
    (
        "ix_responses_disbursed",
        "ON bank_responses (disbursed_at, region_code, subject_id, first_loan)
         WHERE disbursed_at IS NOT NULL AND credit_granted_at IS NOT NULL",
    ),
];

/// Rows written before this migration: every demand and response counted once, as the insert triggers would.
fn backfill(backend: DatabaseBackend) -> [String; 2] {
    [demand_rows(backend, "d", "1", "FROM demands d"), response_rows(backend, "r", "1", "FROM bank_responses r")]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        let conn = manager.get_connection();
        let day = match backend {
            DatabaseBackend::Postgres => "DATE",
            _ => "TEXT",
        };
        let measures: Vec<String> = MEASURES.iter().map(|m| format!("{m} BIGINT NOT NULL DEFAULT 0")).collect();
        conn.execute_unprepared(&format!(
            "CREATE TABLE indicator_days (day {day} NOT NULL, region_code VARCHAR(9) NOT NULL, {measures},
               PRIMARY KEY (day, region_code))",
            measures = measures.join(", "),
        ))
        .await?;
        for sql in backfill(backend) {
            conn.execute_unprepared(&sql).await?;
        }
        for (name, on) in INDEXES {
            conn.execute_unprepared(&format!("CREATE INDEX {name} {on}")).await?;
        }
        match backend {
            DatabaseBackend::Postgres => {
                for sql in postgres() {
                    conn.execute_unprepared(&sql).await?;
                }
            }
            _ => {
                for (_, sql) in sqlite() {
                    conn.execute_unprepared(&sql).await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let conn = manager.get_connection();
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                conn.execute_unprepared(POSTGRES_DOWN).await?;
            }
            _ => {
                for (name, _) in sqlite() {
                    conn.execute_unprepared(&format!("DROP TRIGGER {name}")).await?;
                }
            }
        }
        for (name, _) in INDEXES {
            conn.execute_unprepared(&format!("DROP INDEX {name}")).await?;
        }
        conn.execute_unprepared("DROP TABLE indicator_days").await?;
        Ok(())
    }
}
