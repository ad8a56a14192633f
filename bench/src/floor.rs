//! The floor under P1: the smallest server that can stand between a client and Meilisearch — one axum route
//! that sends the benchmark's search through the platform's search adapter (the same request the API sends)
//! and answers the hit count as JSON. No GraphQL, no database, no product rows. What it adds to the direct
//! search is what any HTTP service in front of the engine costs on this machine.

use anyhow::Context;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};
use xyd_search::ProductIndex;

use crate::{Engine, QUERY, filter};

/// Serve `GET /search` on `bind` until killed.
pub async fn serve(engine: &Engine, bind: &str) -> anyhow::Result<()> {
    let search = xyd_search::Search::new(&engine.meili, Some(&engine.key), &engine.prefix)?;
    let app = Router::new().route("/search", get(search_once)).with_state(search.products());
    let listener = tokio::net::TcpListener::bind(bind).await.with_context(|| format!("bind {bind}"))?;
    axum::serve(listener, app).await?;
    Ok(())
}

async fn search_once(State(index): State<ProductIndex>) -> Json<Value> {
    let filter = filter();
    match index.search(Some(QUERY), &filter, 0, 20).await {
        Ok(page) => Json(json!({ "total": page.total })),
        Err(e) => Json(json!({ "error": e.to_string() })),
    }
}
