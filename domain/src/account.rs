//! Account credentials at the edge: an e-mail address and a plaintext password to hash.

use xyd_reasons::Reason;

use crate::DomainError;

/// 电子邮箱 (e-mail address) used as the login name: trimmed and lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Email(String);

crate::text_value::text_value!(Email);

impl Email {
    /// The longest accepted address (RFC 5321 path limit).
    pub const MAX_LEN: usize = 254;

    /// Parses an address with a simple structural check: one `@`, a non-empty local part,
    /// a dotted domain without empty labels, no whitespace, at most 254 characters.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let email = input.trim().to_lowercase();
        let well_formed = email.chars().count() <= Self::MAX_LEN
            && !email.chars().any(|c| c.is_whitespace() || c.is_control())
            && match email.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && !domain.contains('@')
                        && domain.contains('.')
                        && domain.split('.').all(|label| !label.is_empty())
                }
                None => false,
            };
        if well_formed { Ok(Self(email)) } else { Err(DomainError::invalid("email", Reason::InvalidEmail)) }
    }
}

/// 密码 (password) in plaintext, held only long enough to hash or verify it.
/// `Debug` never shows it, and there is no `Display`.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    /// Fewest characters accepted.
    pub const MIN_CHARS: usize = 8;
    /// Most characters accepted (bounds hashing cost).
    pub const MAX_CHARS: usize = 128;

    /// Accepts 8–128 characters containing at least one ASCII letter and one digit.
    /// The input is kept exactly as typed (no trimming).
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let chars = input.chars().count();
        let strong = (Self::MIN_CHARS..=Self::MAX_CHARS).contains(&chars)
            && input.chars().any(|c| c.is_ascii_alphabetic())
            && input.chars().any(|c| c.is_ascii_digit());
        if strong { Ok(Self(input.to_owned())) } else { Err(DomainError::invalid("password", Reason::WeakPassword)) }
    }

    /// The plaintext, for the password hasher only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_trimmed_and_lowercased() {
        let email = Email::parse("  Zhang.San@Example.COM ").unwrap();
        assert_eq!(email.as_str(), "zhang.san@example.com");
    }

    #[test]
    fn malformed_emails_are_rejected() {
        let long = format!("{}@example.com", "a".repeat(243));
        for bad in [
            "",
            "plain",
            "@example.com",
            "a@",
            "a@b",
            "a@@b.com",
            "a@b@c.com",
            "a b@c.com",
            "a@.com",
            "a@b.",
            "a@b..com",
            long.as_str(),
        ] {
            assert_eq!(Email::parse(bad).unwrap_err().code(), "INVALID_EMAIL", "{bad}");
        }
        let longest = format!("{}@example.com", "a".repeat(242));
        assert!(Email::parse(&longest).is_ok());
    }

    #[test]
    fn password_needs_length_letter_and_digit() {
        assert_eq!(Password::parse("abc12345").unwrap().expose(), "abc12345");
        for weak in ["abc1234", "abcdefgh", "12345678", "密码密码密码密码1", &"a1".repeat(65)] {
            let err = Password::parse(weak).unwrap_err();
            assert_eq!(err.code(), "WEAK_PASSWORD");
            assert_eq!(err.to_string(), "密码至少8位，且须同时包含字母和数字");
        }
        assert!(Password::parse(&"a1".repeat(64)).is_ok());
    }

    #[test]
    fn debug_does_not_print_the_secret() {
        let password = Password::parse("secret123").unwrap();
        let shown = format!("{password:?}");
        assert!(!shown.contains("secret123"), "{shown}");
    }
}
