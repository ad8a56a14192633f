//! What every request passes before the schema runs it, whichever way it came (HTTP, the WebSocket): its
//! document parsed — once per text, then kept — and within the depth limit and the cost budget
//! (`graphql::depth`, `graphql::cost`); after it runs, its errors classified (`graphql::error_policy`).
//!
//! Why not async-graphql extensions: with any extension installed, the executor builds a `ResolveInfo` (two
//! lookups by name in the registry) and runs the extension chain, a boxed future per extension, around every
//! field of every answer — for a page of twenty products, over six hundred times, though none of these rules
//! looks at a field once the request runs. Clients send the same few documents with different variables, so
//! the parsed document is kept by its text; the cost, which depends on the variables, is counted every time.
//!
//! A kept document also remembers passing async-graphql's strict validation. Of its rules only one depends on
//! more than the text — variable values against the arguments they feed — so a later request with the same
//! text whose variables `graphql::variables` finds certainly valid may run in the fast mode, which skips the
//! rules; any other takes the strict validation again, which words its errors as before.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Request, ServerError};

use super::cost::CostLimit;
use super::depth::DepthLimit;
use super::fields::SchemaFields;
use super::variables::InputTypes;
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
    inputs: InputTypes,
    kept: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    documents: HashMap<Arc<str>, Arc<Document>>,
    bytes: usize,
}

/// A parsed document within the depth limit, and whether the strict validation has passed it.
struct Document {
    parsed: ExecutableDocument,
    validated: AtomicBool,
}

/// A request the gate admitted: how it may run.
pub struct Admitted {
    document: Option<Arc<Document>>,
    checked: bool,
}

impl Admitted {
    /// Whether the request may skip the strict validation: its document has passed it before and its
    /// variables are certainly valid.
    pub fn checked(&self) -> bool {
        self.checked
    }

    /// Records that the strict validation passed the request (it ran), for the next one with its text.
    pub fn passed(&self) {
        if let Some(document) = &self.document {
            document.validated.store(true, Ordering::Relaxed);
        }
    }
}

impl Gate {
    /// The gate for the schema whose SDL is `sdl`, with `limits`, answering introspection or not.
    pub fn new(limits: &LimitsConfig, introspection: bool, sdl: &str) -> Self {
        Self {
            depth: DepthLimit { max: limits.query_depth, introspection },
            cost: CostLimit { budget: limits.query_cost },
            fields: SchemaFields::from_sdl(sdl),
            inputs: InputTypes::from_sdl(sdl),
            kept: Mutex::default(),
        }
    }

    /// Admit `request` or refuse it (a request error: the schema must not run it). An admitted request carries
    /// its parsed document, which the schema does not parse again; a document that does not parse is left to
    /// the schema, which answers with the syntax error.
    pub fn admit(&self, request: &mut Request) -> Result<Admitted, ServerError> {
        let Some(document) = self.document(&request.query)? else {
            return Ok(Admitted { document: None, checked: false });
        };
        self.cost.check(&self.fields, &document.parsed, &request.variables)?;
        let checked = document.validated.load(Ordering::Relaxed)
            && self.inputs.certainly_valid(&document.parsed, request.operation_name.as_deref(), &request.variables);
        request.set_parsed_query(document.parsed.clone());
        Ok(Admitted { document: Some(document), checked })
    }

    /// The document of `query`, parsed and within the depth limit: kept, or parsed and checked now (and kept).
    fn document(&self, query: &str) -> Result<Option<Arc<Document>>, ServerError> {
        if let Some(document) = self.kept.lock().unwrap_or_else(PoisonError::into_inner).documents.get(query) {
            return Ok(Some(document.clone()));
        }
        let Ok(parsed) = async_graphql::parser::parse_query(query) else { return Ok(None) };
        self.depth.check(&parsed)?;
        let document = Arc::new(Document { parsed, validated: AtomicBool::new(false) });
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn request(query: &str, variables: serde_json::Value) -> Request {
        Request::new(query).variables(async_graphql::Variables::from_json(variables))
    }

    #[test]
    fn a_document_runs_checked_only_after_passing_the_strict_validation_and_with_certain_variables() {
        let gate = Gate::new(&LimitsConfig::default(), true, &crate::schema::sdl());
        let query = "query($n: Int!) { products(first: $n) { totalCount } }";
        let first = gate.admit(&mut request(query, json!({ "n": 5 }))).unwrap();
        assert!(!first.checked(), "never validated yet");
        assert!(!gate.admit(&mut request(query, json!({ "n": 5 }))).unwrap().checked(), "not yet passed");
        first.passed();
        assert!(gate.admit(&mut request(query, json!({ "n": 5 }))).unwrap().checked());
        assert!(!gate.admit(&mut request(query, json!({ "n": "5" }))).unwrap().checked());
        let other = "query($n: Int!) { products(first: $n) { nodes { id } } }";
        assert!(!gate.admit(&mut request(other, json!({ "n": 5 }))).unwrap().checked(), "another text");
    }
}
