//! Domain errors: one enum for every rule the domain refuses.

/// 领域错误 (domain error): why a value or an action was refused.
///
/// `Display` prints the Simplified Chinese message meant for people; the English `code` is
/// the stable, machine-readable part that the API layer forwards to clients.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// A value failed to parse (输入不合法), e.g. a wrong USCC or a malformed amount.
    #[error("{message}")]
    Invalid {
        /// The input field at fault, in the API's camelCase spelling (e.g. `"uscc"`).
        field: &'static str,
        /// Stable UPPER_SNAKE code (e.g. `"INVALID_USCC"`).
        code: &'static str,
        /// Explanation in Simplified Chinese.
        message: String,
    },
    /// The action is not allowed in the entity's current state (状态不允许).
    #[error("{message}")]
    InvalidState {
        /// Stable UPPER_SNAKE code.
        code: &'static str,
        /// Explanation in Simplified Chinese.
        message: String,
    },
    /// Others got there first (冲突): a limit another party's action reached, or a duplicate.
    #[error("{message}")]
    Conflict {
        /// Stable UPPER_SNAKE code.
        code: &'static str,
        /// Explanation in Simplified Chinese.
        message: String,
    },
    /// The actor may not do this (无权操作).
    #[error("{message}")]
    Forbidden {
        /// Explanation in Simplified Chinese.
        message: String,
    },
}

impl DomainError {
    /// Builds a [`DomainError::Invalid`] for `field` with a stable `code` and a Chinese `message`.
    pub fn invalid(field: &'static str, code: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid { field, code, message: message.into() }
    }

    /// Builds a [`DomainError::InvalidState`] with a stable `code` and a Chinese `message`.
    pub fn invalid_state(code: &'static str, message: impl Into<String>) -> Self {
        Self::InvalidState { code, message: message.into() }
    }

    /// Builds a [`DomainError::Conflict`] with a stable `code` and a Chinese `message`.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict { code, message: message.into() }
    }

    /// Builds a [`DomainError::Forbidden`] with a Chinese `message`.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::Forbidden { message: message.into() }
    }

    /// The stable English code of this error (`"FORBIDDEN"` for [`DomainError::Forbidden`]).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid { code, .. } | Self::InvalidState { code, .. } | Self::Conflict { code, .. } => code,
            Self::Forbidden { .. } => "FORBIDDEN",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_prints_the_chinese_message() {
        let err = DomainError::invalid("amount", "INVALID_MONEY", "金额格式不正确");
        assert_eq!(err.to_string(), "金额格式不正确");
        assert_eq!(err.code(), "INVALID_MONEY");
    }

    #[test]
    fn forbidden_has_a_stable_code() {
        let err = DomainError::Forbidden { message: "无权查看".into() };
        assert_eq!(err.code(), "FORBIDDEN");
        assert_eq!(err.to_string(), "无权查看");
    }
}
