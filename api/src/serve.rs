//! Running the server: bind, serve with client addresses, shut down gracefully on SIGINT/SIGTERM.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::state::AppState;

/// Serve `state` on `listener` until `shutdown` resolves, then let in-flight requests finish.
pub async fn serve_on(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let grace = Duration::from_secs(state.config.server.shutdown_grace_secs);
    let (stop_relay, relay_stopped) = tokio::sync::watch::channel(false);
    let relay = crate::outbox::spawn_relay(state.clone(), relay_stopped.clone());
    let expiry = crate::demands::spawn_expiry(state.clone(), relay_stopped);
    let app = crate::app(state).into_make_service_with_connect_info::<SocketAddr>();
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        shutdown.await;
        let _ = stop_relay.send(true);
    });
    // Graceful shutdown waits for open connections (WebSockets too); bound that wait.
    let (done_tx, done_rx) = tokio::sync::oneshot::channel::<()>();
    let served = tokio::spawn(async move {
        let result = server.await;
        let _ = done_tx.send(());
        result
    });
    let _ = done_rx.await;
    tokio::time::timeout(grace, served).await.context("graceful shutdown timed out")?.context("server task")??;
    let _ = tokio::time::timeout(grace, relay).await;
    let _ = tokio::time::timeout(grace, expiry).await;
    Ok(())
}

/// `xinyidai serve`.
pub async fn run(state: AppState) -> anyhow::Result<()> {
    let bind = state.config.server.bind.clone();
    let listener = TcpListener::bind(&bind).await.with_context(|| format!("cannot listen on {bind}"))?;
    tracing::info!(address = %listener.local_addr()?, "xinyidai listening");
    serve_on(listener, state, shutdown_signal()).await
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
