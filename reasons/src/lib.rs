//! Every reason the platform gives when it refuses something — a request, an argument, a state change, an
//! import row — declared once in [`table`]: its stable English code, its class (`extensions.code`), when it
//! happens, and each message it is sent with. The code is made from the table: domain and api errors carry a
//! [`Reason`], whose code, class and message come from here, so a call site cannot type any of them, and
//! `docs/errors.md` is rendered from the same table ([`render_markdown`]).

mod declare;
mod markdown;
mod table;

pub use markdown::render_markdown;
pub use table::{Reason, TABLE};

/// The class of a refusal, sent as `extensions.code`; an import row's reasons have the class [`Class::Row`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    Unauthenticated,
    Forbidden,
    NotFound,
    BadUserInput,
    Conflict,
    InvalidState,
    ConsentRequired,
    RateLimited,
    QueryTooExpensive,
    Timeout,
    Internal,
    /// A rejected import row (its `code` in `importJob.errors`), never a GraphQL error of its own.
    Row,
}

impl Class {
    /// Every class, with what a client does about it.
    pub const ALL: [(Self, &'static str); 12] = [
        (Self::Unauthenticated, "no valid access token, or wrong credentials: sign in (again)"),
        (Self::Forbidden, "signed in, but this caller may not do this (role, jurisdiction, ownership)"),
        (Self::NotFound, "no such thing, or not one the caller may know of"),
        (Self::BadUserInput, "the request or an argument is invalid; `extensions.field` names the argument"),
        (Self::Conflict, "the state changed under the request (a duplicate, a concurrent edit): reload and retry"),
        (Self::InvalidState, "the thing exists but its state does not allow this now"),
        (Self::ConsentRequired, "authorized data without an active consent covering it (at the field's path)"),
        (Self::RateLimited, "too many attempts: wait (the answer is itself held back a moment)"),
        (Self::QueryTooExpensive, "the request costs more than the budget, or names several password operations"),
        (Self::Timeout, "the server did not finish in time"),
        (Self::Internal, "a fault on the server; the cause is logged, never sent"),
        (Self::Row, "an import row was rejected (its `code` and `message` in `importJob.errors`); the rest go on"),
    ];

    /// The English code (`BAD_USER_INPUT`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden => "FORBIDDEN",
            Self::NotFound => "NOT_FOUND",
            Self::BadUserInput => "BAD_USER_INPUT",
            Self::Conflict => "CONFLICT",
            Self::InvalidState => "INVALID_STATE",
            Self::ConsentRequired => "CONSENT_REQUIRED",
            Self::RateLimited => "RATE_LIMITED",
            Self::QueryTooExpensive => "QUERY_TOO_EXPENSIVE",
            Self::Timeout => "TIMEOUT",
            Self::Internal => "INTERNAL",
            Self::Row => "ROW",
        }
    }
}

/// One code of the table.
#[derive(Debug)]
pub struct Entry {
    pub code: &'static str,
    pub class: Class,
    /// When it happens.
    pub when: &'static str,
    /// The messages it is sent with.
    pub messages: &'static [Template],
}

/// One message: its text with `{name}` for each parameter.
#[derive(Debug)]
pub struct Template {
    pub template: &'static str,
    pub params: &'static [&'static str],
}

impl Template {
    /// Whether `message` is this template with some value for each parameter.
    pub fn matches(&self, message: &str) -> bool {
        let (texts, _) = declare::split(self.template);
        let Some((first, rest)) = texts.split_first() else { return false };
        let Some(mut left) = message.strip_prefix(first) else { return false };
        let Some((last, middle)) = rest.split_last() else { return left.is_empty() };
        for text in middle {
            match left.find(text) {
                Some(at) => left = &left[at + text.len()..],
                None => return false,
            }
        }
        left.ends_with(last)
    }
}

/// Whether a refusal received by a client — its reason code, class and message — is one the table gives.
pub fn conforms(code: &str, class: &str, message: &str) -> Result<(), String> {
    let entry = TABLE.iter().find(|e| e.code == code).ok_or_else(|| format!("{code}: not in the reasons table"))?;
    if class != Class::Row.as_str() && entry.class.as_str() != class {
        return Err(format!("{code}: sent as {class}, the table says {}", entry.class.as_str()));
    }
    if !entry.messages.iter().any(|t| t.matches(message)) {
        return Err(format!("{code}: message “{message}” is none of the table's"));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
