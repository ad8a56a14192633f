//! What every request passes before the schema runs it, whichever way it came (HTTP, the WebSocket): its
//! document parsed — once per text, then kept — and within the depth limit and the cost budget
//! (`graphql::depth`, `graphql::cost`); after it runs, its errors classified (`graphql::error_policy`).
//!
//! Why not async-graphql extensions: with any extension installed, the executor builds a `ResolveInfo` (two
//! lookups by name in the registry) and runs the extension chain, a boxed future per extension, around every
//! field of every answer — for a page of twenty products, over six hundred times, though none of these rules
//! looks at a field once the request runs. Clients send the same few documents with different variables, so
//! the parsed document is kept by its text; the cost, which depends on the variables, is counted every time.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Request, ServerError};

use super::cost::CostLimit;
use super::depth::DepthLimit;
use super::fields::SchemaFields;
use crate::config::LimitsConfig;

/// Documents longer than this are parsed every time (and not kept).
const KEPT_TEXT_MAX: usize = 16 * 1024;
/// The texts of the kept documents, in bytes at most: past it, the kept ones are dropped and kept afresh.
const KEPT_BYTES_MAX: usize = 2 * 1024 * 1024;

/// The request limits of one schema and the documents it has parsed.
pub struct Gate {
    depth: DepthLimit,
    cost: CostLimit,
    fields: SchemaFields,
    kept: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    documents: HashMap<Arc<str>, Arc<ExecutableDocument>>,
    bytes: usize,
}

impl Gate {
    /// The gate for the schema whose SDL is `sdl`, with `limits`, answering introspection or not.
    pub fn new(limits: &LimitsConfig, introspection: bool, sdl: &str) -> Self {
        Self {
            depth: DepthLimit { max: limits.query_depth, introspection },
            cost: CostLimit { budget: limits.query_cost },
            fields: SchemaFields::from_sdl(sdl),
            kept: Mutex::default(),
        }
    }

    /// Admit `request` or refuse it (a request error: the schema must not run it). An admitted request carries
    /// its parsed document, which the schema does not parse again; a document that does not parse is left to
    /// the schema, which answers with the syntax error.
    pub fn admit(&self, request: &mut Request) -> Result<(), ServerError> {
        let Some(document) = self.document(&request.query)? else { return Ok(()) };
        self.cost.check(&self.fields, &document, &request.variables)?;
        request.set_parsed_query(ExecutableDocument::clone(&document));
        Ok(())
    }

    /// The document of `query`, parsed and within the depth limit: kept, or parsed and checked now (and kept).
    fn document(&self, query: &str) -> Result<Option<Arc<ExecutableDocument>>, ServerError> {
        if let Some(document) = self.kept.lock().unwrap_or_else(PoisonError::into_inner).documents.get(query) {
            return Ok(Some(document.clone()));
        }
        let Ok(document) = async_graphql::parser::parse_query(query) else { return Ok(None) };
        self.depth.check(&document)?;
        let document = Arc::new(document);
        if query.len() <= KEPT_TEXT_MAX {
            let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
            if kept.bytes + query.len() > KEPT_BYTES_MAX {
                *kept = Kept::default();
            }
            kept.bytes += query.len();
            kept.documents.insert(Arc::from(query), document.clone());
        }
        Ok(Some(document))
    }
}
