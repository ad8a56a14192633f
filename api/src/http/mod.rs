//! HTTP: the router, GraphQL over HTTP and WebSocket, health, readiness and metrics.

mod exports;
mod graphql;
mod health;
mod middleware;

use std::net::{IpAddr, SocketAddr};

use axum::Router;
use axum::http::HeaderMap;
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use crate::graphql::AppSchema;
use crate::state::AppState;

/// The client's address, as used for rate limits.
#[derive(Clone, Copy, Debug)]
pub struct ClientIp(pub IpAddr);

/// Shared by every handler: the application state and the schema built over it.
#[derive(Clone)]
pub struct HttpState {
    pub app: AppState,
    pub schema: AppSchema,
}

/// The whole HTTP application. Serve it with `into_make_service_with_connect_info::<SocketAddr>()`.
pub fn router(app: AppState) -> Router {
    let schema = crate::graphql::build_schema(&app.config.limits).data(app.clone()).finish();
    let state = HttpState { app, schema };
    Router::new()
        .route("/graphql", get(graphql::graphiql).post(graphql::post))
        .route("/graphql/ws", get(graphql::websocket))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .route("/exports/indicators", get(exports::indicators))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::observe))
        .layer(TraceLayer::new_for_http().make_span_with(middleware::span))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(CatchPanicLayer::custom(middleware::panic_response))
        .with_state(state)
}

/// The client address: the peer, or the first `X-Forwarded-For` hop when configured to trust it.
pub fn client_ip(trust_forwarded_for: bool, headers: &HeaderMap, peer: SocketAddr) -> IpAddr {
    trust_forwarded_for
        .then(|| headers.get("x-forwarded-for")?.to_str().ok()?.split(',').next()?.trim().parse().ok())
        .flatten()
        .unwrap_or(peer.ip())
}
