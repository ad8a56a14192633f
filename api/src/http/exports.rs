//! `GET /exports/indicators?from&to&region&groupBy&format=csv|xlsx`: an indicator report as a file, for a
//! bearer token of a bureau (or the platform admin); it comes with `X-Data-As-Of`: how current its figures are at
//! least (RFC 3339, UTC). `GET /exports/loans?region&bank&from&to&mismatch&format=csv|xlsx`: the loan ledger as
//! `loans` would list it for the caller. Errors are JSON `{"errors": [{message, extensions.code}]}`.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use xyd_domain::IndicatorDimension;
use xyd_reasons::Reason;

use super::HttpState;
use crate::error::AppError;
use crate::graphql::GqlDate;
use crate::indicators::export::{self, ExportFormat};
use crate::indicators::report::{self, ReportRequest};
use crate::loans::LoanFilter;

/// How current the figures are at least (`IndicatorReport.asOf`): a report may be read on a standby.
const AS_OF: HeaderName = HeaderName::from_static("x-data-as-of");

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportParams {
    from: Option<String>,
    to: Option<String>,
    region: Option<String>,
    group_by: Option<String>,
    format: Option<String>,
}

pub async fn indicators(
    State(state): State<HttpState>,
    headers: HeaderMap,
    params: Result<Query<ExportParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    match export_file(&state, &headers, params).await {
        Ok(response) => response,
        Err(e) => error_response(&state, &e),
    }
}

async fn export_file(
    state: &HttpState,
    headers: &HeaderMap,
    params: Result<Query<ExportParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, AppError> {
    let token = super::graphql::bearer(headers).ok_or_else(AppError::unauthenticated)?;
    let principal = state.app.tokens.verify(token)?;
    let Query(params) = params.map_err(|_| AppError::input("query", Reason::InvalidQueryString))?;
    let date = |field: &'static str, value: Option<String>| {
        let value = value.ok_or_else(|| AppError::input(field, Reason::MissingParameter { name: field }))?;
        value.trim().parse().map_err(|_| AppError::input(field, Reason::MalformedDate))
    };
    let group_by = match params.group_by.as_deref().map(str::trim).filter(|g| !g.is_empty()) {
        Some(g) => Some(IndicatorDimension::parse_field(&g.to_ascii_uppercase(), "groupBy").map_err(AppError::from)?),
        None => None,
    };
    let format = ExportFormat::parse(params.format.as_deref().unwrap_or("csv"))?;
    let request = ReportRequest {
        from: date("from", params.from)?,
        to: date("to", params.to)?,
        region: params.region,
        group_by,
        definitions_version: Some("v1".to_string()),
        tax_grades: true,
    };
    let report = report::for_principal(&state.app, &principal, request).await?;
    let body = export::render(&report, format)?;
    let name = export::file_name(&report, format);
    let mut response = attachment(body, format.content_type(), &name);
    if let Some(value) = export::as_of(&report).and_then(|t| HeaderValue::from_str(&t).ok()) {
        response.headers_mut().insert(AS_OF, value);
    }
    Ok(response)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LedgerParams {
    region: Option<String>,
    bank: Option<String>,
    from: Option<String>,
    to: Option<String>,
    mismatch: Option<bool>,
    format: Option<String>,
}

pub async fn loans(
    State(state): State<HttpState>,
    headers: HeaderMap,
    params: Result<Query<LedgerParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    match ledger_file(&state, &headers, params).await {
        Ok(response) => response,
        Err(e) => error_response(&state, &e),
    }
}

async fn ledger_file(
    state: &HttpState,
    headers: &HeaderMap,
    params: Result<Query<LedgerParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, AppError> {
    let token = super::graphql::bearer(headers).ok_or_else(AppError::unauthenticated)?;
    let principal = state.app.tokens.verify(token)?;
    let Query(params) = params.map_err(|_| AppError::input("query", Reason::InvalidQueryString))?;
    let date = |field: &'static str, value: Option<String>| -> Result<Option<GqlDate>, AppError> {
        value
            .map(|v| v.trim().parse().map(GqlDate).map_err(|_| AppError::input(field, Reason::MalformedDate)))
            .transpose()
    };
    let format = ExportFormat::parse(params.format.as_deref().unwrap_or("csv"))?;
    let filter = LoanFilter {
        region_code: params.region,
        bank_id: params.bank.map(async_graphql::ID),
        from: date("from", params.from)?,
        to: date("to", params.to)?,
        first_loan_mismatch: params.mismatch,
        lender_without_code: None,
    }
    .parse()?;
    let body = crate::loans::export::render(&state.app, &principal, &filter, format).await?;
    let name = format!("loans_{}.{}", chrono::Utc::now().format("%Y%m%d"), format.extension());
    Ok(attachment(body, format.content_type(), &name))
}

/// A file for the caller alone: `body` of `content_type`, saved as `name`, never cached.
pub(super) fn attachment(body: impl Into<axum::body::Body>, content_type: &'static str, name: &str) -> Response {
    let mut response = (StatusCode::OK, body.into()).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

pub(super) fn error_response(state: &HttpState, e: &AppError) -> Response {
    let status = match e.code() {
        "UNAUTHENTICATED" => StatusCode::UNAUTHORIZED,
        "FORBIDDEN" => StatusCode::FORBIDDEN,
        "NOT_FOUND" => StatusCode::NOT_FOUND,
        "BAD_USER_INPUT" => StatusCode::BAD_REQUEST,
        "INTERNAL" => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    state.app.metrics.graphql_error(e.code());
    let body = json!({ "errors": [e.to_json()] });
    (status, [(header::CONTENT_TYPE, "application/json; charset=utf-8")], body.to_string()).into_response()
}
