//! Money in 分 (fen) and annual rates in basis points: integers inside, decimal strings outside.

use xyd_reasons::Reason;

use crate::DomainError;

/// 金额 (amount of money) in 分 (fen, 1/100 yuan). Never a float.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Money(i64);

impl Money {
    /// Zero yuan.
    pub const ZERO: Money = Money(0);

    /// An amount of `fen` 分.
    pub const fn from_fen(fen: i64) -> Self {
        Self(fen)
    }

    /// The amount in 分.
    pub const fn fen(self) -> i64 {
        self.0
    }

    /// Parses a decimal yuan string such as `"1500000.00"`, `"12.5"` or `"-3"`: optional `-`,
    /// at most 15 integer digits and 2 decimals, no exponent or inner spaces.
    pub fn from_yuan_str(input: &str) -> Result<Self, DomainError> {
        parse_hundredths(input, 15, true)
            .map(Self)
            .ok_or_else(|| DomainError::invalid("amount", Reason::InvalidMoney { input: input.trim().to_string() }))
    }

    /// The amount in yuan with exactly two decimals (`"1500000.00"`, `"-0.50"`).
    pub fn to_yuan_string(self) -> String {
        format_hundredths(self.0)
    }

    /// The sum, or `None` on overflow.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Self)
    }

    /// Whether the amount is greater than zero.
    pub const fn is_positive(self) -> bool {
        self.0 > 0
    }
}

impl std::fmt::Display for Money {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_yuan_string())
    }
}

/// 年利率 (annual interest rate) in basis points of a percent: 3.85% is 385. Between 0 and 100%.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Rate(i32);

impl Rate {
    /// The largest rate, 100.00%.
    pub const MAX_BP: i32 = 10_000;

    /// A rate of `bp` basis points; fails outside 0..=10000.
    pub fn from_bp(bp: i32) -> Result<Self, DomainError> {
        if (0..=Self::MAX_BP).contains(&bp) { Ok(Self(bp)) } else { Err(invalid_rate(&format!("{bp}bp"))) }
    }

    /// Parses an annual percent such as `"3.85"`: at most 2 decimals, from 0 to 100.00.
    pub fn from_percent_str(input: &str) -> Result<Self, DomainError> {
        parse_hundredths(input, 3, false)
            .and_then(|bp| i32::try_from(bp).ok())
            .filter(|bp| (0..=Self::MAX_BP).contains(bp))
            .map(Self)
            .ok_or_else(|| invalid_rate(input.trim()))
    }

    /// The rate in basis points.
    pub const fn bp(self) -> i32 {
        self.0
    }

    /// The annual percent with two decimals (`"3.85"`).
    pub fn to_percent_string(self) -> String {
        format_hundredths(i64::from(self.0))
    }
}

impl std::fmt::Display for Rate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_percent_string())
    }
}

fn invalid_rate(shown: &str) -> DomainError {
    DomainError::invalid("rate", Reason::MalformedRate { input: shown.to_string() })
}

/// Parses `[-]digits[.d[d]]` into hundredths; `None` if malformed. Surrounding whitespace is
/// ignored; nothing else is tolerated (no `+`, exponent, separators or inner spaces).
fn parse_hundredths(input: &str, max_int_digits: usize, allow_negative: bool) -> Option<i64> {
    let s = input.trim();
    let (negative, s) = match s.strip_prefix('-') {
        Some(rest) if allow_negative => (true, rest),
        Some(_) => return None,
        None => (false, s),
    };
    let (int, frac) = s.split_once('.').unwrap_or((s, "00"));
    let digits = |d: &str| d.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || int.len() > max_int_digits || !digits(int) {
        return None;
    }
    if frac.is_empty() || frac.len() > 2 || !digits(frac) {
        return None;
    }
    let whole: i64 = int.parse().ok()?;
    let cents: i64 = format!("{frac:0<2}").parse().ok()?;
    let value = whole.checked_mul(100)?.checked_add(cents)?;
    Some(if negative { -value } else { value })
}

