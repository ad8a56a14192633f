//! Liveness, readiness and metrics endpoints.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::HttpState;
use crate::state::AppState;

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

/// `/metrics` on the metrics address (`metrics.bind`), which only the scraper reaches.
pub async fn metrics(State(app): State<AppState>) -> Response {
    prometheus(&app)
}

/// `/metrics` on the API address: not served (404) unless `metrics.token` is set, and then only to
/// `Authorization: Bearer <token>`.
pub async fn metrics_with_token(State(state): State<HttpState>, headers: HeaderMap) -> Response {
    let token = &state.app.config.metrics.token;
    if token.is_empty() {
        return StatusCode::NOT_FOUND.into_response();
    }
    match super::graphql::bearer(&headers) {
        Some(presented) if same_secret(presented, token.expose()) => prometheus(&state.app),
        _ => (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, "Bearer")]).into_response(),
    }
}

fn prometheus(app: &AppState) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], app.metrics.render()).into_response()
}

/// Compares digests, so the time taken says nothing about how much of the token was right.
fn same_secret(presented: &str, expected: &str) -> bool {
    use sha2::{Digest, Sha256};
    let (a, b) = (Sha256::digest(presented.as_bytes()), Sha256::digest(expected.as_bytes()));
    a.iter().zip(b.iter()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
