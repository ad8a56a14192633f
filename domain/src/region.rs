//! 行政区划代码 (administrative division codes, GB/T 2260) and prefixes for jurisdictions.
//!
//! The platform writes a division with the digits of its own level (the 统计用区划代码 cut to it): `44` 广东省,
//! `4408` 湛江市, `440882` 雷州市, `440882111` 调风镇. GB/T 2260 — what bureaus, banks and the region part of a
//! USCC use — writes every province, city and county with six digits, padding with zeros: `440000`, `440800`.
//! [`RegionPrefix::readings`] states how the one form maps to the other; only the table of divisions
//! (`xyd_divisions`) knows which reading exists, so parsing text from outside goes through it.

use xyd_reasons::Reason;

use crate::DomainError;

/// 行政区划代码 (region code): a 6-digit county code (区县, GB/T 2260) or a 9-digit
/// town code (乡镇/街道) whose first 6 digits are its county.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionCode(String);

crate::text_value::text_value!(RegionCode);

impl RegionCode {
    /// Parses a 6- or 9-digit region code, trimming surrounding whitespace.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let code = input.trim();
        if !all_digits(code) || !matches!(code.len(), 6 | 9) {
            return Err(DomainError::invalid("regionCode", Reason::InvalidRegionCode { code: code.to_owned() }));
        }
        Ok(Self(code.to_owned()))
    }

    /// The 6-digit county (区县) code this code belongs to.
    pub fn county(&self) -> &str {
        &self.0[..6]
    }

    /// Whether this is a 9-digit town (乡镇/街道) code.
    pub fn is_town(&self) -> bool {
        self.0.len() == 9
    }
}

/// 区划前缀 (region prefix): 2 digits for a province (省), 4 for a city (市), 6 for a county
/// (区县) or 9 for a town (乡镇). Used for jurisdictions, products' service areas and report filters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionPrefix(String);

crate::text_value::text_value!(RegionPrefix);

impl RegionPrefix {
    /// Parses a 2-, 4-, 6- or 9-digit prefix, trimming surrounding whitespace.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let prefix = input.trim();
        if !all_digits(prefix) || !matches!(prefix.len(), 2 | 4 | 6 | 9) {
            return Err(DomainError::invalid(
                "regionPrefix",
                Reason::InvalidRegionPrefix { prefix: prefix.to_owned() },
            ));
        }
        Ok(Self(prefix.to_owned()))
    }

    /// Whether `code` lies inside this area.
    pub fn contains(&self, code: &RegionCode) -> bool {
        code.as_str().starts_with(&self.0)
    }

    /// Whether the area `other` lies inside (or equals) this area.
    pub fn contains_prefix(&self, other: &RegionPrefix) -> bool {
        other.0.starts_with(&self.0)
    }

    /// The codes `text` may name in the platform's form, most specific first: itself, and for a six-digit
    /// GB/T 2260 code ending in `00` the city of its first four digits, ending in `0000` also the province
    /// of its first two (`440800` → `440800`, `4408`; `440000` → `440000`, `4400`, `44`). Which one is
    /// meant is the first that exists: a county may end in `00` too (`441900`, the one county of 东莞市).
    /// Any other text names only itself.
    pub fn readings(text: &str) -> impl Iterator<Item = &str> {
        let code = text.trim();
        let padded = code.len() == 6 && all_digits(code);
        let shorter = [4, 2].into_iter().filter(move |&len| padded && code[len..].bytes().all(|b| b == b'0'));
        std::iter::once(code).chain(shorter.map(move |len| &code[..len]))
    }

    /// The prefix length one administrative level down (2→4, 4→6, 6→9), `None` for a town.
    pub fn next_level_len(&self) -> Option<usize> {
        match self.0.len() {
            2 => Some(4),
            4 => Some(6),
            6 => Some(9),
            _ => None,
        }
    }
}

impl From<&RegionCode> for RegionPrefix {
    fn from(code: &RegionCode) -> Self {
        Self(code.0.clone())
    }
}

fn all_digits(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn county_and_town_codes_parse() {
        let county = RegionCode::parse("350102").unwrap();
        assert!(!county.is_town());
        assert_eq!(county.county(), "350102");
        let town = RegionCode::parse(" 350102001 ").unwrap();
        assert!(town.is_town());
        assert_eq!(town.county(), "350102");
        assert_eq!(town.as_str(), "350102001");
    }

    #[test]
    fn region_code_rejects_other_lengths_and_non_digits() {
        for bad in ["", "3501", "3501020", "35010200", "35010a", "３５０１０２", "350102 001"] {
            let err = RegionCode::parse(bad).unwrap_err();
            assert_eq!(err.code(), "INVALID_REGION_CODE", "{bad}");
        }
    }

    #[test]
    fn prefix_lengths_are_province_city_county_town() {
        for ok in ["35", "3501", "350102", "350102001"] {
            assert!(RegionPrefix::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["3", "350", "35010", "35010200", "3501020011", "a5"] {
            assert!(RegionPrefix::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn prefix_contains_codes_below_it() {
        let fuzhou = RegionPrefix::parse("3501").unwrap();
        assert!(fuzhou.contains(&RegionCode::parse("350102001").unwrap()));
        assert!(!fuzhou.contains(&RegionCode::parse("350202").unwrap()));
        assert!(fuzhou.contains_prefix(&RegionPrefix::parse("350102").unwrap()));
        assert!(fuzhou.contains_prefix(&fuzhou));
        assert!(!fuzhou.contains_prefix(&RegionPrefix::parse("35").unwrap()));
    }

    #[test]
    fn next_level_goes_down_one_tier() {
        let lens: Vec<_> = ["35", "3501", "350102", "350102001"]
            .iter()
            .map(|p| RegionPrefix::parse(p).unwrap().next_level_len())
            .collect();
        assert_eq!(lens, [Some(4), Some(6), Some(9), None]);
    }

    #[test]
    fn six_digit_codes_padded_with_zeros_may_name_a_city_or_a_province() {
        let readings = |text| RegionPrefix::readings(text).collect::<Vec<_>>();
        assert_eq!(readings("440800"), ["440800", "4408"]);
        assert_eq!(readings(" 440000 "), ["440000", "4400", "44"]);
        assert_eq!(readings("441900"), ["441900", "4419"]);
        for itself in ["440882", "44", "4408", "440882100", "440800100", "4400", "44080a", ""] {
            assert_eq!(readings(itself), [itself], "{itself}");
        }
    }

    #[test]
    fn a_code_is_its_own_prefix() {
        let code = RegionCode::parse("350102001").unwrap();
        let prefix = RegionPrefix::from(&code);
        assert!(prefix.contains(&code));
        assert_eq!(prefix.next_level_len(), None);
    }
}
