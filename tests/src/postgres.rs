//! Fresh PostgreSQL databases per test, cloned from a template migrated once per test binary.
//!
//! Names carry the test process id, so databases left by a crashed run are recognised (their process is
//! gone) and dropped; nothing depends on what an earlier run left.

use std::sync::atomic::{AtomicU32, Ordering};

use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use tokio::sync::OnceCell;

const DEFAULT_SERVER: &str = "postgres://postgres@127.0.0.1:5432";

static TEMPLATE: OnceCell<Result<String, String>> = OnceCell::const_new();
static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The server URL without a database, from `XYD_TEST_PG_URL`.
pub fn server_url() -> String {
    std::env::var("XYD_TEST_PG_URL").unwrap_or_else(|_| DEFAULT_SERVER.to_string())
}

pub fn database_url(name: &str) -> String {
    format!("{}/{name}", server_url())
}

async fn admin_connection() -> Result<DatabaseConnection, String> {
    Database::connect(database_url("postgres")).await.map_err(|e| format!("PostgreSQL unreachable: {e}"))
}

/// Create a fresh, migrated database and return its name.
pub async fn create_database() -> Result<String, String> {
    let template = TEMPLATE.get_or_init(create_template).await.clone()?;
    let name = format!("xyd_t_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst));
    let admin = admin_connection().await?;
    let sql = format!("CREATE DATABASE {name} TEMPLATE {template}");
    // Concurrent clones of one template can briefly see each other as users of it; retry.
    let mut last = String::new();
    for _ in 0..20 {
        match admin.execute_unprepared(&sql).await {
            Ok(_) => {
                let _ = admin.close().await;
                return Ok(name);
            }
            Err(e) => {
                last = e.to_string();
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        }
    }
    Err(format!("cannot create {name}: {last}"))
}

/// Drop a test database, closing whatever still holds it.
pub async fn drop_database(name: &str) {
    if let Ok(admin) = admin_connection().await {
        let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
        let _ = admin.close().await;
    }
}

async fn create_template() -> Result<String, String> {
    let admin = admin_connection().await?;
    drop_orphans(&admin).await;
    let name = format!("xyd_tmpl_{}", std::process::id());
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await
        .map_err(|e| e.to_string())?;
    admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.map_err(|e| e.to_string())?;
    let _ = admin.close().await;
    let db = xinyidai::db::Db::connect(&database_url(&name), 2).await.map_err(|e| e.to_string())?;
    xinyidai::startup::migrate(&db).await.map_err(|e| format!("migrate template: {e}"))?;
    db.close().await.map_err(|e| e.to_string())?;
    Ok(name)
}

/// Drop databases of earlier test processes that no longer run.
async fn drop_orphans(admin: &DatabaseConnection) {
    let Ok(rows) = admin
        .query_all_raw(sea_orm::Statement::from_string(
            admin.get_database_backend(),
            "SELECT datname FROM pg_database WHERE datname LIKE 'xyd\\_t\\_%' OR datname LIKE 'xyd\\_tmpl\\_%'",
        ))
        .await
    else {
        return;
    };
    for row in rows {
        let Ok(name) = row.try_get::<String>("", "datname") else { continue };
        let pid = name.trim_start_matches("xyd_tmpl_").trim_start_matches("xyd_t_").split('_').next().unwrap_or("");
        let alive = !pid.is_empty() && std::path::Path::new(&format!("/proc/{pid}")).exists();
        if !alive {
            let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
        }
    }
}
