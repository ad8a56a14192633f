//! `GET /exports/my-data/{id}`: a subject's data copy (a ZIP), for a bearer token of the subject's own users
//! while it has not expired; NOT_FOUND for anyone else (as for an unknown id).

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;

use super::HttpState;
use super::exports::{attachment, error_response};
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
    Ok(attachment(zip, "application/zip", &format!("my-data-{}.zip", row.id)))
}
