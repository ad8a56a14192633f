//! `GET /exports/my-data/{id}`: a subject's data copy (a ZIP), for a bearer token of the subject's own users
//! while it has not expired; NOT_FOUND for anyone else (as for an unknown id).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::HttpState;
use super::exports::error_response;
use crate::error::AppError;

pub async fn download(State(state): State<HttpState>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    match zip(&state, &headers, &id).await {
        Ok(response) => response,
        Err(e) => error_response(&state, &e),
    }
}

async fn zip(state: &HttpState, headers: &HeaderMap, id: &str) -> Result<Response, AppError> {
    let token = super::graphql::bearer(headers).ok_or_else(AppError::unauthenticated)?;
    let principal = state.app.tokens.verify(token)?;
    let (row, zip) = crate::my_data::downloadable(&state.app, &principal, id).await?;
    let mut response = (StatusCode::OK, zip).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/zip"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"my-data-{}.zip\"", row.id)) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}
