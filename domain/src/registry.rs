//! 存续主体名录 (the local register of market subjects): one imported row, and how a registration is
//! matched against the register for 实名认证 (real-name verification).

use chrono::NaiveDate;
use xyd_reasons::Reason;

use crate::person::name_match_key;
use crate::{DomainError, IdNumber, IndustryCode, RegionCode, RegistryStatus, SubjectKind, Uscc};

/// Columns a registry file must have (any order; others are ignored).
pub const REQUIRED_COLUMNS: [&str; 5] = ["uscc", "name", "kind", "region_code", "status"];
/// The snapshot column, required too.
pub const SNAPSHOT_COLUMN: &str = "snapshot_date";

/// Why an imported row was rejected: a reason of the reasons table (its code and Chinese message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError(pub Reason);

/// 重错码率 (erroneous code rate) of an import: rows with an invalid or a repeated code (`bad_rows`) over all
/// rows; none for an empty file.
pub fn erroneous_code_rate(total_rows: i64, bad_rows: i64) -> Option<f64> {
    (total_rows > 0).then(|| bad_rows as f64 / total_rows as f64)
}

impl RowError {
    /// The stable code, e.g. `INVALID_USCC`.
    pub fn code(&self) -> &'static str {
        self.0.code()
    }

    /// The explanation in Simplified Chinese.
    pub fn message(&self) -> String {
        self.0.message()
    }
}

impl From<DomainError> for RowError {
    fn from(err: DomainError) -> Self {
        match err {
            DomainError::Invalid { reason, .. } | DomainError::Refused(reason) => Self(reason),
        }
    }
}

/// A required cell, or `MISSING_FIELD`.
pub fn required<'a>(value: Option<&'a str>, column: &str) -> Result<&'a str, RowError> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| RowError(Reason::MissingField { column: column.to_string() }))
}

/// An optional cell: absent or blank is `None`.
pub fn optional(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// A `YYYY-MM-DD` cell.
pub fn parse_date(value: &str, column: &str) -> Result<NaiveDate, RowError> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map_err(|_| RowError(Reason::MalformedColumnDate { column: column.to_string() }))
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
    /// The legal representative's 居民身份证号码: held only until it is hashed with the data key on import.
    pub legal_rep_id_number: Option<IdNumber>,
    /// 成立日期.
    pub established_on: Option<NaiveDate>,
    /// 存续 / 注销 / 吊销.
    pub status: RegistryStatus,
    /// The snapshot this row belongs to; with the USCC, the natural key.
    pub snapshot_date: NaiveDate,
}

impl RegistryRow {
    /// Validates one row; `get` returns the cell of a named column. `today` is the current date in
    /// Asia/Shanghai: a snapshot cannot be dated after it (a future snapshot would stand as the newest one).
    pub fn parse<'a>(get: impl Fn(&str) -> Option<&'a str>, today: NaiveDate) -> Result<Self, RowError> {
        let uscc = Uscc::parse(required(get("uscc"), "uscc")?)?;
        let name = crate::person::parse_subject_name(required(get("name"), "name")?, "name")?;
        let kind = SubjectKind::parse_field(required(get("kind"), "kind")?, "kind")?;
        if !kind.has_uscc() || uscc.subject_kind().is_some_and(|k| k != kind) {
            return Err(RowError(Reason::KindMismatch));
        }
        let region = RegionCode::parse(required(get("region_code"), "region_code")?)?;
        let industry = optional(get("industry_code")).map(IndustryCode::parse).transpose()?;
        let legal_rep_name = optional(get("legal_rep_name")).map(str::to_string);
        let legal_rep_id_number = optional(get("legal_rep_id_number")).map(IdNumber::parse).transpose()?;
        let snapshot_date = parse_date(required(get(SNAPSHOT_COLUMN), SNAPSHOT_COLUMN)?, SNAPSHOT_COLUMN)?;
        if snapshot_date > today {
            return Err(RowError(Reason::SnapshotInFuture { today: today.to_string() }));
        }
        let established_on = optional(get("established_on")).map(|d| parse_date(d, "established_on")).transpose()?;
        if established_on.is_some_and(|d| d > snapshot_date) {
            return Err(RowError(Reason::EstablishedAfterSnapshot));
        }
        let status = RegistryStatus::parse_field(required(get("status"), "status")?, "status")?;
        Ok(Self {
            uscc,
            name,
            kind,
            region,
            industry,
            legal_rep_name,
            legal_rep_id_number,
            established_on,
            status,
            snapshot_date,
        })
    }
}

