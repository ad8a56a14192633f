//! `GET /reports/{id}`: a credit report's PDF, for a bearer token of the subject's own users or of the issuing
//! institution; NOT_FOUND for anyone else (as for an unknown id).

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;

use super::HttpState;
use super::exports::{attachment, error_response};
use crate::error::AppError;

pub async fn download(State(state): State<HttpState>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    match pdf(&state, &headers, &id).await {
        Ok(response) => response,
        Err(e) => error_response(&state, &e),
    }
}

async fn pdf(state: &HttpState, headers: &HeaderMap, id: &str) -> Result<Response, AppError> {
    let token = super::graphql::bearer(headers).ok_or_else(AppError::unauthenticated)?;
    let principal = state.app.tokens.verify(token)?;
    let report = crate::reports::downloadable(state.app.db.conn(), &principal, id).await?;
    let name = format!("credit-report-{}.pdf", report.verification_code);
    Ok(attachment(report.pdf, "application/pdf", &name))
}
