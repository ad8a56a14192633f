//! Static files embedded in the binary (GraphiQL's, the dashboard's): looked up by name, served with their
//! content type and a day of caching.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// An embedded file: (name, content type, bytes).
pub type Asset = (&'static str, &'static str, &'static [u8]);

/// The asset named `file` among `assets`; 404 for any other name.
pub fn serve(assets: &[Asset], file: &str) -> Response {
    let Some((_, content_type, bytes)) = assets.iter().find(|(name, _, _)| *name == file).copied() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
    response
}
