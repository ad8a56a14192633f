//! 监测看板 (the bureau's dashboard) at `GET /dashboard`: a static page, its script and its stylesheet, embedded
//! in the binary and served in every environment. The page logs in and reads the figures through `/graphql`
//! like any client; it loads nothing from elsewhere (no CDN, no web fonts: 政务外网 is often offline), and its
//! charts are SVG drawn by its own script. What it shows and how it formats figures: the comment at the top of
//! `api/assets/dashboard/dashboard.js`.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::assets::{self, Asset};

const PAGE: &str = include_str!("../../assets/dashboard/index.html");

const ASSETS: [Asset; 2] = [
    ("dashboard.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/dashboard/dashboard.js")),
    ("dashboard.css", "text/css; charset=utf-8", include_bytes!("../../assets/dashboard/dashboard.css")),
];

/// The page runs its own script and stylesheet and talks to this origin only; the login form is never
/// submitted as a form (the script posts to `/graphql`), so `form-action 'none'` keeps a password out of any
/// URL even if the script failed to load.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The dashboard page (GET /dashboard).
pub async fn page() -> Response {
    let mut response = (StatusCode::OK, PAGE).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    // The page names its assets without a version: always revalidate it, cache the assets like GraphiQL's.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// One of the page's assets (GET /dashboard/{file}); 404 for anything else.
pub async fn asset(Path(file): Path<String>) -> Response {
    assets::serve(&ASSETS, &file)
}
