//! GraphQL over HTTP (POST, JSON or multipart uploads; GET for queries in `graphql_get`); subscriptions are in
//! `websocket`.
//!
//! Follows the GraphQL-over-HTTP specification: a client that accepts `application/graphql-response+json`
//! gets 4xx for requests that could not be executed (no `data` entry); a legacy `application/json` client
//! gets 200 with the errors. Batched requests are refused: one request, one operation.

use std::net::SocketAddr;

use async_graphql::ServerError;
use async_graphql::http::MultipartOptions;
use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::TryStreamExt;
use serde_json::{Value, json};
use xyd_reasons::Reason;

use super::{HttpState, client_ip, is_upload, strip_bearer};
use crate::auth::Principal;
use crate::auth::rate_limit::ClientIp;
use crate::error::AppError;

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

pub async fn post(
    State(state): State<HttpState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let modern = accepts_graphql_response(&headers);
    let principal = match authenticate(&state, &headers, modern) {
        Ok(p) => p,
        Err(response) => return *response,
    };
    if let Err((status, error)) = admit_upload(&state, &headers, principal.as_ref()) {
        return request_error(modern, status, &state, &error);
    }
    let request = match read_request(&state, &headers, body).await {
        Ok(request) => request,
        Err((status, error)) => return request_error(modern, status, &state, &error),
    };
    let answer = execute(&state, peer, &headers, principal, modern, request).await;
    json_text_response(modern, answer.status, answer.body)
}

/// What a request executed comes to: the status and the JSON body, already serialized.
pub(super) struct Answer {
    pub status: StatusCode,
    pub body: String,
    /// The body holds errors (the answer is not a clean one to cache).
    pub errors: bool,
}

/// The bearer token's principal (none without a token); an invalid token is answered with 401 at once.
pub(super) fn authenticate(
    state: &HttpState,
    headers: &HeaderMap,
    modern: bool,
) -> Result<Option<Principal>, Box<Response>> {
    bearer(headers)
        .map(|token| state.app.tokens.verify(token))
        .transpose()
        .map_err(|e| Box::new(request_error(modern, StatusCode::UNAUTHORIZED, state, &e)))
}

