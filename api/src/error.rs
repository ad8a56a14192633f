//! The application error: one variant per `extensions.code` of the design, Chinese messages for people.
//!
//! `AppError` deliberately does not implement `Display`: async-graphql's `custom-error-conversion` feature is
//! on, so a foreign error (a database error, say) cannot be turned into a GraphQL error with `?` and leak its
//! text. Internal causes are logged here, with context, and the client sees only "服务器内部错误".

use async_graphql::ErrorExtensions;
use sea_orm::DbErr;
use xyd_domain::DomainError;

/// A failure that reaches the client, already classified.
#[derive(Clone, Debug)]
pub enum AppError {
    Unauthenticated(&'static str),
    Forbidden(String),
    NotFound(String),
    BadInput { field: String, code: String, message: String },
    Conflict { code: &'static str, message: String },
    InvalidState { code: &'static str, message: String },
    ConsentRequired(String),
    RateLimited { retry_after_secs: u64 },
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
            Self::BadInput { .. } => "BAD_USER_INPUT",
            Self::Conflict { .. } => "CONFLICT",
            Self::InvalidState { .. } => "INVALID_STATE",
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
            Self::BadInput { message, .. } | Self::Conflict { message, .. } | Self::InvalidState { message, .. } => {
                message.clone()
            }
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

    pub fn bad_input(field: impl Into<String>, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::BadInput { field: field.into(), code: code.into(), message: message.into() }
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict { code, message: message.into() }
    }

    pub fn invalid_state(code: &'static str, message: impl Into<String>) -> Self {
        Self::InvalidState { code, message: message.into() }
    }

    /// Log `cause` with its context and hide it from the client.
    pub fn internal(context: &str, cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, context, "internal error");
        Self::Internal(format!("{context}: {cause}"))
    }

    /// Prefix a BAD_USER_INPUT error's field with the argument it came in, e.g. `input.validUntil`.
    pub fn prefixed(self, argument: &str) -> Self {
        match self {
            Self::BadInput { field, code, message } => {
                Self::BadInput { field: format!("{argument}.{field}"), code, message }
            }
            other => other,
        }
    }

    /// Point a BAD_USER_INPUT error at the input field the client sent, e.g. `input.adminEmail`.
    pub fn at(self, field: &str) -> Self {
        match self {
            Self::BadInput { code, message, .. } => Self::BadInput { field: field.to_string(), code, message },
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
            DomainError::Invalid { field, code, message } => AppError::bad_input(field, code, message),
            DomainError::InvalidState { code, message } => AppError::InvalidState { code, message },
            DomainError::Conflict { code, message } => AppError::Conflict { code, message },
            DomainError::Forbidden { message } => AppError::Forbidden(message),
        }
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        let message = err.message();
        async_graphql::Error::new(message).extend_with(|_, ext| {
            ext.set("code", err.code());
            match &err {
                AppError::BadInput { field, code, .. } => {
                    ext.set("field", field.as_str());
                    ext.set("reason", code.as_str());
                }
                AppError::Conflict { code, .. } | AppError::InvalidState { code, .. } => ext.set("reason", *code),
                AppError::RateLimited { retry_after_secs } => ext.set("retryAfter", *retry_after_secs),
                _ => {}
            }
        })
    }
}
