//! Accepting connections: a cap on the connections one client address holds open at once (IPv6 by /64), and
//! a deadline for a connection's request headers, so slow or hoarding clients cannot exhaust the server.
//! Requests then go to the router with the peer address as axum's `ConnectInfo`.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tower::ServiceExt;

use super::occupancy::{Occupancy, Occupied};
use crate::auth::rate_limit::address_key;

/// How connections are admitted.
#[derive(Clone, Copy, Debug)]
pub struct ConnectionLimits {
    /// Connections one client address may hold open at once.
    pub per_address: usize,
    /// Time allowed to send a request's headers.
    pub header_read_timeout: Duration,
}

/// The admitted connection a request came on, in the request's extensions. A WebSocket keeps it for its
/// lifetime: after the upgrade the HTTP connection is over, but the client still holds the socket open.
#[derive(Clone)]
pub struct ConnectionSlot {
    _held: Arc<Occupied>,
}

/// Serve `app` on `listener` until `shutdown` resolves, then wait (at most `grace`) for open connections.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    grace: Duration,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let open = Occupancy::default();
    let graceful = GracefulShutdown::new();
    let mut builder = Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout);
    let builder = Arc::new(builder);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little rather than spin.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(held) = open.admit(address_key(peer.ip()), limits.per_address) else {
            tracing::debug!(peer = %peer, "too many connections from one address; closed");
            continue;
        };
        // Answers go out as written: an API answer is one write, and Nagle's algorithm would only hold back the
        // last segment of a larger one until the client acknowledges the rest.
        if let Err(e) = stream.set_nodelay(true) {
            tracing::debug!(peer = %peer, error = %e, "TCP_NODELAY not set");
        }
        let slot = ConnectionSlot { _held: Arc::new(held) };
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
            request.extensions_mut().insert(slot.clone());
            app.clone().oneshot(request)
        });
        let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service).into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(peer = %peer, error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(grace, graceful.shutdown()).await.is_err() {
        tracing::warn!("open connections did not finish within the shutdown grace period");
    }
}