/// Run one request (POST or GET) and shape the answer per GraphQL over HTTP: the status and the JSON body.
pub(super) async fn execute(
    state: &HttpState,
    peer: SocketAddr,
    headers: &HeaderMap,
    principal: Option<Principal>,
    modern: bool,
    request: async_graphql::Request,
) -> Answer {
    let ip = ClientIp(client_ip(state.app.config.server.trusted_proxy_hops, headers, peer));
    let mut request = request.data(ip);
    if let Some(principal) = principal {
        request = request.data(principal);
    }
    let mut response = match state.gate.admit(&mut request) {
        Ok(admitted) if admitted.checked() => state.fast.execute(request).await,
        Ok(admitted) => {
            let response = state.schema.execute(request).await;
            // It ran, so the strict validation passed it.
            if response.data != async_graphql::Value::Null {
                admitted.passed();
            }
            response
        }
        Err(refused) => async_graphql::Response::from_errors(vec![refused]),
    };
    crate::graphql::classify(&mut response);
    for err in &response.errors {
        state.app.metrics.graphql_error(error_code(err));
    }
    if response.errors.iter().any(|e| error_code(e) == "RATE_LIMITED") {
        super::middleware::slow_down(state).await;
    }
    let request_failed =
        response.data == async_graphql::Value::Null && response.errors.iter().all(|e| e.path.is_empty());
    let errors = !response.errors.is_empty();
    if !request_failed {
        let body = serde_json::to_string(&response).unwrap_or_else(|_| "{}".to_string());
        return Answer { status: StatusCode::OK, body, errors };
    }
    // A request that could not be executed has no `data` entry.
    let mut body = serde_json::to_value(&response).unwrap_or_else(|_| json!({}));
    if let Value::Object(map) = &mut body {
        map.remove("data");
    }
    let status = if modern { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    Answer { status, body: body.to_string(), errors }
}

type Rejection = (StatusCode, AppError);

/// A multipart request (a file upload) is judged before a byte of its body is read: only a signed-in user of
/// a role that may import sends one (401 / 403 at once), and a declared length over the limit is 413.
fn admit_upload(state: &HttpState, headers: &HeaderMap, principal: Option<&Principal>) -> Result<(), Rejection> {
    if !is_upload(headers) {
        return Ok(());
    }
    let Some(principal) = principal else {
        return Err((StatusCode::UNAUTHORIZED, AppError::Unauthenticated("上传文件须先登录")));
    };
    if !crate::imports::may_upload(principal.role) {
        return Err((StatusCode::FORBIDDEN, AppError::forbidden("当前账号不能上传文件")));
    }
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if declared.is_some_and(|n| n > state.app.config.limits.upload_body_bytes) {
        return Err((StatusCode::PAYLOAD_TOO_LARGE, AppError::refused(Reason::UploadTooLarge)));
    }
    Ok(())
}

/// Read one GraphQL request from a JSON or multipart body, within the configured size limits.
async fn read_request(state: &HttpState, headers: &HeaderMap, body: Body) -> Result<async_graphql::Request, Rejection> {
    let limits = &state.app.config.limits;
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let too_large = || (StatusCode::PAYLOAD_TOO_LARGE, AppError::refused(Reason::PayloadTooLarge));
    if is_upload(headers) {
        let limited = http_body_util::Limited::new(body, limits.upload_body_bytes);
        let reader = Body::new(limited).into_data_stream().map_err(std::io::Error::other).into_async_read();
        let options = MultipartOptions::default().max_file_size(limits.upload_body_bytes).max_num_files(4);
        let batch = async_graphql::http::receive_batch_body(Some(content_type), reader, options).await.map_err(
            |e| match e {
                async_graphql::ParseRequestError::Io(e) if timed_out(&e) => too_slow(),
                async_graphql::ParseRequestError::PayloadTooLarge | async_graphql::ParseRequestError::Io(_) => {
                    too_large()
                }
                _ => (StatusCode::BAD_REQUEST, AppError::refused(Reason::InvalidMultipart)),
            },
        )?;
        return batch.into_single().map_err(|_| batch_rejection());
    }
    if !(content_type.is_empty() || content_type.starts_with("application/json")) {
        return Err((StatusCode::UNSUPPORTED_MEDIA_TYPE, AppError::refused(Reason::UnsupportedMediaType)));
    }
    let bytes = to_bytes(body, limits.json_body_bytes)
        .await
        .map_err(|e| if timed_out(&e) { too_slow() } else { too_large() })?;
    let invalid = || (StatusCode::BAD_REQUEST, AppError::refused(Reason::InvalidJson));
    // Read straight into the request when it is an object; anything else is parsed only to say what is wrong.
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => serde_json::from_slice(&bytes).map_err(|_| invalid()),
        _ => match serde_json::from_slice::<Value>(&bytes).map_err(|_| invalid())? {
            Value::Array(_) => Err(batch_rejection()),
            _ => Err(invalid()),
        },
    }
}

fn too_slow() -> Rejection {
    (StatusCode::REQUEST_TIMEOUT, AppError::refused(Reason::BodyTimeout))
}

/// Whether reading a body failed because its deadline passed (see `middleware::deadlines`).
fn timed_out(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cause {
        if e.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        cause = e.source();
    }
    false
}

fn batch_rejection() -> Rejection {
    (StatusCode::BAD_REQUEST, AppError::refused(Reason::BatchNotSupported))
}

pub(super) fn bearer(headers: &HeaderMap) -> Option<&str> {
    strip_bearer(headers.get(header::AUTHORIZATION)?.to_str().ok()?)
}

pub(super) fn accepts_graphql_response(headers: &HeaderMap) -> bool {
    headers.get_all(header::ACCEPT).iter().filter_map(|v| v.to_str().ok()).any(|v| v.contains(GRAPHQL_RESPONSE))
}

/// The `extensions.code` of an error, for the metrics.
pub(super) fn error_code(err: &ServerError) -> &str {
    match err.extensions.as_ref().and_then(|e| e.get("code")) {
        Some(async_graphql::Value::String(code)) => code.as_str(),
        _ => "UNKNOWN",
    }
}

/// A request refused before it runs, with `status`.
pub(super) fn request_error(modern: bool, status: StatusCode, state: &HttpState, error: &AppError) -> Response {
    state.app.metrics.graphql_error(error.code());
    let body = json!({ "errors": [error.to_json()] });
    json_response(modern, status, &body)
}

pub(super) fn json_response(modern: bool, status: StatusCode, body: &Value) -> Response {
    json_text_response(modern, status, body.to_string())
}

/// A JSON body already serialized, with the media type the client asked for.
pub(super) fn json_text_response(modern: bool, status: StatusCode, body: String) -> Response {
    let media = if modern { GRAPHQL_RESPONSE } else { "application/json" };
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&format!("{media}; charset=utf-8"))
            .unwrap_or(HeaderValue::from_static("application/json")),
    );
    response
}