/// Formats hundredths as `[-]units.hh`.
fn format_hundredths(value: i64) -> String {
    let sign = if value < 0 { "-" } else { "" };
    let abs = value.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn yuan(s: &str) -> i64 {
        Money::from_yuan_str(s).unwrap().fen()
    }

    #[test]
    fn yuan_strings_parse_to_fen() {
        assert_eq!(yuan("1500000.00"), 150_000_000);
        assert_eq!(yuan("12.5"), 1250);
        assert_eq!(yuan("3"), 300);
        assert_eq!(yuan("-0.50"), -50);
        assert_eq!(yuan(" 0.01 "), 1);
        assert_eq!(yuan("999999999999999.99"), 99_999_999_999_999_999);
    }

    #[test]
    fn malformed_amounts_are_rejected() {
        for bad in [
            "",
            "-",
            ".5",
            "5.",
            "1.234",
            "1e5",
            "+3",
            "1 000",
            "1,000",
            "１２",
            "--1",
            "0x10",
            "1000000000000000",
            "NaN",
            "1.-5",
        ] {
            let err = Money::from_yuan_str(bad).unwrap_err();
            assert_eq!(err.code(), "INVALID_MONEY", "{bad}");
            assert!(err.to_string().starts_with("金额格式不正确"), "{err}");
        }
    }

    #[test]
    fn yuan_string_always_has_two_decimals() {
        assert_eq!(Money::from_fen(150_000_000).to_yuan_string(), "1500000.00");
        assert_eq!(Money::from_fen(-50).to_yuan_string(), "-0.50");
        assert_eq!(Money::from_fen(7).to_string(), "0.07");
        assert_eq!(Money::from_fen(i64::MIN).to_yuan_string(), "-92233720368547758.08");
    }

    #[test]
    fn add_and_sign() {
        assert_eq!(Money::from_fen(1).checked_add(Money::from_fen(2)), Some(Money::from_fen(3)));
        assert_eq!(Money::from_fen(i64::MAX).checked_add(Money::from_fen(1)), None);
        assert!(Money::from_fen(1).is_positive());
        assert!(!Money::ZERO.is_positive());
        assert!(!Money::from_fen(-1).is_positive());
    }

    #[test]
    fn percent_strings_parse_to_basis_points() {
        let bp = |s: &str| Rate::from_percent_str(s).unwrap().bp();
        assert_eq!(bp("3.85"), 385);
        assert_eq!(bp("4"), 400);
        assert_eq!(bp("0"), 0);
        assert_eq!(bp("100.00"), 10_000);
        assert_eq!(Rate::from_bp(385).unwrap().to_percent_string(), "3.85");
        assert_eq!(Rate::from_bp(400).unwrap().to_string(), "4.00");
    }

    #[test]
    fn out_of_range_or_malformed_rates_are_rejected() {
        for bad in ["-1", "100.01", "1000", "3.855", "3,85", "", "3.85%"] {
            assert_eq!(Rate::from_percent_str(bad).unwrap_err().code(), "INVALID_RATE", "{bad}");
        }
        assert!(Rate::from_bp(-1).is_err());
        assert!(Rate::from_bp(10_001).is_err());
    }

    proptest! {
        #[test]
        fn money_round_trips_through_yuan_string(fen in -99_999_999_999_999_999i64..=99_999_999_999_999_999) {
            let money = Money::from_fen(fen);
            prop_assert_eq!(Money::from_yuan_str(&money.to_yuan_string()).unwrap(), money);
        }

        #[test]
        fn rate_round_trips_through_percent_string(bp in 0i32..=Rate::MAX_BP) {
            let rate = Rate::from_bp(bp).unwrap();
            prop_assert_eq!(Rate::from_percent_str(&rate.to_percent_string()).unwrap(), rate);
        }
    }
}
