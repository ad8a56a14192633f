//! 存续主体名录 (the local register of market subjects): one imported row, and how a registration is
//! matched against the register for 实名认证 (real-name verification).

use chrono::NaiveDate;

use crate::person::name_match_key;
use crate::{DomainError, IndustryCode, RegionCode, RegistryStatus, SubjectKind, Uscc};

/// Columns a registry file must have (any order; others are ignored).
pub const REQUIRED_COLUMNS: [&str; 5] = ["uscc", "name", "kind", "region_code", "status"];
/// The snapshot column, required too.
pub const SNAPSHOT_COLUMN: &str = "snapshot_date";

/// Why an imported row was rejected: a stable code and a Chinese message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// Stable UPPER_SNAKE code, e.g. `INVALID_USCC`.
    pub code: &'static str,
    /// Explanation in Simplified Chinese.
    pub message: String,
}

impl RowError {
    /// A rejection with `code` and `message`.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }
}

impl From<DomainError> for RowError {
    fn from(err: DomainError) -> Self {
        match err {
            DomainError::Invalid { code, message, .. } | DomainError::InvalidState { code, message } => {
                Self { code, message }
            }
            DomainError::Forbidden { message } => Self { code: "FORBIDDEN", message },
        }
    }
}

/// A required cell, or `MISSING_FIELD`.
pub fn required<'a>(value: Option<&'a str>, column: &str) -> Result<&'a str, RowError> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| RowError::new("MISSING_FIELD", format!("缺少必填字段 {column}")))
}

/// An optional cell: absent or blank is `None`.
pub fn optional(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// A `YYYY-MM-DD` cell.
pub fn parse_date(value: &str, column: &str) -> Result<NaiveDate, RowError> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map_err(|_| RowError::new("INVALID_DATE", format!("{column} 日期格式须为 YYYY-MM-DD")))
}

/// One valid row of a registry snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryRow {
    /// 统一社会信用代码.
    pub uscc: Uscc,
    /// Registered name.
    pub name: String,
    /// Subject kind.
    pub kind: SubjectKind,
    /// County or town code.
    pub region: RegionCode,
    /// GB/T 4754-2017 industry.
    pub industry: Option<IndustryCode>,
    /// 法定代表人 / 经营者 name.
    pub legal_rep_name: Option<String>,
    /// 成立日期.
    pub established_on: Option<NaiveDate>,
    /// 存续 / 注销 / 吊销.
    pub status: RegistryStatus,
    /// The snapshot this row belongs to; with the USCC, the natural key.
    pub snapshot_date: NaiveDate,
}

impl RegistryRow {
    /// Validates one row; `get` returns the cell of a named column.
    pub fn parse<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Result<Self, RowError> {
        let uscc = Uscc::parse(required(get("uscc"), "uscc")?)?;
        let name = crate::person::parse_subject_name(required(get("name"), "name")?, "name")?;
        let kind = SubjectKind::parse_field(required(get("kind"), "kind")?, "kind")?;
        if uscc.subject_kind().is_some_and(|k| k != kind) {
            return Err(RowError::new("KIND_MISMATCH", "主体类型与统一社会信用代码第2位不一致"));
        }
        let region = RegionCode::parse(required(get("region_code"), "region_code")?)?;
        let industry = optional(get("industry_code")).map(IndustryCode::parse).transpose()?;
        let legal_rep_name = optional(get("legal_rep_name")).map(str::to_string);
        let snapshot_date = parse_date(required(get(SNAPSHOT_COLUMN), SNAPSHOT_COLUMN)?, SNAPSHOT_COLUMN)?;
        let established_on = optional(get("established_on")).map(|d| parse_date(d, "established_on")).transpose()?;
        if established_on.is_some_and(|d| d > snapshot_date) {
            return Err(RowError::new("INVALID_DATE", "成立日期不能晚于名录快照日期"));
        }
        let status = RegistryStatus::parse_field(required(get("status"), "status")?, "status")?;
        Ok(Self { uscc, name, kind, region, industry, legal_rep_name, established_on, status, snapshot_date })
    }
}

/// What the register says about a subject, as far as verification needs it.
#[derive(Debug, Clone, Copy)]
pub struct RegistryFacts<'a> {
    /// Registered name.
    pub name: &'a str,
    /// Legal representative, when the register has one.
    pub legal_rep_name: Option<&'a str>,
    /// Latest status.
    pub status: RegistryStatus,
}

/// Why a registration goes to the review queue instead of being verified at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewReason {
    /// The USCC is not in the register (yet).
    NotInRegistry,
    /// The name differs from the register's.
    NameMismatch,
    /// The legal representative differs from, or is missing in, the register.
    LegalRepMismatch,
}

