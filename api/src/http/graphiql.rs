//! GraphiQL, in development only, served entirely by the binary: the page and the assets vendored from npm at
//! pinned versions by `scripts/vendor-graphiql.sh` (licences beside them in `api/assets/graphiql/`). Nothing is
//! loaded from the internet, so it works on networks without it (政务外网).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::HttpState;
use super::assets::{self, Asset};

const PAGE: &str = include_str!("../../assets/graphiql/index.html");

const ASSETS: [Asset; 5] = [
    ("graphiql.min.css", "text/css; charset=utf-8", include_bytes!("../../assets/graphiql/graphiql.min.css")),
    ("graphiql.min.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/graphiql/graphiql.min.js")),
    (
        "react.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/react.production.min.js"),
    ),
    (
        "react-dom.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/react-dom.production.min.js"),
    ),
    ("start.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/graphiql/start.js")),
];

/// The GraphiQL page (GET /graphql), in development only.
pub async fn page(State(state): State<HttpState>) -> Response {
    if !state.app.config.is_development() {
        return StatusCode::NOT_FOUND.into_response();
    }
    Html(PAGE).into_response()
}

/// One of the page's assets (GET /graphiql/{file}), in development only.
pub async fn asset(State(state): State<HttpState>, Path(file): Path<String>) -> Response {
    if !state.app.config.is_development() {
        return StatusCode::NOT_FOUND.into_response();
    }
    assets::serve(&ASSETS, &file)
}
