//! 国民经济行业分类 (industry classification, GB/T 4754-2017).

use xyd_reasons::Reason;

use crate::DomainError;

/// Sections (门类) with the range of their two-digit divisions (大类); together they tile 01–98.
const SECTIONS: [(char, u8, u8); 20] = [
    ('A', 1, 5),
    ('B', 6, 12),
    ('C', 13, 43),
    ('D', 44, 46),
    ('E', 47, 50),
    ('F', 51, 52),
    ('G', 53, 60),
    ('H', 61, 62),
    ('I', 63, 65),
    ('J', 66, 69),
    ('K', 70, 70),
    ('L', 71, 72),
    ('M', 73, 75),
    ('N', 76, 79),
    ('O', 80, 82),
    ('P', 83, 83),
    ('Q', 84, 85),
    ('R', 86, 90),
    ('S', 91, 97),
    ('T', 98, 98),
];

/// 行业代码 (industry code, GB/T 4754-2017): a section (门类) letter alone ("C") or followed by
/// a division (大类, "C13"), group (中类, "C139") or class (小类, "C1391").
///
/// Always stored with its section letter; a bare numeric code such as "1391" is accepted
/// and normalized to "C1391".
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IndustryCode(String);

crate::text_value::text_value!(IndustryCode);

impl IndustryCode {
    /// Parses a section letter optionally followed by 2–4 digits, or 2–4 bare digits whose
    /// division determines the section. Whitespace is trimmed and the letter upper-cased.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let code = input.trim().to_ascii_uppercase();
        let (letter, digits) = match code.chars().next() {
            Some(c) if c.is_ascii_alphabetic() => (Some(c), &code[1..]),
            _ => (None, code.as_str()),
        };
        let digits_ok = digits.bytes().all(|b| b.is_ascii_digit())
            && match letter {
                Some(_) => matches!(digits.len(), 0 | 2 | 3 | 4),
                None => matches!(digits.len(), 2..=4),
            };
        if !digits_ok {
            return Err(invalid(Reason::IndustryCodeShape { code: code.clone() }));
        }
        let division = digits.get(..2).and_then(|d| d.parse::<u8>().ok());
        let section = match (letter, division) {
            (Some(letter), None) => SECTIONS
                .iter()
                .any(|&(s, _, _)| s == letter)
                .then_some(letter)
                .ok_or_else(|| invalid(Reason::IndustrySection { letter }))?,
            (letter, Some(division)) => {
                let section = section_of(division)
                    .ok_or_else(|| invalid(Reason::IndustryDivision { division: format!("{division:02}") }))?;
                if letter.is_some_and(|l| l != section) {
                    return Err(invalid(Reason::IndustryDivisionSection {
                        code: code.clone(),
                        division: format!("{division:02}"),
                        section,
                    }));
                }
                section
            }
            (None, None) => return Err(invalid(Reason::IndustryCodeEmpty)),
        };
        Ok(Self(format!("{section}{digits}")))
    }

    /// The section (门类) letter, A–T.
    pub fn section(&self) -> char {
        char::from(self.0.as_bytes()[0])
    }

    /// Whether this code (a product's listed industry, possibly a section or a shorter
    /// prefix) covers `other` (a subject's industry): same section, and `other`'s digits
    /// start with this code's digits.
    pub fn matches(&self, other: &IndustryCode) -> bool {
        other.0.starts_with(&self.0)
    }
}

/// The Chinese name of a section (门类), e.g. 'C' → "制造业".
pub fn section_name(section: char) -> Option<&'static str> {
    let i = SECTIONS.iter().position(|&(s, _, _)| s == section)?;
    SECTION_NAMES.get(i).copied()
}

/// Section names in the order of `SECTIONS`.
const SECTION_NAMES: [&str; 20] = [
    "农、林、牧、渔业",
    "采矿业",
    "制造业",
    "电力、热力、燃气及水生产和供应业",
    "建筑业",
    "批发和零售业",
    "交通运输、仓储和邮政业",
    "住宿和餐饮业",
    "信息传输、软件和信息技术服务业",
    "金融业",
    "房地产业",
    "租赁和商务服务业",
    "科学研究和技术服务业",
    "水利、环境和公共设施管理业",
    "居民服务、修理和其他服务业",
    "教育",
    "卫生和社会工作",
    "文化、体育和娱乐业",
    "公共管理、社会保障和社会组织",
    "国际组织",
];

fn section_of(division: u8) -> Option<char> {
    SECTIONS.iter().find(|&&(_, first, last)| (first..=last).contains(&division)).map(|&(section, _, _)| section)
}

fn invalid(reason: Reason) -> DomainError {
    DomainError::invalid("industryCode", reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> IndustryCode {
        IndustryCode::parse(s).unwrap()
    }

    #[test]
    fn section_and_each_level_parse() {
        for s in ["C", "C13", "C139", "C1391", "A01", "K70", "T98", "S9700"] {
            assert_eq!(code(s).as_str(), s);
        }
        assert_eq!(code(" c1391 ").as_str(), "C1391");
    }

    #[test]
    fn every_section_has_a_name() {
        assert!(SECTIONS.iter().all(|&(s, _, _)| section_name(s).is_some()));
        assert_eq!(section_name('C'), Some("制造业"));
        assert_eq!(section_name('T'), Some("国际组织"));
        assert_eq!(section_name('Z'), None);
    }

    #[test]
    fn bare_digits_get_their_section() {
        assert_eq!(code("1391").as_str(), "C1391");
        assert_eq!(code("0511").section(), 'A');
        assert_eq!(code("70").as_str(), "K70");
    }

    #[test]
    fn division_outside_its_section_is_rejected() {
        let err = IndustryCode::parse("A13").unwrap_err();
        assert_eq!(err.code(), "INVALID_INDUSTRY_CODE");
        assert!(err.to_string().contains("门类C"), "{err}");
        assert!(IndustryCode::parse("C44").is_err());
        assert!(IndustryCode::parse("C1291").is_err());
    }

    #[test]
    fn malformed_codes_are_rejected() {
        for bad in ["", "U", "Z", "C1", "C13911", "1", "13911", "00", "99", "C1a", "CC13", "C-13"] {
            assert!(IndustryCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn product_code_covers_narrower_subject_codes() {
        let subject = code("C1391");
        for product in ["C", "C13", "C139", "C1391"] {
            assert!(code(product).matches(&subject), "{product}");
        }
        assert!(!code("C14").matches(&subject));
        assert!(!code("A").matches(&subject));
        assert!(!code("C1391").matches(&code("C13")));
    }
}
