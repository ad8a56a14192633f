//! HTTP: the router, GraphQL over HTTP and WebSocket, health, readiness and metrics.

mod assets;
pub mod connections;
mod dashboard;
mod exports;
mod graphiql;
mod graphql;
mod graphql_get;
mod health;
#[cfg(test)]
mod layering;
mod middleware;
mod my_data;
mod occupancy;
mod reports;
mod websocket;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use async_graphql::ValidationMode;
use axum::Router;
use axum::http::HeaderMap;
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use crate::graphql::Gate;
use crate::schema::AppSchema;
use crate::state::AppState;

/// Shared by every handler: the application state and the schema built over it.
#[derive(Clone)]
pub struct HttpState {
    pub app: AppState,
    pub schema: AppSchema,
    /// The same schema in async-graphql's fast validation mode, for the requests the gate has checked
    /// (`Admitted::checked`).
    pub fast: AppSchema,
    /// What every request passes before `schema` runs it: its parsed document, the depth and cost limits.
    pub gate: Arc<Gate>,
    /// Requests in flight per client address.
    pub in_flight: occupancy::Occupancy,
}

/// The whole HTTP application. Serve it with `into_make_service_with_connect_info::<SocketAddr>()`.
pub fn router(app: AppState) -> Router {
    let introspection = app.config.introspection_enabled();
    let build = |mode| {
        crate::schema::build_schema(&app.config.limits, introspection).validation_mode(mode).data(app.clone()).finish()
    };
    let (schema, fast) = (build(ValidationMode::Strict), build(ValidationMode::Fast));
    let gate = Arc::new(Gate::new(&app.config.limits, introspection, &schema.sdl()));
    let state = HttpState { app, schema, fast, gate, in_flight: occupancy::Occupancy::default() };
    Router::new()
        .route("/graphql", get(graphql_get::get).post(graphql::post))
        .route("/graphiql/{file}", get(graphiql::asset))
        .route("/dashboard", get(dashboard::page))
        .route("/dashboard/{file}", get(dashboard::asset))
        .route("/graphql/ws", get(websocket::upgrade))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics_with_token))
        .route("/exports/indicators", get(exports::indicators))
        .route("/exports/loans", get(exports::loans))
        .route("/reports/{id}", get(reports::download))
        .route("/exports/my-data/{id}", get(my_data::download))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::deadlines))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::limit_in_flight))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::observe))
        .layer(TraceLayer::new_for_http().make_span_with(middleware::span))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(CatchPanicLayer::custom(middleware::panic_response))
        .with_state(state)
}

/// Whether a request is a file upload (a multipart body).
pub(crate) fn is_upload(headers: &HeaderMap) -> bool {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"))
}

/// An access token from an `Authorization` value: what follows `Bearer `, or `None` for any other scheme.
pub(crate) fn strip_bearer(value: &str) -> Option<&str> {
    value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer ")).map(str::trim)
}

/// What the metrics address (`metrics.bind`) serves: `/metrics` and `/healthz`, nothing of the API.
pub fn metrics_router(app: AppState) -> Router {
    Router::new().route("/metrics", get(health::metrics)).route("/healthz", get(health::healthz)).with_state(app)
}

/// The client address: the peer, or behind `trusted_hops` proxies you control the address the outermost of
/// them saw — the `trusted_hops`-th entry of `X-Forwarded-For` from the right. Entries further left were
/// written by the client and prove nothing; a header with fewer entries than trusted hops leaves the peer.
pub fn client_ip(trusted_hops: usize, headers: &HeaderMap, peer: SocketAddr) -> IpAddr {
    if trusted_hops == 0 {
        return peer.ip();
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    hops.len().checked_sub(trusted_hops).and_then(|i| hops.get(i)).and_then(|hop| hop.parse().ok()).unwrap_or(peer.ip())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_trusted_hops_from_the_right_are_believed() {
        let peer = SocketAddr::from(([10, 0, 0, 1], 5000));
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", axum::http::HeaderValue::from_static("6.6.6.6, 203.0.113.7, 10.0.0.2"));
        assert_eq!(client_ip(0, &headers, peer), peer.ip(), "no proxy: the header is ignored");
        assert_eq!(client_ip(1, &headers, peer).to_string(), "10.0.0.2");
        assert_eq!(client_ip(2, &headers, peer).to_string(), "203.0.113.7", "the spoofed left entry is never used");
        assert_eq!(client_ip(4, &headers, peer), peer.ip());
    }
}
