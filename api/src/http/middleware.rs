//! Request observation (a tracing span with the request id, Prometheus counts and latencies), the guards
//! against slow and greedy clients (a deadline per request, a deadline for the body, a cap on requests in
//! flight per client address), and a last resort for panics that answers a generic INTERNAL error.

use std::any::Any;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_http::timeout::TimeoutBody;

use super::{HttpState, client_ip};
use crate::auth::rate_limit::address_key;

pub fn span(request: &Request<Body>) -> tracing::Span {
    let request_id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
    tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id)
}

pub async fn observe(State(state): State<HttpState>, request: Request, next: Next) -> Response {
    let route =
        request.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let started = Instant::now();
    let response = next.run(request).await;
    state.app.metrics.observe_request(&route, response.status().as_u16(), started.elapsed());
    response
}

fn error_body(status: StatusCode, code: &str, message: &str) -> Response {
    let body = serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

/// Refuse a client's request (429) while `server.concurrent_requests_per_ip` of its requests are in flight.
pub async fn limit_in_flight(State(state): State<HttpState>, request: Request, next: Next) -> Response {
    let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>().copied() else {
        return next.run(request).await;
    };
    let server = &state.app.config.server;
    let key = address_key(client_ip(server.trusted_proxy_hops, request.headers(), peer));
    let Some(_admitted) = state.in_flight.admit(key, server.concurrent_requests_per_ip) else {
        state.app.metrics.incr("xyd_requests_refused_in_flight_total", 1);
        slow_down(&state).await;
        return error_body(StatusCode::TOO_MANY_REQUESTS, "RATE_LIMITED", "同一地址的并发请求过多，请稍后重试");
    };
    next.run(request).await
}

/// Hold a refusal for `server.refusal_delay_ms` (a tarpit): a client that keeps asking past a limit waits
/// for each answer, so its refusals cost the server almost nothing.
pub async fn slow_down(state: &HttpState) {
    tokio::time::sleep(Duration::from_millis(state.app.config.server.refusal_delay_ms)).await;
}

/// A request's handler must answer within `server.request_timeout_secs` (504 otherwise), and its body must
/// arrive within `server.body_read_timeout_secs`. A file upload is bounded by the body deadline alone (a large
/// registry file takes a while to send); the import it starts answers within `imports.wait_secs`.
pub async fn deadlines(State(state): State<HttpState>, request: Request, next: Next) -> Response {
    let server = &state.app.config.server;
    let upload = super::is_upload(request.headers());
    let request =
        request.map(|body| Body::new(TimeoutBody::new(Duration::from_secs(server.body_read_timeout_secs), body)));
    if upload {
        return next.run(request).await;
    }
    match tokio::time::timeout(Duration::from_secs(server.request_timeout_secs), next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            state.app.metrics.incr("xyd_requests_timed_out_total", 1);
            error_body(StatusCode::GATEWAY_TIMEOUT, "TIMEOUT", "请求处理超时，请稍后重试")
        }
    }
}

pub fn panic_response(cause: Box<dyn Any + Send + 'static>) -> Response {
    let detail = cause
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| cause.downcast_ref::<&str>().copied())
        .unwrap_or("unknown");
    tracing::error!(panic = detail, "handler panicked");
    let body = r#"{"errors":[{"message":"服务器内部错误，请稍后重试","extensions":{"code":"INTERNAL"}}]}"#;
    (StatusCode::INTERNAL_SERVER_ERROR, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}
