//! 统一社会信用代码 (USCC, unified social credit code) per GB 32100-2015.

use xyd_reasons::Reason;

use crate::{DomainError, SubjectKind};

/// The 31 characters a USCC may use: digits and upper-case letters except I, O, Z, S, V.
const CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights of positions 1–17 in the check-character sum (3^i mod 31).
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

const FIELD: &str = "uscc";

/// 统一社会信用代码 (USCC): the 18-character key of a 市场主体 (market subject).
///
/// Layout: 1 registering authority (登记管理部门), 2 kind (机构类别), 3–8 county (GB/T 2260),
/// 9–17 organization code (主体标识码), 18 check character.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uscc(String);

crate::text_value::text_value!(Uscc);

impl Uscc {
    /// Parses a USCC, trimming surrounding whitespace and upper-casing letters.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let code = input.trim().to_ascii_uppercase();
        let values = char_values(&code, 18)?;
        let (body, check) = values.split_at(17);
        if check != [check_value(body)] {
            return Err(invalid(Reason::UsccCheck));
        }
        Ok(Self(code))
    }

    /// Assembles a USCC from its parts and appends the computed check character
    /// (for synthetic data): `county` must be 6 and `org9` 9 characters from the USCC set.
    pub fn from_parts(authority: char, kind: char, county: &str, org9: &str) -> Result<Self, DomainError> {
        if county.chars().count() != 6 {
            return Err(invalid(Reason::UsccCountyLength));
        }
        if org9.chars().count() != 9 {
            return Err(invalid(Reason::UsccOrgLength));
        }
        let mut code = format!("{authority}{kind}{county}{org9}");
        let values = char_values(&code, 17)?;
        code.push(char::from(CHARSET[check_value(&values)]));
        Ok(Self(code))
    }

    /// Position 1: the registering authority (登记管理部门代码), `'9'` for market regulation.
    pub fn authority(&self) -> char {
        self.char_at(0)
    }

    /// Position 2: the kind of organization (机构类别代码) within the authority.
    pub fn kind_char(&self) -> char {
        self.char_at(1)
    }

    /// The market-subject kind encoded by positions 1–2, if registered by market regulation
    /// (`91` enterprise, `92` individual business, `93` farmer cooperative).
    pub fn subject_kind(&self) -> Option<SubjectKind> {
        match (self.authority(), self.kind_char()) {
            ('9', '1') => Some(SubjectKind::Enterprise),
            ('9', '2') => Some(SubjectKind::IndividualBusiness),
            ('9', '3') => Some(SubjectKind::FarmerCooperative),
            _ => None,
        }
    }

    /// Positions 3–8: the registering county's administrative division code (GB/T 2260).
    pub fn county_code(&self) -> &str {
        &self.0[2..8]
    }

    /// The area of the registering authority (positions 3–8): a county authority covers its county, a
    /// city-level one (`xxxx00`) its city's counties, a provincial one (`xx0000`) its province.
    pub fn authority_area(&self) -> Option<crate::RegionPrefix> {
        // The widest reading: the authority of 441900 is 东莞市 even though its one county shares the code.
        let area = crate::RegionPrefix::readings(self.county_code()).last()?;
        crate::RegionPrefix::parse(area).ok()
    }

    /// Whether a subject with this code may declare `region`: when the register has an entry (`registered`),
    /// the two must agree (one the same as or inside the other: a county and a town of it); otherwise the
    /// region must lie inside the area of the code's registering authority.
    pub fn admits_region(&self, region: &crate::RegionCode, registered: Option<&crate::RegionCode>) -> bool {
        match registered {
            Some(entry) => entry.as_str().starts_with(region.as_str()) || region.as_str().starts_with(entry.as_str()),
            None => self.authority_area().is_some_and(|area| area.contains(region)),
        }
    }

    /// Positions 9–17: the organization code (主体标识码/组织机构代码).
    pub fn org_code(&self) -> &str {
        &self.0[8..17]
    }

    // The code is validated ASCII of length 18, so byte indexing is char indexing.
    fn char_at(&self, index: usize) -> char {
        char::from(self.0.as_bytes()[index])
    }
}

/// Computes the check character (校验码) for the first 17 characters of a USCC, or `None` when
/// `first17` is not exactly 17 characters from the USCC set (upper case only).
pub fn check_char(first17: &str) -> Option<char> {
    let values = char_values(first17, 17).ok()?;
    Some(char::from(CHARSET[check_value(&values)]))
}

/// Maps each character to its value in the set, checking the length first.
fn char_values(code: &str, len: usize) -> Result<Vec<usize>, DomainError> {
    let actual = code.chars().count();
    if actual != len {
        return Err(invalid(Reason::UsccLength { actual }));
    }
    code.chars()
        .enumerate()
        .map(|(i, c)| value_of(c).ok_or_else(|| invalid(Reason::UsccCharacter { position: i + 1, character: c })))
        .collect()
}

fn value_of(c: char) -> Option<usize> {
    u8::try_from(c).ok().and_then(|b| CHARSET.iter().position(|&x| x == b))
}

/// c18 = 31 − (Σ value·weight mod 31), where 31 maps to 0.
fn check_value(first17: &[usize]) -> usize {
    let sum: usize = first17.iter().zip(WEIGHTS).map(|(&v, w)| v * w as usize).sum();
    (31 - sum % 31) % 31
}

