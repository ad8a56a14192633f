//! 行政区划代码 (administrative division codes, GB/T 2260) and prefixes for jurisdictions.

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
            return Err(DomainError::invalid(
                "regionCode",
                "INVALID_REGION_CODE",
                format!("行政区划代码“{code}”不正确，应为6位区县代码或9位乡镇代码（仅限数字）"),
            ));
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
                "INVALID_REGION_CODE",
                format!("行政区划前缀“{prefix}”不正确，应为2、4、6或9位数字（省、市、区县或乡镇）"),
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
    fn a_code_is_its_own_prefix() {
        let code = RegionCode::parse("350102001").unwrap();
        let prefix = RegionPrefix::from(&code);
        assert!(prefix.contains(&code));
        assert_eq!(prefix.next_level_len(), None);
    }
}
