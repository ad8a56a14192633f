//! 工作日 (working days) on a configurable calendar, counted in Asia/Shanghai (UTC+8, no daylight
//! saving time): the clocks of bank responses (first response in 3 working days, credit decision in 10).

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday};

/// Asia/Shanghai: a fixed UTC+8 offset (China has had no daylight saving time since 1991).
const SHANGHAI: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};

/// The Asia/Shanghai calendar date of the instant `t` (e.g. 2026-03-06T16:30Z is 2026-03-07 there).
pub fn local_date(t: DateTime<Utc>) -> NaiveDate {
    local_datetime(t).date()
}

/// The instant at which the Asia/Shanghai day `date` begins (midnight there, 16:00 UTC the day before).
pub fn local_midnight(date: NaiveDate) -> DateTime<Utc> {
    to_utc(date.and_time(NaiveTime::MIN))
}

/// The Asia/Shanghai wall-clock time of the instant `t` (saturating at the end of chrono's range,
/// where `DateTime::naive_local` would panic).
fn local_datetime(t: DateTime<Utc>) -> NaiveDateTime {
    t.naive_utc().checked_add_offset(SHANGHAI).unwrap_or(NaiveDateTime::MAX)
}

/// The instant of the Asia/Shanghai wall-clock time `local` (a fixed offset maps every local time
/// to exactly one instant; out of chrono's range saturates at its largest instant).
fn to_utc(local: NaiveDateTime) -> DateTime<Utc> {
    SHANGHAI.from_local_datetime(&local).single().map_or(DateTime::<Utc>::MAX_UTC, |t| t.with_timezone(&Utc))
}

/// 工作日历 (working-day calendar): Monday to Friday are working days, except the listed holidays
/// (法定节假日及调休放假), plus the listed make-up working days (调休上班, usually weekend days).
///
/// `WorkCalendar::default()` has neither: every Monday–Friday is a working day. The holiday lists are
/// deployment configuration: they change every year with the State Council's notice (国务院办公厅关于
/// 部分节假日安排的通知) and must be entered, and checked against that notice, each year.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    holidays: BTreeSet<NaiveDate>,
    workdays: BTreeSet<NaiveDate>,
}

impl WorkCalendar {
    /// A calendar with these `holidays` (days off, even on a weekday) and `make_up_workdays`
    /// (days worked, even on a weekend). A date in both lists is a working day.
    pub fn new(
        holidays: impl IntoIterator<Item = NaiveDate>,
        make_up_workdays: impl IntoIterator<Item = NaiveDate>,
    ) -> Self {
        Self { holidays: holidays.into_iter().collect(), workdays: make_up_workdays.into_iter().collect() }
    }

    /// The PRC public holidays and make-up working days of 2026, per the State Council's notice of
    /// 2025-11-04 (国务院办公厅关于2026年部分节假日安排的通知):
    ///
    /// | 节日 | 放假 | 调休上班 |
    /// |---|---|---|
    /// | 元旦 | 1月1日–3日 | 1月4日（周日） |
    /// | 春节 | 2月15日–23日 | 2月14日（周六）、2月28日（周六） |
    /// | 清明节 | 4月4日–6日 | — |
    /// | 劳动节 | 5月1日–5日 | 5月9日（周六） |
    /// | 端午节 | 6月19日–21日 | — |
    /// | 中秋节 | 9月25日–27日 | — |
    /// | 国庆节 | 10月1日–7日 | 9月20日（周日）、10月10日（周六） |
    ///
    /// This is a convenience default only: the calendar is configurable ([`WorkCalendar::new`]) and a
    /// deployment must check it against the State Council notice and add each new year's list.
    /// Dates outside 2026 fall back to plain Monday–Friday.
    pub fn china_2026() -> Self {
        let ranges: [(u32, u32, u32); 7] =
            [(1, 1, 3), (2, 15, 23), (4, 4, 6), (5, 1, 5), (6, 19, 21), (9, 25, 27), (10, 1, 7)];
        let holidays = ranges
            .into_iter()
            .flat_map(|(month, first, last)| (first..=last).map(move |day| (month, day)))
            .filter_map(|(month, day)| NaiveDate::from_ymd_opt(2026, month, day));
        let workdays = [(1, 4), (2, 14), (2, 28), (5, 9), (9, 20), (10, 10)]
            .into_iter()
            .filter_map(|(month, day)| NaiveDate::from_ymd_opt(2026, month, day));
        Self::new(holidays, workdays)
    }