fn invalid(reason: Reason) -> DomainError {
    DomainError::invalid(FIELD, reason)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn real_codes_parse() {
        for code in ["91350100M000100Y43", "91110000802100433B", "91440300192241158P"] {
            assert_eq!(Uscc::parse(code).unwrap().as_str(), code);
        }
    }

    #[test]
    fn parse_trims_and_uppercases() {
        let uscc = Uscc::parse("  91350100m000100y43\n").unwrap();
        assert_eq!(uscc.as_str(), "91350100M000100Y43");
    }

    #[test]
    fn accessors_split_the_layout() {
        let uscc = Uscc::parse("91350100M000100Y43").unwrap();
        assert_eq!(uscc.authority(), '9');
        assert_eq!(uscc.kind_char(), '1');
        assert_eq!(uscc.subject_kind(), Some(SubjectKind::Enterprise));
        assert_eq!(uscc.county_code(), "350100");
        assert_eq!(uscc.org_code(), "M000100Y4");
    }

    #[test]
    fn non_market_authority_has_no_subject_kind() {
        let uscc = Uscc::from_parts('1', '1', "110000", "000013216").unwrap();
        assert_eq!(uscc.subject_kind(), None);
        let cooperative = Uscc::from_parts('9', '3', "350100", "MA0000001").unwrap();
        assert_eq!(cooperative.subject_kind(), Some(SubjectKind::FarmerCooperative));
    }

    #[test]
    fn wrong_length_is_rejected_with_the_length() {
        let err = Uscc::parse("91350100M000100Y4").unwrap_err();
        assert!(err.to_string().contains("实际为17位"), "{err}");
        assert_eq!(err.code(), "INVALID_USCC");
    }

    #[test]
    fn illegal_character_is_rejected_with_its_position() {
        let err = Uscc::parse("91350100M000100O43").unwrap_err();
        assert!(err.to_string().contains("第16位"), "{err}");
        let err = Uscc::parse("9135010０M000100Y43").unwrap_err();
        assert!(err.to_string().contains("第8位"), "{err}");
    }

    #[test]
    fn check_digit_mismatch_is_rejected() {
        let err = Uscc::parse("91350100M000100Y44").unwrap_err();
        assert!(err.to_string().contains("校验位"), "{err}");
        assert!(Uscc::parse("911100001000013216").is_err());
    }

    #[test]
    fn check_char_matches_known_code_and_rejects_bad_input() {
        assert_eq!(check_char("91110000802100433"), Some('B'));
        assert_eq!(check_char("9111000080210043"), None);
        assert_eq!(check_char("9111000080210043I"), None);
    }

    #[test]
    fn from_parts_rejects_wrong_part_lengths() {
        assert!(Uscc::from_parts('9', '1', "35010", "M000100Y4").is_err());
        assert!(Uscc::from_parts('9', '1', "350100", "M000100Y").is_err());
        assert!(Uscc::from_parts('9', '1', "350100", "M000100YI").is_err());
    }

    #[test]
    fn deserialization_validates() {
        use serde::Deserialize;
        use serde::de::IntoDeserializer;
        use serde::de::value::{Error, StrDeserializer};

        let ok: StrDeserializer<'_, Error> = "91110000802100433B".into_deserializer();
        assert_eq!(Uscc::deserialize(ok).unwrap().as_str(), "91110000802100433B");
        let bad: StrDeserializer<'_, Error> = "91110000802100433C".into_deserializer();
        assert!(Uscc::deserialize(bad).is_err());
    }

    const SET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    fn body17() -> impl Strategy<Value = String> {
        proptest::collection::vec(proptest::sample::select(SET.chars().collect::<Vec<_>>()), 17)
            .prop_map(|chars| chars.into_iter().collect())
    }

    proptest! {
        #[test]
        fn every_generated_code_parses(body in body17()) {
            let code = format!("{body}{}", check_char(&body).unwrap());
            let parsed = Uscc::parse(&code).unwrap();
            prop_assert_eq!(parsed.as_str(), code.as_str());
        }

        #[test]
        fn every_single_character_change_is_rejected(
            body in body17(),
            position in 0usize..18,
            offset in 1usize..31,
        ) {
            let code = format!("{body}{}", check_char(&body).unwrap());
            let mut chars: Vec<char> = code.chars().collect();
            let old = SET.find(chars[position]).unwrap();
            chars[position] = SET.as_bytes()[(old + offset) % 31] as char;
            let changed: String = chars.into_iter().collect();
            prop_assert!(Uscc::parse(&changed).is_err(), "{} accepted", changed);
        }
    }

    #[test]
    fn a_declared_region_agrees_with_the_register_or_the_registering_authority() {
        let code = |county: &str| Uscc::from_parts('9', '1', county, "MA0000001").unwrap();
        let region = |r: &str| crate::RegionCode::parse(r).unwrap();
        let county = code("440882");
        assert!(county.admits_region(&region("440882100"), None));
        assert!(!county.admits_region(&region("650102001"), None));
        assert!(!county.admits_region(&region("440823"), None));
        let city = code("440800");
        assert!(city.admits_region(&region("440882"), None) && city.admits_region(&region("440823100"), None));
        assert!(!city.admits_region(&region("440100"), None));
        let registered = region("440882100");
        assert!(county.admits_region(&region("440882"), Some(&registered)));
        assert!(county.admits_region(&region("440882100"), Some(&registered)));
        assert!(!county.admits_region(&region("440882101"), Some(&registered)));
        assert!(!city.admits_region(&region("440823"), Some(&registered)));
    }
}
