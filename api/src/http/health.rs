//! Liveness, readiness and metrics endpoints.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde_json::json;

use super::HttpState;

/// The process is alive.
pub async fn healthz() -> &'static str {
    "ok"
}

/// Ready when the database answers; search being down degrades the service (SQL fallback) but does not
/// take the replica out of rotation.
pub async fn readyz(State(state): State<HttpState>) -> impl IntoResponse {
    let (database, search) = tokio::join!(state.app.db.ping(), state.app.search.is_healthy());
    let status = if database { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let word = |ok: bool| if ok { "ok" } else { "unavailable" };
    (status, Json(json!({ "database": word(database), "search": word(search) })))
}

pub async fn metrics(State(state): State<HttpState>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], state.app.metrics.render())
}