/// What the register says about a subject, as far as verification needs it.
#[derive(Debug, Clone, Copy)]
pub struct RegistryFacts<'a> {
    /// Registered name.
    pub name: &'a str,
    /// Legal representative, when the register has one.
    pub legal_rep_name: Option<&'a str>,
    /// The keyed hash of the legal representative's ID number, when the register has one.
    pub legal_rep_id_hash: Option<&'a str>,
    /// Latest status.
    pub status: RegistryStatus,
    /// The code also stands in another jurisdiction's latest snapshot (a cross-region 重错码).
    pub cross_region: bool,
}

/// What a registration claims, as far as matching needs it.
#[derive(Debug, Clone, Copy)]
pub struct Claim<'a> {
    /// The name typed.
    pub name: &'a str,
    /// The legal representative typed.
    pub legal_rep_name: &'a str,
    /// The keyed hash of the ID number typed, if one was given.
    pub legal_rep_id_hash: Option<&'a str>,
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
    /// The legal representative's ID number was not given, is not in the register, or differs.
    LegalRepIdMismatch,
    /// The code stands in the latest snapshots of two jurisdictions.
    CrossRegion,
    /// The region declared is not the registry's.
    RegionMismatch,
    /// Another registration of the same code waits for review too.
    CompetingRegistration,
}

impl ReviewReason {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::NotInRegistry => "NOT_IN_REGISTRY",
            Self::NameMismatch => "NAME_MISMATCH",
            Self::LegalRepMismatch => "LEGAL_REP_MISMATCH",
            Self::LegalRepIdMismatch => "LEGAL_REP_ID_MISMATCH",
            Self::CrossRegion => "CROSS_REGION_USCC",
            Self::RegionMismatch => "REGION_MISMATCH",
            Self::CompetingRegistration => "COMPETING_REGISTRATION",
        }
    }

    /// Explanation in Simplified Chinese.
    pub fn message(self) -> &'static str {
        match self {
            Self::NotInRegistry => "存续主体名录中未找到该统一社会信用代码，待人工审核",
            Self::NameMismatch => "主体名称与存续主体名录不一致，待人工审核",
            Self::LegalRepMismatch => "法定代表人与存续主体名录不一致，待人工审核",
            Self::LegalRepIdMismatch => "法定代表人身份证号码未提供或与存续主体名录不一致，待人工审核",
            Self::CrossRegion => "该统一社会信用代码同时出现在两个辖区的存续主体名录中（重错码），待人工审核",
            Self::RegionMismatch => "所在地区与存续主体名录不一致，待人工审核",
            Self::CompetingRegistration => "同一统一社会信用代码另有注册待审核，请核实哪一方为真实主体",
        }
    }
}

/// The outcome of matching a registration against the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistryMatch {
    /// Name, legal representative and the representative's ID number match a subject in 存续 status that
    /// stands in one jurisdiction only: verified at once.
    Verified,
    /// Needs a reviewer.
    Review(ReviewReason),
}

