//! How old shared data may be: a part is stale when the day its source stood is more than the configured number
//! of days before today, and a market subject missing from its county's latest registry snapshot is stale too.

use chrono::NaiveDate;

/// Whether data that stood on `as_of` is older than `max_age_days` on `today`.
pub fn too_old(as_of: NaiveDate, today: NaiveDate, max_age_days: i64) -> bool {
    (today - as_of).num_days() > max_age_days
}

/// Whether a profile whose parts stood on `parts` (`None`: the part has no data) is stale.
pub fn stale(parts: &[Option<NaiveDate>], missing_from_registry: bool, today: NaiveDate, max_age_days: i64) -> bool {
    missing_from_registry || parts.iter().flatten().any(|day| too_old(*day, today, max_age_days))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_part_past_the_age_or_a_subject_off_the_register_is_stale() {
        let today = day("2026-12-06");
        assert!(!too_old(day("2025-11-01"), today, 400), "400 days is the limit");
        assert!(too_old(day("2025-11-01"), today, 399));
        assert!(stale(&[Some(day("2026-11-30")), Some(day("2024-01-01"))], false, today, 400));
        assert!(!stale(&[Some(day("2026-11-30")), None], false, today, 400));
        assert!(stale(&[None], true, today, 400), "missing from the latest snapshot");
    }
}
