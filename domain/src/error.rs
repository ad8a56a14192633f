//! Domain errors: why the domain refused a value or an action, as a [`Reason`] of the reasons table.

use xyd_reasons::Reason;

/// 领域错误 (domain error): why a value or an action was refused.
///
/// The reason carries the stable English code, the class the API sends it with and the Chinese message
/// (`Display` prints the message); the domain only chooses the reason and fills its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DomainError {
    /// A value failed to parse (输入不合法), e.g. a wrong USCC or a malformed amount.
    Invalid {
        /// The input field at fault, in the API's camelCase spelling (e.g. `"uscc"`).
        field: &'static str,
        /// Why.
        reason: Reason,
    },
    /// The action is refused: the entity's state does not allow it (状态不允许), or others got there first
    /// (冲突) — which of the two, the reason's class says.
    Refused(Reason),
}

impl DomainError {
    /// A value of `field` refused for `reason`.
    pub fn invalid(field: &'static str, reason: Reason) -> Self {
        Self::Invalid { field, reason }
    }

    /// An action refused for `reason`.
    pub fn refused(reason: Reason) -> Self {
        Self::Refused(reason)
    }

    /// Why.
    pub fn reason(&self) -> &Reason {
        match self {
            Self::Invalid { reason, .. } | Self::Refused(reason) => reason,
        }
    }

    /// The stable English code of the reason.
    pub fn code(&self) -> &'static str {
        self.reason().code()
    }

    /// The same refusal of a value, pointed at `field`.
    #[must_use]
    pub fn at(self, field: &'static str) -> Self {
        match self {
            Self::Invalid { reason, .. } => Self::Invalid { field, reason },
            refused => refused,
        }
    }
}

impl std::fmt::Display for DomainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason().message())
    }
}

impl std::error::Error for DomainError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_prints_the_chinese_message_of_the_reason() {
        let err = DomainError::invalid("amount", Reason::InvalidMoney { input: "x".into() });
        assert_eq!(err.to_string(), "金额格式不正确：“x”，应为以元为单位、最多两位小数的数字，如1500000.00");
        assert_eq!(err.code(), "INVALID_MONEY");
        assert_eq!(err.clone().at("rate"), DomainError::Invalid { field: "rate", reason: err.reason().clone() });
    }
}
