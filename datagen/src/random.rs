//! Deterministic randomness: an independent [`StdRng`] per (seed, stream, index), so every
//! generated row can be regenerated on its own, plus choice helpers over static tables.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Independent random streams. Each kind of decision draws from its own stream so that adding
/// a draw to one never shifts another; later generators add their own variants.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Stream {
    /// Keys of the permutation that assigns organization codes (主体标识码).
    OrgCodeKeys = 1,
    /// Whether, and how, a registry row is deliberately defective.
    RegistryDefect = 2,
    /// A registry row's attributes.
    RegistryRow = 3,
    /// A loan product's terms.
    ProductRow = 4,
    /// The credit records (信用信息) of a registry subject.
    CreditRow = 5,
    /// The tax history (纳税信用) of a registry subject.
    TaxRow = 6,
    /// A financing demand (融资需求): its poster, terms and the banks' responses.
    DemandRow = 7,
    /// Whether a registry subject had borrowed from a bank before the simulated period
    /// (decides 首贷户 among the subjects that post demands).
    Borrower = 8,
}

/// The generator for item `index` of `stream` under `seed`. The three numbers are the
/// ChaCha key itself, so distinct triples never share a stream.
pub(crate) fn stream_rng(seed: u64, stream: Stream, index: u64) -> StdRng {
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    key[8..16].copy_from_slice(&(stream as u64).to_le_bytes());
    key[16..24].copy_from_slice(&index.to_le_bytes());
    StdRng::from_seed(key)
}

/// A uniformly chosen item of a static, non-empty table.
pub(crate) fn one_of<'a, T, const N: usize>(rng: &mut impl Rng, items: &'a [T; N]) -> &'a T {
    const { assert!(N > 0, "cannot choose from an empty table") };
    &items[rng.random_range(0..N)]
}

/// An item of a static, non-empty table chosen with probability proportional to its weight.
/// The tables have positive weights (tested); were they all zero, the first item is chosen.
pub(crate) fn weighted<'a, T, const N: usize>(
    rng: &mut impl Rng,
    items: &'a [T; N],
    weight: impl Fn(&T) -> u32,
) -> &'a T {
    const { assert!(N > 0, "cannot choose from an empty table") };
    &items[weighted_index(rng, items.iter().map(&weight)).unwrap_or(0)]
}

/// The position of a choice with probability proportional to `weights`, or `None` when there
/// is nothing to choose (no weights, or all zero).
pub(crate) fn weighted_index(rng: &mut impl Rng, weights: impl Iterator<Item = u32> + Clone) -> Option<usize> {
    let total: u32 = weights.clone().sum();
    if total == 0 {
        return None;
    }
    let roll = rng.random_range(0..total);
    weights
        .scan(0, |cumulative, weight| {
            *cumulative += weight;
            Some(*cumulative)
        })
        .position(|cumulative| roll < cumulative)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_independent() {
        let draw = |seed, stream, index| stream_rng(seed, stream, index).random::<u64>();
        assert_eq!(draw(7, Stream::RegistryRow, 3), draw(7, Stream::RegistryRow, 3));
        assert_ne!(draw(7, Stream::RegistryRow, 3), draw(7, Stream::RegistryRow, 4));
        assert_ne!(draw(7, Stream::RegistryRow, 3), draw(8, Stream::RegistryRow, 3));
        assert_ne!(draw(7, Stream::RegistryRow, 3), draw(7, Stream::RegistryDefect, 3));
    }

    #[test]
    fn weighted_choice_follows_the_weights() {
        let mut rng = stream_rng(1, Stream::RegistryRow, 0);
        let table = [("rare", 1), ("never", 0), ("common", 9)];
        let draws = 10_000;
        let common = (0..draws).filter(|_| weighted(&mut rng, &table, |&(_, w)| w).0 == "common").count();
        assert!((8_700..=9_300).contains(&common), "{common}");
        assert!((0..1000).all(|_| weighted(&mut rng, &table, |&(_, w)| w).0 != "never"));
    }

    #[test]
    fn weighted_index_needs_a_positive_weight() {
        let mut rng = stream_rng(1, Stream::RegistryRow, 0);
        assert_eq!(weighted_index(&mut rng, [].into_iter()), None);
        assert_eq!(weighted_index(&mut rng, [0, 0].into_iter()), None);
        assert_eq!(weighted_index(&mut rng, [0, 3, 0].into_iter()), Some(1));
    }

    #[test]
    fn one_of_reaches_every_item() {
        let mut rng = stream_rng(1, Stream::RegistryRow, 0);
        let table = ['a', 'b', 'c'];
        let mut seen: Vec<char> = (0..100).map(|_| *one_of(&mut rng, &table)).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen, table);
    }
}
