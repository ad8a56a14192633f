//! Running the server: bind, serve with client addresses, shut down gracefully on SIGINT/SIGTERM. The
//! metrics are served on their own address (`metrics.bind`), which only the scraper should reach.

use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::http::connections::{self, ConnectionLimits};
use crate::state::AppState;

/// Serve `state` on `listener`, and its metrics (`http::metrics_router`) on `metrics` when given, until
/// `shutdown` resolves, then let in-flight requests finish.
pub async fn serve_on(
    listener: TcpListener,
    metrics: Option<TcpListener>,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let grace = Duration::from_secs(state.config.server.shutdown_grace_secs);
    let (stop_relay, relay_stopped) = tokio::sync::watch::channel(false);
    let metrics_server = metrics.map(|listener| {
        let mut stopped = relay_stopped.clone();
        let app = crate::http::metrics_router(state.clone());
        tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stopped.changed().await;
                })
                .await
        })
    });
    let tasks = crate::startup::spawn_tasks(&state, &relay_stopped).await;
    let server = &state.config.server;
    let limits = ConnectionLimits {
        per_address: server.connections_per_ip,
        header_read_timeout: Duration::from_secs(server.header_read_timeout_secs),
    };
    // Graceful shutdown waits for open connections (WebSockets too), at most `grace`.
    connections::serve(listener, crate::app(state.clone()), limits, grace, async move {
        shutdown.await;
        let _ = stop_relay.send(true);
    })
    .await;
    for task in tasks {
        let _ = tokio::time::timeout(grace, task).await;
    }
    if let Some(metrics_server) = metrics_server {
        match tokio::time::timeout(grace, metrics_server).await {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(e))) => tracing::warn!(error = %e, "the metrics listener failed"),
            Ok(Err(e)) => tracing::warn!(error = %e, "the metrics listener task failed"),
            Err(_) => tracing::warn!("the metrics listener did not stop in time"),
        }
    }
    Ok(())
}

/// `xinyidai serve`.
pub async fn run(state: AppState) -> anyhow::Result<()> {
    let bind = state.config.server.bind.clone();
    let listener = TcpListener::bind(&bind).await.with_context(|| format!("cannot listen on {bind}"))?;
    tracing::info!(address = %listener.local_addr()?, "xinyidai listening");
    let metrics_bind = state.config.metrics.bind.clone();
    let metrics = if metrics_bind.is_empty() {
        tracing::info!("metrics.bind is empty: no metrics listener");
        None
    } else {
        let metrics = TcpListener::bind(&metrics_bind)
            .await
            .with_context(|| format!("cannot listen on {metrics_bind} (metrics.bind, XYD_METRICS_BIND)"))?;
        tracing::info!(address = %metrics.local_addr()?, "metrics listening");
        Some(metrics)
    };
    serve_on(listener, metrics, state, shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = terminate => {} }
    tracing::info!("shutting down");
}
