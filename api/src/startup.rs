//! Start-up, in its order: connect → migrate → seal the audit chains → bootstrap the admin → assemble the
//! state; and, when serving, the background tasks, each given only what it uses.

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::auth::bootstrap;
use crate::config::Config;
use crate::db::Db;
use crate::state::AppState;

/// A database ready for the application: every pending migration applied, then any access-log rows and record
/// events written before the audit chains existed linked into them (`audit::seal_legacy`, once: its format
/// lives in the application, not in a migration).
pub async fn migrate(db: &Db) -> anyhow::Result<()> {
    db.migrate().await?;
    crate::audit::seal_legacy::<crate::credit::Chains>(db).await?;
    Ok(())
}

/// Connect (the primary, and the reports' standby when configured), migrate, create the bootstrap admin and assemble the state.
pub async fn init(config: Config) -> anyhow::Result<AppState> {
    let db = Db::open(&config.database, config.database.max_connections).await?;
    migrate(&db).await?;
    bootstrap::ensure_admin(&db, &config.bootstrap)
        .await
        .map_err(|e| anyhow::anyhow!("bootstrap admin: {}", e.message()))?;
    AppState::new(config, db).await
}

/// The background work of a serving replica, each task ending when `stop` turns true.
pub async fn spawn_tasks(state: &AppState, stop: &watch::Receiver<bool>) -> Vec<JoinHandle<()>> {
    // The product index exists with its settings from the start, so the first search already goes to
    // Meilisearch; in the background, as Meilisearch being down must not stop the API from starting.
    let search = state.search.products_admin();
    tokio::spawn(async move {
        if let Err(error) = search.ensure().await {
            tracing::warn!(%error, "the product index could not be set up at start; the first write will");
        }
    });
    let projector = state.clone();
    let project = move |ids: Vec<xyd_domain::ProductId>| {
        let state = projector.clone();
        Box::pin(async move { crate::products::projection::apply(&state, &ids).await }) as crate::outbox::Projection
    };
    let mut tasks = vec![
        crate::outbox::spawn_relay(state.db.clone(), state.metrics.clone(), state.relay.clone(), project, stop.clone()),
        crate::demands::spawn_expiry(state.clone(), stop.clone()),
        crate::audit::spawn_anchoring(state.db.clone(), stop.clone()),
        crate::audit::spawn_verification::<crate::credit::Chains>(
            state.db.clone(),
            state.metrics.clone(),
            stop.clone(),
        ),
    ];
    tasks.extend(crate::events::spawn_listener(state.clone(), stop.clone()).await);
    tasks.extend(crate::auth::rate_limit::spawn_sweep(state.db.clone(), stop.clone()));
    tasks
}