impl ReviewReason {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::NotInRegistry => "NOT_IN_REGISTRY",
            Self::NameMismatch => "NAME_MISMATCH",
            Self::LegalRepMismatch => "LEGAL_REP_MISMATCH",
        }
    }

    /// Explanation in Simplified Chinese.
    pub fn message(self) -> &'static str {
        match self {
            Self::NotInRegistry => "存续主体名录中未找到该统一社会信用代码，待人工审核",
            Self::NameMismatch => "主体名称与存续主体名录不一致，待人工审核",
            Self::LegalRepMismatch => "法定代表人与存续主体名录不一致，待人工审核",
        }
    }
}

/// The outcome of matching a registration against the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistryMatch {
    /// Name and legal representative match a subject in 存续 status: verified at once.
    Verified,
    /// Needs a reviewer.
    Review(ReviewReason),
}

/// Decide how a registration of `name` with legal representative `legal_rep` is verified.
/// A cancelled or revoked subject cannot register at all.
pub fn match_registry(
    facts: Option<RegistryFacts<'_>>,
    name: &str,
    legal_rep: &str,
) -> Result<RegistryMatch, DomainError> {
    let Some(facts) = facts else {
        return Ok(RegistryMatch::Review(ReviewReason::NotInRegistry));
    };
    match facts.status {
        RegistryStatus::Active => {}
        RegistryStatus::Cancelled => {
            return Err(DomainError::invalid_state("REGISTRY_CANCELLED", "该主体在存续主体名录中已注销，不能注册"));
        }
        RegistryStatus::Revoked => {
            return Err(DomainError::invalid_state("REGISTRY_REVOKED", "该主体营业执照已被吊销，不能注册"));
        }
    }
    if name_match_key(facts.name) != name_match_key(name) {
        return Ok(RegistryMatch::Review(ReviewReason::NameMismatch));
    }
    if facts.legal_rep_name.map(name_match_key) != Some(name_match_key(legal_rep)) {
        return Ok(RegistryMatch::Review(ReviewReason::LegalRepMismatch));
    }
    Ok(RegistryMatch::Verified)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    const USCC: &str = "91350100M000100Y43";

    fn row(pairs: &[(&str, &str)]) -> Result<RegistryRow, RowError> {
        let map: HashMap<&str, &str> = pairs.iter().copied().collect();
        RegistryRow::parse(|c| map.get(c).copied())
    }

    fn good() -> Vec<(&'static str, &'static str)> {
        vec![
            ("uscc", USCC),
            ("name", "福州某某有限公司"),
            ("kind", "企业"),
            ("region_code", "350100"),
            ("industry_code", "C1391"),
            ("legal_rep_name", "张三"),
            ("established_on", "2015-03-02"),
            ("status", "存续"),
            ("snapshot_date", "2026-10-31"),
        ]
    }

    #[test]
    fn a_good_row_parses_with_chinese_labels() {
        let r = row(&good()).unwrap();
        assert_eq!(r.kind, SubjectKind::Enterprise);
        assert_eq!(r.status, RegistryStatus::Active);
    }

    #[test]
    fn bad_cells_give_their_codes() {
        let cases = [
            ("uscc", "91350100M000100Y44", "INVALID_USCC"),
            ("kind", "个体工商户", "KIND_MISMATCH"),
            ("region_code", "35A100", "INVALID_REGION_CODE"),
            ("status", "歇业", "INVALID_ENUM"),
            ("snapshot_date", "2026/10/31", "INVALID_DATE"),
            ("established_on", "2027-01-01", "INVALID_DATE"),
            ("name", "", "MISSING_FIELD"),
        ];
        for (column, value, code) in cases {
            let mut cells = good();
            cells.retain(|(c, _)| *c != column);
            cells.push((column, value));
            assert_eq!(row(&cells).unwrap_err().code, code, "{column}={value}");
        }
    }

    fn facts(status: RegistryStatus) -> RegistryFacts<'static> {
        RegistryFacts { name: "雷州市（某某）有限公司", legal_rep_name: Some("张三"), status }
    }

    #[test]
    fn a_matching_registration_is_verified_at_once() {
        assert_eq!(
            match_registry(Some(facts(RegistryStatus::Active)), "雷州市(某某)有限公司", "张三"),
            Ok(RegistryMatch::Verified)
        );
    }

    #[test]
    fn mismatches_go_to_review_with_a_reason() {
        let f = Some(facts(RegistryStatus::Active));
        assert_eq!(match_registry(f, "别的公司", "张三"), Ok(RegistryMatch::Review(ReviewReason::NameMismatch)));
        assert_eq!(
            match_registry(f, "雷州市(某某)有限公司", "李四"),
            Ok(RegistryMatch::Review(ReviewReason::LegalRepMismatch))
        );
        assert_eq!(match_registry(None, "x", "y"), Ok(RegistryMatch::Review(ReviewReason::NotInRegistry)));
    }

    #[test]
    fn cancelled_and_revoked_subjects_cannot_register() {
        for status in [RegistryStatus::Cancelled, RegistryStatus::Revoked] {
            assert!(matches!(
                match_registry(Some(facts(status)), "雷州市(某某)有限公司", "张三"),
                Err(DomainError::InvalidState { .. })
            ));
        }
    }
}