    /// The Asia/Shanghai date of `t`; the same as [`local_date`].
    pub fn local_date(t: DateTime<Utc>) -> NaiveDate {
        local_date(t)
    }

    /// The configured holidays (days off), sorted.
    pub fn holidays(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.holidays.iter().copied()
    }

    /// The configured make-up working days (调休上班), sorted.
    pub fn make_up_workdays(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.workdays.iter().copied()
    }

    /// Whether `d` is a working day: a make-up working day is; otherwise a holiday is not;
    /// otherwise Monday to Friday are.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        if self.workdays.contains(&d) {
            return true;
        }
        if self.holidays.contains(&d) {
            return false;
        }
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// The first working day strictly after `d`, `None` past the end of chrono's calendar.
    pub fn next_working_day(&self, d: NaiveDate) -> Option<NaiveDate> {
        let mut day = d.succ_opt()?;
        while !self.is_working_day(day) {
            day = day.succ_opt()?;
        }
        Some(day)
    }

    /// Where the clock of a period starting at `start` really starts, as Asia/Shanghai wall-clock
    /// time: `start` itself on a working day, else 00:00 of the next working day.
    fn clock_start(&self, start: DateTime<Utc>) -> Option<NaiveDateTime> {
        let local = local_datetime(start);
        if self.is_working_day(local.date()) {
            Some(local)
        } else {
            Some(self.next_working_day(local.date())?.and_time(NaiveTime::MIN))
        }
    }

    /// The deadline `n` working days after `start` (Asia/Shanghai): the `n`-th following working day,
    /// at the same local time of day.
    ///
    /// If `start` is not on a working day, the clock starts at 00:00 local of the next working day
    /// (so a demand posted during the 国庆 holiday is due at 00:00 after `n` working days following it).
    /// `n = 0` returns `start`, or that next-working-day start. A deadline past the end of chrono's
    /// calendar saturates at its last instant. Example: posted Friday 17:00, 3 working days → due
    /// Wednesday 17:00.
    pub fn add_working_days(&self, start: DateTime<Utc>, n: u32) -> DateTime<Utc> {
        let Some(clock) = self.clock_start(start) else {
            return DateTime::<Utc>::MAX_UTC;
        };
        if n == 0 && clock == local_datetime(start) {
            return start;
        }
        let mut day = clock.date();
        for _ in 0..n {
            match self.next_working_day(day) {
                Some(next) => day = next,
                None => return DateTime::<Utc>::MAX_UTC,
            }
        }
        to_utc(day.and_time(clock.time()))
    }

    /// The number of working days elapsed from `from` to `to`: the largest `n` with
    /// `add_working_days(from, n) <= to`, or 0 when `to` is before the clock starts (also when
    /// `to < from`). So `working_days_between(s, add_working_days(s, n)) == n`, and a response at
    /// `to` is overdue for a time limit of `n` working days exactly when this is `>= n` and
    /// `to > add_working_days(from, n)`.
    pub fn working_days_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> u32 {
        let Some(clock) = self.clock_start(from) else {
            return 0;
        };
        let end = local_datetime(to);
        if end <= clock {
            return 0;
        }
        let mut count: u32 = 0;
        let mut day = clock.date();
        while let Some(next) = self.next_working_day(day) {
            if next.and_time(clock.time()) > end {
                break;
            }
            count = count.saturating_add(1);
            day = next;
        }
        count
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// An instant given as Asia/Shanghai wall-clock time.
    fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        to_utc(date(y, m, d).and_hms_opt(h, min, 0).unwrap())
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn default_calendar_works_monday_to_friday() {
        let cal = WorkCalendar::default();
        // 2026-03-02 is a Monday.
        let week: Vec<bool> = (2..=8).map(|d| cal.is_working_day(date(2026, 3, d))).collect();
        assert_eq!(week, [true, true, true, true, true, false, false]);
        // Without the 2026 list, 国庆 weekdays are ordinary working days.
        assert!(cal.is_working_day(date(2026, 10, 1)));
    }

    #[test]
    fn china_2026_holidays_and_make_up_days() {
        let cal = WorkCalendar::china_2026();
        assert_eq!(cal.holidays().count(), 3 + 9 + 3 + 5 + 3 + 3 + 7);
        assert_eq!(cal.make_up_workdays().count(), 6);
        for off in [date(2026, 1, 1), date(2026, 1, 2), date(2026, 2, 16), date(2026, 2, 23), date(2026, 4, 6)] {
            assert!(!cal.is_working_day(off), "{off}");
        }
        for off in [date(2026, 5, 4), date(2026, 5, 5), date(2026, 6, 19), date(2026, 9, 25), date(2026, 10, 7)] {
            assert!(!cal.is_working_day(off), "{off}");
        }
        for &make_up in &[(1, 4), (2, 14), (2, 28), (5, 9), (9, 20), (10, 10)] {
            let d = date(2026, make_up.0, make_up.1);
            assert!(matches!(d.weekday(), Weekday::Sat | Weekday::Sun), "{d} is a weekend day");
            assert!(cal.is_working_day(d), "{d}");
        }
        assert!(cal.is_working_day(date(2026, 10, 9)));
        assert!(!cal.is_working_day(date(2026, 10, 11)));
    }

    #[test]
    fn a_make_up_day_listed_as_holiday_too_is_worked() {
        let d = date(2026, 3, 7);
        assert!(WorkCalendar::new([d], [d]).is_working_day(d));
        assert!(!WorkCalendar::new([date(2026, 3, 9)], []).is_working_day(date(2026, 3, 9)));
    }

    #[test]
    fn friday_afternoon_plus_three_is_wednesday_same_time() {
        let cal = WorkCalendar::china_2026();
        // 2026-03-06 is a Friday.
        let posted = local(2026, 3, 6, 17, 0);
        assert_eq!(cal.add_working_days(posted, 3), local(2026, 3, 11, 17, 0));
        assert_eq!(cal.add_working_days(posted, 3), utc("2026-03-11T09:00:00Z"));
        assert_eq!(cal.add_working_days(posted, 0), posted);
        assert_eq!(cal.add_working_days(posted, 1), local(2026, 3, 9, 17, 0));
        assert_eq!(cal.working_days_between(posted, local(2026, 3, 11, 16, 59)), 2);
        assert_eq!(cal.working_days_between(posted, local(2026, 3, 11, 17, 0)), 3);
        assert_eq!(cal.working_days_between(posted, local(2026, 3, 8, 23, 59)), 0);
        assert_eq!(cal.working_days_between(posted, local(2026, 3, 1, 0, 0)), 0, "to before from");
    }

    #[test]
    fn posted_on_a_holiday_starts_at_the_next_working_day() {
        let cal = WorkCalendar::china_2026();
        let posted = local(2026, 10, 3, 10, 30);
        assert_eq!(cal.add_working_days(posted, 0), local(2026, 10, 8, 0, 0));
        assert_eq!(cal.add_working_days(posted, 1), local(2026, 10, 9, 0, 0));
        // Saturday 10-10 is a make-up working day.
        assert_eq!(cal.add_working_days(posted, 2), local(2026, 10, 10, 0, 0));
        assert_eq!(cal.add_working_days(posted, 3), local(2026, 10, 12, 0, 0));
        assert_eq!(cal.working_days_between(posted, local(2026, 10, 8, 23, 59)), 0);
        assert_eq!(cal.working_days_between(posted, local(2026, 10, 10, 0, 0)), 2);
        // An ordinary weekend too.
        assert_eq!(cal.add_working_days(local(2026, 3, 7, 12, 0), 1), local(2026, 3, 10, 0, 0));
    }

    #[test]
    fn around_the_national_day_make_up_days() {
        let cal = WorkCalendar::china_2026();
        // Friday 09-18 → Sunday 09-20 is worked.
        assert_eq!(cal.add_working_days(local(2026, 9, 18, 9, 0), 1), local(2026, 9, 20, 9, 0));
        // Posted on the make-up Sunday: the clock runs from then.
        assert_eq!(cal.add_working_days(local(2026, 9, 20, 15, 0), 0), local(2026, 9, 20, 15, 0));
        assert_eq!(cal.add_working_days(local(2026, 9, 20, 15, 0), 1), local(2026, 9, 21, 15, 0));
        // 中秋 09-25..27 then 国庆 10-01..07: Thursday 09-24 + 3 → 09-30, + 4 → 10-08.
        assert_eq!(cal.add_working_days(local(2026, 9, 24, 11, 0), 3), local(2026, 9, 30, 11, 0));
        assert_eq!(cal.add_working_days(local(2026, 9, 24, 11, 0), 4), local(2026, 10, 8, 11, 0));
        assert_eq!(cal.add_working_days(local(2026, 9, 30, 10, 0), 1), local(2026, 10, 8, 10, 0));
        assert_eq!(cal.add_working_days(local(2026, 9, 30, 10, 0), 3), local(2026, 10, 10, 10, 0));
        assert_eq!(cal.working_days_between(local(2026, 9, 30, 10, 0), local(2026, 10, 9, 12, 0)), 2);
        // 春节: Friday 02-13 → Saturday 02-14 worked → Tuesday 02-24.
        assert_eq!(cal.add_working_days(local(2026, 2, 13, 15, 0), 1), local(2026, 2, 14, 15, 0));
        assert_eq!(cal.add_working_days(local(2026, 2, 13, 15, 0), 2), local(2026, 2, 24, 15, 0));
    }

    #[test]
    fn shanghai_midnight_is_not_utc_midnight() {
        let cal = WorkCalendar::china_2026();
        // 16:30Z on Friday 03-06 is already Saturday 00:30 in Shanghai.
        let t = utc("2026-03-06T16:30:00Z");
        assert_eq!(local_date(t), date(2026, 3, 7));
        assert_eq!(WorkCalendar::local_date(t), date(2026, 3, 7));
        assert_eq!(cal.add_working_days(t, 0), utc("2026-03-08T16:00:00Z"), "Monday 00:00 local");
        // 15:59Z on Friday is still Friday 23:59 there: the clock runs at once.
        let t = utc("2026-03-06T15:59:00Z");
        assert_eq!(local_date(t), date(2026, 3, 6));
        assert_eq!(cal.add_working_days(t, 1), utc("2026-03-09T15:59:00Z"));
        // UTC midnight of Sunday 03-08 is Sunday 08:00 in Shanghai (not working);
        // 23:00Z that day is Monday 07:00 there (working).
        assert!(!cal.is_working_day(local_date(utc("2026-03-08T00:00:00Z"))));
        assert!(cal.is_working_day(local_date(utc("2026-03-08T23:00:00Z"))));
        // 2025-12-31T16:00Z is 元旦 00:00 in Shanghai.
        assert_eq!(local_date(utc("2025-12-31T16:00:00Z")), date(2026, 1, 1));
        assert_eq!(cal.add_working_days(utc("2025-12-31T16:00:00Z"), 0), local(2026, 1, 4, 0, 0));
    }

    #[test]
    fn far_future_saturates() {
        let cal = WorkCalendar::default();
        let end = DateTime::<Utc>::MAX_UTC;
        assert_eq!(cal.add_working_days(end, 5), DateTime::<Utc>::MAX_UTC);
        assert_eq!(cal.working_days_between(end, end), 0);
    }

    fn instant_in_2026() -> impl Strategy<Value = DateTime<Utc>> {
        let first = local(2026, 1, 1, 0, 0).timestamp();
        let last = local(2027, 1, 1, 0, 0).timestamp() - 1;
        (first..=last).prop_map(|s| DateTime::from_timestamp(s, 0).unwrap())
    }

    proptest! {
        #[test]
        fn due_dates_are_working_days_and_invert(start in instant_in_2026(), n in 0u32..30) {
            let cal = WorkCalendar::china_2026();
            let due = cal.add_working_days(start, n);
            prop_assert!(due >= start);
            if n > 0 {
                prop_assert!(cal.is_working_day(local_date(due)), "{} is not a working day", due);
                let just_before = due - chrono::Duration::seconds(1);
                prop_assert_eq!(cal.working_days_between(start, just_before), n - 1);
            }
            prop_assert_eq!(cal.working_days_between(start, due), n);
            let next = cal.add_working_days(start, n + 1);
            prop_assert!(next > due, "monotonic: {} then {}", due, next);
        }
    }
}
