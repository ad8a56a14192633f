//! People and names: 居民身份证号码, personal and subject names, phone numbers, and how they are masked.

use xyd_reasons::Reason;

use crate::DomainError;

/// 居民身份证号码 (resident identity card number, GB 11643-1999): 17 digits and a check character
/// (digit or `X`). Stored encrypted; shown masked.
#[derive(Clone, PartialEq, Eq)]
pub struct IdNumber(String);

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

impl IdNumber {
    /// Parses an 18-character ID number, verifying its check character.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let id = input.trim().to_ascii_uppercase();
        let invalid = |reason| DomainError::invalid("legalRepIdNumber", reason);
        if id.chars().count() != 18 {
            return Err(invalid(Reason::IdNumberLength));
        }
        let digits: Vec<u32> = id.chars().take(17).filter_map(|c| c.to_digit(10)).collect();
        if digits.len() != 17 {
            return Err(invalid(Reason::IdNumberDigits));
        }
        let sum: u32 = digits.iter().zip(ID_WEIGHTS).map(|(d, w)| d * w).sum();
        if !id.ends_with(ID_CHECK[(sum % 11) as usize]) {
            return Err(invalid(Reason::IdNumberCheck));
        }
        Ok(Self(id))
    }

    /// The number whose first seventeen digits are `first17`, with its check character computed (for
    /// generated data and tests).
    pub fn complete(first17: &str) -> Result<Self, DomainError> {
        let digits: Vec<u32> = first17.chars().filter_map(|c| c.to_digit(10)).collect();
        if digits.len() != 17 || first17.len() != 17 {
            return Err(DomainError::invalid("idNumber", Reason::IdNumberDigits));
        }
        let sum: u32 = digits.iter().zip(ID_WEIGHTS).map(|(d, w)| d * w).sum();
        Self::parse(&format!("{first17}{}", ID_CHECK[(sum % 11) as usize]))
    }

    /// The number itself, for encryption at rest only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The form shown to people: first four and last four characters, e.g. `4408**********123X`.
    pub fn masked(&self) -> String {
        mask_id_text(&self.0)
    }

    /// A natural person's number as the platform keeps and shows it: the six digits of the issuing county,
    /// eight stars over the birth date and sequence, and the last four, e.g. `440882********123X`.
    pub fn masked_keeping_county(&self) -> String {
        format!("{}********{}", &self.0[..6], &self.0[14..])
    }
}

impl std::fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

/// Masks any identity-document text, keeping its first and last four characters.
pub fn mask_id_text(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let hidden = chars.len() - 8;
    chars[..4].iter().chain(std::iter::repeat_n(&'*', hidden)).chain(&chars[chars.len() - 4..]).collect()
}

/// Masks a person's name for viewers without the right to see it: the surname's first character stays,
/// e.g. 张三 → 张*, 欧阳娜娜 → 欧***.
pub fn mask_person_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => std::iter::once(first).chain(chars.map(|_| '*')).collect(),
        None => String::new(),
    }
}

/// A person's name (e.g. 法定代表人姓名): 2–30 characters, `·` allowed for transliterated names.
pub fn parse_person_name(input: &str, field: &'static str) -> Result<String, DomainError> {
    let name = input.trim();
    let count = name.chars().count();
    if !(2..=30).contains(&count) || name.chars().any(|c| c.is_control() || c.is_ascii_digit()) {
        return Err(DomainError::invalid(field, Reason::InvalidPersonName));
    }
    Ok(name.to_string())
}

/// A market subject's registered name (主体名称): 2–100 characters.
pub fn parse_subject_name(input: &str, field: &'static str) -> Result<String, DomainError> {
    let name = input.trim();
    let count = name.chars().count();
    if !(2..=100).contains(&count) || name.chars().any(char::is_control) {
        return Err(DomainError::invalid(field, Reason::InvalidSubjectName));
    }
    Ok(name.to_string())
}

/// The form of a name used to compare it with the registry: full-width brackets and spaces folded.
pub fn name_match_key(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            other => other,
        })
        .collect()
}

/// A mainland mobile number: 11 digits starting with 1[3-9].
pub fn parse_phone(input: &str) -> Result<String, DomainError> {
    let phone = input.trim().trim_start_matches("+86").trim();
    let ok = phone.len() == 11
        && phone.chars().all(|c| c.is_ascii_digit())
        && phone.starts_with('1')
        && phone.as_bytes().get(1).is_some_and(|d| (b'3'..=b'9').contains(d));
    if ok { Ok(phone.to_string()) } else { Err(DomainError::invalid("phone", Reason::InvalidPhone)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_id_number_parses_and_masks() {
        let id = IdNumber::parse("11010519491231002x").unwrap();
        assert_eq!(id.expose(), "11010519491231002X");
        assert_eq!(id.masked(), "1101**********002X");
        assert_eq!(id.masked_keeping_county(), "110105********002X");
        assert_eq!(IdNumber::complete("11010519491231002").unwrap(), id);
        assert!(!format!("{id:?}").contains("19491231"));
    }

    #[test]
    fn a_wrong_check_character_is_rejected() {
        assert!(IdNumber::parse("110105194912310021").is_err());
        assert!(IdNumber::parse("1101051949123100").is_err());
    }

    #[test]
    fn names_are_masked_after_the_first_character() {
        assert_eq!(mask_person_name("张三"), "张*");
        assert_eq!(mask_person_name("欧阳娜娜"), "欧***");
    }

    #[test]
    fn registry_names_match_across_bracket_widths() {
        assert_eq!(name_match_key("雷州市（某某）有限公司"), name_match_key("雷州市(某某)有限公司 "));
    }

    #[test]
    fn phones_are_mainland_mobiles() {
        assert_eq!(parse_phone("+86 13800138000").unwrap(), "13800138000");
        assert!(parse_phone("12800138000").is_err());
        assert!(parse_phone("1380013800").is_err());
    }
}
