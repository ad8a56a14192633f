//! GraphQL over HTTP GET, for queries only, so that public answers (the product supermarket, regions, consent
//! texts) can be cached by browsers and proxies. A mutation or subscription over GET is 405 (`Allow: POST`):
//! a link or an image tag must never change anything. An anonymous answer without errors is
//! `Cache-Control: public, max-age=60` with a strong `ETag` (a matching `If-None-Match` gets 304); any other
//! answer is `private, no-store`. Without a query string, GET /graphql is GraphiQL (in development).

use std::net::SocketAddr;

use async_graphql::parser::types::OperationType;
use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use xyd_reasons::Reason;

use super::graphql::{accepts_graphql_response, authenticate, execute, json_text_response, request_error};
use super::{HttpState, graphiql};
use crate::error::AppError;

/// How long a shared cache may keep a public answer.
const PUBLIC_MAX_AGE: &str = "public, max-age=60";

pub async fn get(
    State(state): State<HttpState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(query) = query.filter(|q| !q.is_empty()) else {
        return graphiql::page(State(state)).await;
    };
    let modern = accepts_graphql_response(&headers);
    let Some(request) = parse(&query) else {
        return request_error(modern, StatusCode::BAD_REQUEST, &state, &AppError::refused(Reason::InvalidGetRequest));
    };
    if !selects_a_query(&request) {
        let refusal = AppError::refused(Reason::GetNotAllowed);
        let mut response = request_error(modern, StatusCode::METHOD_NOT_ALLOWED, &state, &refusal);
        response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    let principal = match authenticate(&state, &headers, modern) {
        Ok(p) => p,
        Err(response) => return *response,
    };
    let anonymous = principal.is_none();
    let answer = execute(&state, peer, &headers, principal, modern, request).await;
    let cacheable = anonymous && answer.status == StatusCode::OK && !answer.errors;
    if !cacheable {
        let mut response = json_text_response(modern, answer.status, answer.body);
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
        return response;
    }
    public_response(modern, answer.body, &headers)
}

/// A public answer with its strong `ETag`: 304 without a body when the client already holds it.
fn public_response(modern: bool, text: String, request: &HeaderMap) -> Response {
    let etag = format!("\"{}\"", &hex::encode(Sha256::digest(text.as_bytes()))[..32]);
    let matched = request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| tag.trim() == etag || tag.trim() == "*");
    let mut response = if matched {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        json_text_response(modern, StatusCode::OK, text)
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(PUBLIC_MAX_AGE));
    headers.insert(header::VARY, HeaderValue::from_static("Accept, Authorization"));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    response
}

/// The request in the query string: `query`, and `variables` and `extensions` as JSON, `operationName`.
fn parse(query: &str) -> Option<async_graphql::Request> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Params {
        query: String,
        operation_name: Option<String>,
        variables: Option<String>,
        extensions: Option<String>,
    }
    let params: Params = serde_urlencoded::from_str(query).ok()?;
    let mut request = async_graphql::Request::new(params.query).variables(json(params.variables)?.unwrap_or_default());
    request.extensions = json(params.extensions)?.unwrap_or_default();
    if let Some(name) = params.operation_name {
        request = request.operation_name(name);
    }
    Some(request)
}

/// An optional JSON parameter: none when absent, `None` (a bad request) when it is not JSON of that shape.
fn json<T: serde::de::DeserializeOwned>(text: Option<String>) -> Option<Option<T>> {
    text.map(|t| serde_json::from_str(&t)).transpose().ok()
}

/// Whether the operation the request selects is a query. A document that does not parse, or names no
/// operation it holds, is left to execution, which answers it with the usual errors.
fn selects_a_query(request: &async_graphql::Request) -> bool {
    let Ok(document) = async_graphql::parser::parse_query(&request.query) else {
        return true;
    };
    let mut operations = document.operations.iter();
    let selected = match request.operation_name.as_deref() {
        Some(name) => operations.find(|(n, _)| n.is_some_and(|n| n.as_str() == name)),
        None => operations.next().filter(|_| document.operations.iter().count() == 1),
    };
    selected.is_none_or(|(_, operation)| operation.node.ty == OperationType::Query)
}
