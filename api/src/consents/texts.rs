//! The consent texts (授权书) a subject is shown and signs, one file per version under `api/consent-texts/`
//! (front matter `version`, `title`, `published`, optionally `kind`, then the Chinese body), built into the
//! binary. Two kinds: what a consent to a bank signs (`SHARING`, the default), and what a natural person signs
//! to let the tax bureau send their income tax to the platform (`TAX_COLLECTION`). A signature is of the
//! current (newest) version of its kind; older versions stay readable, and every consent and authorization
//! keeps the SHA-256 of the body it signed.

use std::sync::LazyLock;

use chrono::NaiveDate;
use sha2::{Digest, Sha256};
use xyd_reasons::Reason;

use crate::error::{AppError, AppResult};

/// The files, oldest first. A new version is a new file and a new line here.
const FILES: &[(&str, &str)] = &[
    ("2026-01.md", include_str!("../../consent-texts/2026-01.md")),
    ("2026-11.md", include_str!("../../consent-texts/2026-11.md")),
    ("tax-collection-2026-12.md", include_str!("../../consent-texts/tax-collection-2026-12.md")),
];

/// What a text authorizes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextKind {
    /// An institution's use of the subject's data (`grantConsent`, a demand's sharing).
    Sharing,
    /// The tax bureau's sending a person's income-tax summaries to the platform (`authorizeTaxCollection`).
    TaxCollection,
}

/// One version of the consent text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsentText {
    pub kind: TextKind,
    pub version: String,
    pub title: String,
    pub body: String,
    /// Hex SHA-256 of `body`.
    pub sha256: String,
    pub published_on: NaiveDate,
}

static TEXTS: LazyLock<Vec<ConsentText>> = LazyLock::new(|| {
    let mut texts: Vec<ConsentText> =
        FILES.iter().map(|(name, raw)| parse(raw).unwrap_or_else(|e| panic!("consent text {name}: {e}"))).collect();
    texts.sort_by(|a, b| a.published_on.cmp(&b.published_on).then_with(|| a.version.cmp(&b.version)));
    texts
});

/// Every version, oldest first.
pub fn all() -> &'static [ConsentText] {
    &TEXTS
}

const _: () = assert!(!FILES.is_empty(), "at least one consent text is built in");

/// The version consents to institutions must sign: the newest sharing text.
pub fn current() -> &'static ConsentText {
    current_of(TextKind::Sharing)
}

/// The newest text of `kind`.
pub fn current_of(kind: TextKind) -> &'static ConsentText {
    match TEXTS.iter().rev().find(|t| t.kind == kind) {
        Some(text) => text,
        None => unreachable!("FILES holds a text of each kind (tested)"),
    }
}

/// The text of `version`, if there is one.
pub fn find(version: &str) -> Option<&'static ConsentText> {
    TEXTS.iter().find(|t| t.version == version)
}

/// The current sharing text, when `version` names it; BAD_USER_INPUT on `field` naming the current version
/// otherwise.
pub fn require_current(version: &str, field: &str) -> AppResult<&'static ConsentText> {
    require_current_of(TextKind::Sharing, version, field)
}

/// The current text of `kind`, when `version` names it; BAD_USER_INPUT on `field` otherwise.
pub fn require_current_of(kind: TextKind, version: &str, field: &str) -> AppResult<&'static ConsentText> {
    let (version, current) = (version.trim(), current_of(kind));
    if version == current.version {
        return Ok(current);
    }
    let reason = match find(version) {
        Some(_) => Reason::OutdatedTextVersion { version: version.to_string(), current: current.version.clone() },
        None => Reason::UnknownTextVersion { current: current.version.clone() },
    };
    Err(AppError::input(field, reason))
}

/// Read one file: `---`, `key: value` lines, `---`, then the body.
fn parse(raw: &str) -> Result<ConsentText, String> {
    let rest = raw.strip_prefix("---\n").ok_or("missing front matter")?;
    let (head, body) = rest.split_once("\n---\n").ok_or("unterminated front matter")?;
    let field = |key: &str| {
        head.lines()
            .find_map(|l| l.strip_prefix(key).and_then(|v| v.strip_prefix(':')).map(|v| v.trim().to_string()))
            .ok_or_else(|| format!("missing {key}"))
    };
    let body = body.trim().to_string();
    if body.is_empty() {
        return Err("empty body".into());
    }
    let published_on = NaiveDate::parse_from_str(&field("published")?, "%Y-%m-%d").map_err(|e| e.to_string())?;
    let kind = match field("kind").as_deref() {
        Err(_) | Ok("SHARING") => TextKind::Sharing,
        Ok("TAX_COLLECTION") => TextKind::TaxCollection,
        Ok(other) => return Err(format!("unknown kind {other}")),
    };
    Ok(ConsentText {
        kind,
        version: field("version")?,
        title: field("title")?,
        sha256: hex::encode(Sha256::digest(body.as_bytes())),
        body,
        published_on,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_parses_and_versions_are_distinct() {
        let versions: Vec<&str> = all().iter().map(|t| t.version.as_str()).collect();
        let mut distinct = versions.clone();
        distinct.dedup();
        assert_eq!(versions, distinct);
        assert!(all().iter().all(|t| t.body.contains("撤回") && t.sha256.len() == 64));
        for kind in [TextKind::Sharing, TextKind::TaxCollection] {
            let newest = all().iter().rfind(|t| t.kind == kind).unwrap();
            assert_eq!(current_of(kind), newest);
        }
        assert_eq!(current().kind, TextKind::Sharing);
    }

    #[test]
    fn the_first_version_keeps_the_hash_its_consents_were_signed_with() {
        // Consents granted before texts became files stored this digest of the 2026-01 body.
        let first = find("2026-01").unwrap();
        assert!(first.body.starts_with("本企业授权被授权机构在授权期限内"));
        assert!(!first.body.contains('\n'));
    }

    #[test]
    fn only_the_current_version_may_be_signed() {
        assert!(require_current(&current().version, "v").is_ok());
        let old = require_current("2026-01", "input.textVersion").unwrap_err();
        assert!(old.message().contains(&current().version), "{}", old.message());
        assert!(require_current("1999-01", "v").is_err());
    }
}
