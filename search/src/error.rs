//! Errors of the search adapter, classified so callers can tell "Meilisearch is down" (fall back
//! to SQL, retry later) from everything else.

use meilisearch_sdk::errors::{Error as MeiliError, ErrorType};

/// A failure talking to Meilisearch.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// Meilisearch cannot serve the request now: connection refused or reset, no answer in time,
    /// an HTTP 5xx / internal error, a task that did not finish in time, or (for searches) the
    /// index not existing yet. Callers fall back to SQL and retry writes later.
    #[error("meilisearch unavailable: {0}")]
    Unavailable(String),
    /// Meilisearch accepted a task (document or settings update, index creation or swap …)
    /// and then reported it as failed.
    #[error("meilisearch task {uid} failed: {code}: {message}")]
    TaskFailed {
        /// The task's uid.
        uid: u32,
        /// Meilisearch's error code, e.g. `"invalid_document_id"`.
        code: String,
        /// Meilisearch's message.
        message: String,
    },
    /// Any other error reported by Meilisearch or the SDK: a rejected request (e.g. an invalid
    /// filter), a wrong API key, an unparsable answer.
    #[error("meilisearch: {0}")]
    Meili(meilisearch_sdk::errors::Error),
}

impl SearchError {
    /// Whether Meilisearch was unreachable or unable to answer (see [`SearchError::Unavailable`]).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Self::Unavailable(_))
    }
}

impl From<MeiliError> for SearchError {
    fn from(err: MeiliError) -> Self {
        let unavailable = match &err {
            MeiliError::HttpError(e) => !e.is_builder(),
            MeiliError::MeilisearchCommunication(e) => e.status_code >= 500,
            MeiliError::Meilisearch(e) => e.error_type == ErrorType::Internal,
            MeiliError::Timeout => true,
            _ => false,
        };
        if unavailable { Self::Unavailable(error_chain(&err)) } else { Self::Meili(err) }
    }
}

/// The error and its sources on one line ("error sending request …: connection refused").
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use meilisearch_sdk::errors::{MeilisearchCommunicationError, MeilisearchError};

    fn meili_error(kind: &str, code: &str) -> MeilisearchError {
        serde_json::from_value(serde_json::json!({
            "message": "boom", "code": code, "type": kind, "link": "https://docs.meilisearch.com/errors"
        }))
        .unwrap()
    }

    #[test]
    fn server_side_failures_are_unavailable() {
        let e5xx = MeiliError::MeilisearchCommunication(MeilisearchCommunicationError {
            status_code: 503,
            message: None,
            url: "http://x/health".into(),
        });
        assert!(SearchError::from(e5xx).is_unavailable());
        assert!(SearchError::from(MeiliError::Timeout).is_unavailable());
        let internal = MeiliError::Meilisearch(meili_error("internal", "internal"));
        assert!(SearchError::from(internal).is_unavailable());
    }

    #[test]
    fn client_side_errors_are_not() {
        let e4xx = MeiliError::MeilisearchCommunication(MeilisearchCommunicationError {
            status_code: 404,
            message: None,
            url: "http://x/y".into(),
        });
        assert!(!SearchError::from(e4xx).is_unavailable());
        let bad_filter = MeiliError::Meilisearch(meili_error("invalid_request", "invalid_search_filter"));
        assert!(matches!(SearchError::from(bad_filter), SearchError::Meili(_)));
        let auth = MeiliError::Meilisearch(meili_error("auth", "invalid_api_key"));
        assert!(!SearchError::from(auth).is_unavailable());
    }
}
