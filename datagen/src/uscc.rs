//! Synthetic 统一社会信用代码 (USCC): organization codes unique per index without remembering
//! the ones handed out, and deliberately wrong check characters.

use rand::Rng;
use xyd_domain::{DomainError, SubjectKind, Uscc};

use crate::random::{Stream, stream_rng};

/// The 31 characters a USCC may use (GB 32100-2015).
const CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Number of distinct 9-character organization codes (主体标识码): 31⁹.
const ORG_CODE_SPACE: u64 = 31u64.pow(9);

/// Feistel rounds; four make a pseudorandom permutation (Luby–Rackoff).
const ROUNDS: usize = 4;

/// Assigns each row index its own organization code (主体标识码) through a seeded
/// permutation of the 31⁹ possible codes, so codes look random yet never repeat.
#[derive(Debug, Clone)]
pub(crate) struct OrgCodes(Permutation);

impl OrgCodes {
    pub(crate) fn new(seed: u64) -> Self {
        Self(Permutation::new(seed, ORG_CODE_SPACE))
    }

    /// The organization code of `index`, or `None` once all 31⁹ codes are used up.
    pub(crate) fn code(&self, index: u64) -> Option<String> {
        let mut value = self.0.apply(index)?;
        let mut digits = [0u8; 9];
        for digit in digits.iter_mut().rev() {
            *digit = CHARSET[(value % 31) as usize];
            value /= 31;
        }
        Some(digits.iter().map(|&b| char::from(b)).collect())
    }
}

/// The USCC of a subject of `kind` registered by market regulation (登记管理部门 `9`) in `county`.
pub(crate) fn market_uscc(kind: SubjectKind, county: &str, org_code: &str) -> Result<Uscc, DomainError> {
    let kind_char = match kind {
        SubjectKind::Enterprise => '1',
        SubjectKind::IndividualBusiness => '2',
        SubjectKind::FarmerCooperative => '3',
        // A USCC never names a natural person.
        SubjectKind::NaturalPerson => return Err(DomainError::invalid("kind", xyd_reasons::Reason::KindMismatch)),
    };
    Uscc::from_parts('9', kind_char, county, org_code)
}

/// `code` with its check character (校验码) replaced by a different one, so that it fails
/// verification (`INVALID_USCC`) while still looking like a USCC.
pub(crate) fn with_wrong_check(code: &str, rng: &mut impl Rng) -> String {
    let (body, check) = code.split_at(code.len().saturating_sub(1));
    let position = CHARSET.iter().position(|&c| check.as_bytes() == [c]).unwrap_or(0);
    let wrong = CHARSET[(position + rng.random_range(1..CHARSET.len())) % CHARSET.len()];
    format!("{body}{}", char::from(wrong))
}

/// A keyed bijection of `0..domain`: a balanced Feistel network over the smallest even number
/// of bits covering the domain, cycle-walked (re-applied) until the value falls back inside.
#[derive(Debug, Clone)]
struct Permutation {
    domain: u64,
    half_bits: u32,
    keys: [u64; ROUNDS],
}

impl Permutation {
    fn new(seed: u64, domain: u64) -> Self {
        let bits = (u64::BITS - domain.saturating_sub(1).leading_zeros()).max(2);
        let mut rng = stream_rng(seed, Stream::OrgCodeKeys, 0);
        Self { domain, half_bits: bits.div_ceil(2), keys: std::array::from_fn(|_| rng.random()) }
    }

    /// The image of `x`, or `None` when `x` lies outside the domain.
    fn apply(&self, x: u64) -> Option<u64> {
        if x >= self.domain {
            return None;
        }
        // Terminates: the Feistel cycle through `x` returns to `x`, which is inside the domain.
        let mut y = self.feistel(x);
        while y >= self.domain {
            y = self.feistel(y);
        }
        Some(y)
    }

    fn feistel(&self, x: u64) -> u64 {
        let mask = (1u64 << self.half_bits) - 1;
        let (mut left, mut right) = (x >> self.half_bits, x & mask);
        for key in self.keys {
            (left, right) = (right, left ^ (splitmix64(right ^ key) & mask));
        }
        (left << self.half_bits) | right
    }
}

/// The SplitMix64 finalizer: a fast, well-mixing bijection of `u64`.
fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn permutation_is_a_bijection_of_its_domain() {
        for domain in [1, 2, 31, 1000, 4096, 5000] {
            let permutation = Permutation::new(42, domain);
            let images: HashSet<u64> = (0..domain).map(|x| permutation.apply(x).unwrap()).collect();
            assert_eq!(images.len() as u64, domain);
            assert!(images.iter().all(|&y| y < domain));
            assert_eq!(permutation.apply(domain), None);
        }
    }

    #[test]
    fn org_codes_are_unique_well_formed_and_seeded() {
        let codes = OrgCodes::new(7);
        let sample: HashSet<String> = (0..100_000).map(|i| codes.code(i).unwrap()).collect();
        assert_eq!(sample.len(), 100_000);
        assert!(sample.iter().all(|c| c.len() == 9 && c.bytes().all(|b| CHARSET.contains(&b))));
        assert_ne!(OrgCodes::new(8).code(0), codes.code(0));
        assert!(codes.code(ORG_CODE_SPACE - 1).is_some());
        assert_eq!(codes.code(ORG_CODE_SPACE), None);
    }

    #[test]
    fn market_uscc_encodes_kind_and_county() {
        assert!(market_uscc(SubjectKind::NaturalPerson, "440882", "MA4UH1234").is_err(), "a person has no USCC");
        for &kind in SubjectKind::ALL.iter().filter(|k| k.has_uscc()) {
            let uscc = market_uscc(kind, "440882", "MA4UH1234").unwrap();
            let parsed = Uscc::parse(uscc.as_str()).unwrap();
            assert_eq!(parsed.subject_kind(), Some(kind));
            assert_eq!(parsed.county_code(), "440882");
            assert_eq!(parsed.org_code(), "MA4UH1234");
        }
    }

    #[test]
    fn wrong_check_character_fails_verification() {
        let mut rng = stream_rng(1, Stream::RegistryDefect, 0);
        let good = market_uscc(SubjectKind::Enterprise, "440882", "MA4UH1234").unwrap();
        for _ in 0..100 {
            let bad = with_wrong_check(good.as_str(), &mut rng);
            assert_eq!(bad.len(), 18);
            assert_eq!(bad[..17], good.as_str()[..17]);
            assert_eq!(Uscc::parse(&bad).unwrap_err().code(), "INVALID_USCC");
        }
    }
}