/// Decide how a registration `claim` is verified. Automatic verification rests on something the public
/// does not know: the legal representative's ID number, held by the register only as a keyed hash.
/// A cancelled or revoked subject cannot register at all.
pub fn match_registry(facts: Option<RegistryFacts<'_>>, claim: Claim<'_>) -> Result<RegistryMatch, DomainError> {
    let Some(facts) = facts else {
        return Ok(RegistryMatch::Review(ReviewReason::NotInRegistry));
    };
    match facts.status {
        RegistryStatus::Active => {}
        RegistryStatus::Cancelled => {
            return Err(DomainError::refused(Reason::RegistryCancelled));
        }
        RegistryStatus::Revoked => {
            return Err(DomainError::refused(Reason::RegistryRevoked));
        }
    }
    if facts.cross_region {
        return Ok(RegistryMatch::Review(ReviewReason::CrossRegion));
    }
    if name_match_key(facts.name) != name_match_key(claim.name) {
        return Ok(RegistryMatch::Review(ReviewReason::NameMismatch));
    }
    if facts.legal_rep_name.map(name_match_key) != Some(name_match_key(claim.legal_rep_name)) {
        return Ok(RegistryMatch::Review(ReviewReason::LegalRepMismatch));
    }
    match (facts.legal_rep_id_hash, claim.legal_rep_id_hash) {
        (Some(registered), Some(claimed)) if registered == claimed => Ok(RegistryMatch::Verified),
        _ => Ok(RegistryMatch::Review(ReviewReason::LegalRepIdMismatch)),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    const USCC: &str = "91350100M000100Y43";

    fn today() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    fn row(pairs: &[(&str, &str)]) -> Result<RegistryRow, RowError> {
        let map: HashMap<&str, &str> = pairs.iter().copied().collect();
        RegistryRow::parse(|c| map.get(c).copied(), today())
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
            ("snapshot_date", "2026-11-28", "INVALID_DATE"),
            ("snapshot_date", "2099-12-31", "INVALID_DATE"),
            ("legal_rep_id_number", "110105194912310021", "INVALID_ID_NUMBER"),
            ("name", "", "MISSING_FIELD"),
        ];
        for (column, value, code) in cases {
            let mut cells = good();
            cells.retain(|(c, _)| *c != column);
            cells.push((column, value));
            assert_eq!(row(&cells).unwrap_err().code(), code, "{column}={value}");
        }
    }

    fn facts(status: RegistryStatus) -> RegistryFacts<'static> {
        RegistryFacts {
            name: "雷州市（某某）有限公司",
            legal_rep_name: Some("张三"),
            legal_rep_id_hash: Some("h1"),
            status,
            cross_region: false,
        }
    }

    fn claim<'a>(name: &'a str, legal_rep_name: &'a str, id_hash: Option<&'a str>) -> Claim<'a> {
        Claim { name, legal_rep_name, legal_rep_id_hash: id_hash }
    }

    #[test]
    fn a_registration_matching_name_representative_and_id_number_is_verified_at_once() {
        assert_eq!(
            match_registry(Some(facts(RegistryStatus::Active)), claim("雷州市(某某)有限公司", "张三", Some("h1"))),
            Ok(RegistryMatch::Verified)
        );
    }

    #[test]
    fn mismatches_go_to_review_with_a_reason() {
        let f = Some(facts(RegistryStatus::Active));
        let review = |r| Ok(RegistryMatch::Review(r));
        assert_eq!(match_registry(f, claim("别的公司", "张三", Some("h1"))), review(ReviewReason::NameMismatch));
        assert_eq!(
            match_registry(f, claim("雷州市(某某)有限公司", "李四", Some("h1"))),
            review(ReviewReason::LegalRepMismatch)
        );
        assert_eq!(match_registry(None, claim("x", "y", None)), review(ReviewReason::NotInRegistry));
    }

    #[test]
    fn public_facts_alone_never_verify() {
        let name = "雷州市(某某)有限公司";
        let f = Some(facts(RegistryStatus::Active));
        for id in [None, Some("h2")] {
            assert_eq!(
                match_registry(f, claim(name, "张三", id)),
                Ok(RegistryMatch::Review(ReviewReason::LegalRepIdMismatch))
            );
        }
        let unhashed = Some(RegistryFacts { legal_rep_id_hash: None, ..facts(RegistryStatus::Active) });
        assert_eq!(
            match_registry(unhashed, claim(name, "张三", Some("h1"))),
            Ok(RegistryMatch::Review(ReviewReason::LegalRepIdMismatch))
        );
        let crossed = Some(RegistryFacts { cross_region: true, ..facts(RegistryStatus::Active) });
        assert_eq!(
            match_registry(crossed, claim(name, "张三", Some("h1"))),
            Ok(RegistryMatch::Review(ReviewReason::CrossRegion))
        );
    }

    #[test]
    fn cancelled_and_revoked_subjects_cannot_register() {
        for status in [RegistryStatus::Cancelled, RegistryStatus::Revoked] {
            assert!(matches!(
                match_registry(Some(facts(status)), claim("雷州市(某某)有限公司", "张三", Some("h1"))),
                Err(DomainError::Refused(_))
            ));
        }
    }
}
