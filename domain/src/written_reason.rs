//! A reason a person writes for another to read — a rejected verification, a renewal request, an erasure
//! request: trimmed, 2 to 500 characters. One rule for every such text; each refusal names its own message (the
//! `INVALID_REASON` family).

use std::ops::RangeInclusive;

use xyd_reasons::Reason;

use crate::DomainError;

/// How many characters a written reason has, trimmed.
pub const REASON_CHARS: RangeInclusive<usize> = 2..=500;

/// `text` trimmed, or `refusal` on `field` when it is too short or too long.
pub fn written_reason(text: &str, field: &'static str, refusal: Reason) -> Result<String, DomainError> {
    let text = text.trim();
    if !REASON_CHARS.contains(&text.chars().count()) {
        return Err(DomainError::invalid(field, refusal));
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_two_to_five_hundred_characters_trimmed() {
        let refusal = || Reason::InvalidErasureReason;
        assert_eq!(written_reason("  不再使用  ", "reason", refusal()).unwrap(), "不再使用");
        assert!(written_reason(" 删 ", "reason", refusal()).is_err());
        assert!(written_reason(&"字".repeat(501), "reason", refusal()).is_err());
        assert_eq!(written_reason(&"字".repeat(500), "reason", refusal()).unwrap().chars().count(), 500);
        assert!(written_reason("第一行\n第二行", "reason", refusal()).is_ok());
        let err = written_reason("", "note", refusal()).unwrap_err();
        assert_eq!((err.code(), err.to_string()), ("INVALID_REASON", "删除申请理由应为2至500个字".to_string()));
    }
}
