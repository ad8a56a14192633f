//! The application error: one variant per `extensions.code` of the design, Chinese messages for people.
//!
//! `AppError` deliberately does not implement `Display`: async-graphql's `custom-error-conversion` feature is
//! on, so a foreign error (a database error, say) cannot be turned into a GraphQL error with `?` and leak its
//! text. Internal causes are logged here, with context, and the client sees only "服务器内部错误".

use async_graphql::ErrorExtensions;
use sea_orm::DbErr;
use xyd_domain::DomainError;
use xyd_reasons::Reason;

/// A failure that reaches the client, already classified.
#[derive(Clone, Debug)]
pub enum AppError {
    Unauthenticated(&'static str),
    Forbidden(String),
    NotFound(String),
    /// Refused for a reason of the reasons table, which gives its class, code and message; `field` names the
    /// argument at fault, if one is.
    Refused {
        field: Option<String>,
        reason: Reason,
    },
    ConsentRequired(String),
    RateLimited {
        retry_after_secs: u64,
    },
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// The stable English code sent as `extensions.code`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated(_) => "UNAUTHENTICATED",
            Self::Forbidden(_) => "FORBIDDEN",
            Self::NotFound(_) => "NOT_FOUND",
            Self::Refused { reason, .. } => reason.class().as_str(),
            Self::ConsentRequired(_) => "CONSENT_REQUIRED",
            Self::RateLimited { .. } => "RATE_LIMITED",
            Self::Internal(_) => "INTERNAL",
        }
    }

    /// The Chinese message shown to people.
    pub fn message(&self) -> String {
        match self {
            Self::Unauthenticated(m) => (*m).to_string(),
            Self::Forbidden(m) | Self::NotFound(m) | Self::ConsentRequired(m) => m.clone(),
            Self::Refused { reason, .. } => reason.message(),
            Self::RateLimited { retry_after_secs } => format!("操作过于频繁，请在{retry_after_secs}秒后重试"),
            Self::Internal(_) => "服务器内部错误，请稍后重试".to_string(),
        }
    }

    /// For an operator at the command line, not a client: the message with the code, and an internal
    /// error's cause instead of the generic message.
    pub fn operator_message(&self) -> String {
        match self {
            Self::Internal(cause) => format!("INTERNAL: {cause}"),
            other => format!("{}: {}", other.code(), other.message()),
        }
    }

    pub fn unauthenticated() -> Self {
        Self::Unauthenticated("请先登录")
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::Forbidden(message.into())
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::NotFound(message.into())
    }

    /// The argument `field` refused for `reason`.
    pub fn input(field: impl Into<String>, reason: Reason) -> Self {
        Self::Refused { field: Some(field.into()), reason }
    }

    /// The request refused for `reason`.
    pub fn refused(reason: Reason) -> Self {
        Self::Refused { field: None, reason }
    }

    /// The error as one entry of a GraphQL response's `errors`, for answers written outside the executor (the
    /// HTTP layer's refusals, exports): the same `message` and `extensions` as a resolver's error.
    pub fn to_json(&self) -> serde_json::Value {
        let extensions: serde_json::Map<String, serde_json::Value> =
            self.extensions().into_iter().map(|(name, value)| (name.to_string(), value)).collect();
        serde_json::json!({ "message": self.message(), "extensions": extensions })
    }

    /// What `extensions` says of the error, the class (`code`) first: the one place both a resolver's error and
    /// an answer written outside the executor take it from.
    fn extensions(&self) -> Vec<(&'static str, serde_json::Value)> {
        let mut extensions = vec![("code", self.code().into())];
        match self {
            Self::Refused { field, reason } => {
                extensions.extend(field.as_deref().map(|field| ("field", field.into())));
                extensions.push(("reason", reason.code().into()));
            }
            Self::RateLimited { retry_after_secs } => extensions.push(("retryAfter", (*retry_after_secs).into())),
            _ => {}
        }
        extensions
    }

    /// Log `cause` with its context and hide it from the client.
    pub fn internal(context: &str, cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, context, "internal error");
        Self::Internal(format!("{context}: {cause}"))
    }

    /// Prefix the field of a refused argument with the argument it came in, e.g. `input.validUntil`.
    pub fn prefixed(self, argument: &str) -> Self {
        match self {
            Self::Refused { field: Some(field), reason } => {
                Self::Refused { field: Some(format!("{argument}.{field}")), reason }
            }
            other => other,
        }
    }

    /// Point a refusal at the input field the client sent, e.g. `input.adminEmail`.
    pub fn at(self, field: &str) -> Self {
        match self {
            Self::Refused { reason, .. } => Self::Refused { field: Some(field.to_string()), reason },
            other => other,
        }
    }
}

impl From<DbErr> for AppError {
    fn from(err: DbErr) -> Self {
        AppError::internal("database", err)
    }
}

impl From<DomainError> for AppError {
    fn from(err: DomainError) -> Self {
        match err {
            DomainError::Invalid { field, reason } => AppError::input(field, reason),
            DomainError::Refused(reason) => AppError::refused(reason),
        }
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        let message = err.message();
        async_graphql::Error::new(message).extend_with(|_, ext| {
            for (name, value) in err.extensions() {
                ext.set(name, async_graphql::Value::from_json(value).unwrap_or(async_graphql::Value::Null));
            }
        })
    }
}
