//! `xinyidai seed-demo`: a living 雷州市 (440882) for a first look at the platform — the demo logins, the county
//! bureau's registry, credit and tax imports, five banks' products, a few hundred registered subjects with their
//! financing history over the last year (and demands open now), an enterprise login with offers to compare, and
//! a natural person's login with income tax under authorization and a loan on a product for persons.
//!
//! Deterministic but for the moment it runs (the history is laid out back from now), and idempotent: each step
//! is skipped when what it loads is there already (see each step), so a second run adds nothing. The data comes
//! from datagen through the same writers as `gen-data`; imports go through the import pipeline.

mod accounts;
mod enterprise;
mod history;
mod imports;
mod person;
mod products;

use std::time::Instant;

use chrono::{DateTime, Datelike, Duration, FixedOffset, Months, NaiveDate, Utc};
use xyd_datagen::demands::DemandOptions;
use xyd_datagen::products::service_area;
use xyd_datagen::region::County;
use xyd_datagen::registry::RegistryOptions;
use xyd_domain::RegionPrefix;
use xyd_domain::demand::local_date;

use xinyidai::state::AppState;

pub use accounts::{BANK_LOGINS, CITY_BUREAU, COUNTY_BUREAU, DEMO_PASSWORD};
pub use enterprise::ENTERPRISE_LOGIN;
pub use person::{PERSON_LOGIN, SECOND_PERSON_LOGIN};

/// The seed of every generator.
const SEED: u64 = 42;
/// Banks with a login, products and responses: the first five of datagen's `DEFAULT_BANKS`.
const BANKS: usize = 5;
/// Products on the shelf.
const PUBLISHED_PRODUCTS: u64 = 40;
/// Share of deliberately bad registry rows (invalid codes and 重错码).
const REGISTRY_ERROR_RATE: f64 = 0.01;
/// Months of demand history: the last 12 whole months, the current one, and the days before (see `Plan::demands`).
const HISTORY_MONTHS: u32 = 14;

/// How big the data set is.
#[derive(Clone, Copy, Debug)]
pub struct DemoSize {
    /// Rows of the registry snapshot (and subjects with credit and tax records).
    pub registry_rows: u64,
    /// The first registry rows whose existing subjects register on the platform.
    pub subject_rows: u64,
    /// Demands posted by those subjects over the history.
    pub demands: u64,
}

impl DemoSize {
    /// What `seed-demo` loads: 20,000 registry rows, about 550 registered subjects, 1,000 demands.
    pub const FULL: Self = Self { registry_rows: 20_000, subject_rows: 600, demands: 1_000 };
    /// A tenth of the registry, a quarter of the subjects and a fifth of the demands, for tests.
    pub const SMALL: Self = Self { registry_rows: 2_000, subject_rows: 150, demands: 200 };
}

/// Load the demo data set (`DemoSize::FULL`).
pub async fn seed(state: &AppState) -> anyhow::Result<()> {
    seed_with(state, DemoSize::FULL).await
}

/// Load the demo data set of `size`, step by step, skipping the steps already done.
pub async fn seed_with(state: &AppState, size: DemoSize) -> anyhow::Result<()> {
    let started = Instant::now();
    let plan = Plan::new(size, Utc::now());
    step("演示机构与登录账号");
    let bureau = accounts::seed(state, &plan.service_area).await?;
    step("存续主体名录");
    imports::registry(state, &bureau, &plan.registry).await?;
    step("金融产品");
    products::seed(state, &plan).await?;
    step("市场主体与融资历史");
    history::seed(state, &plan).await?;
    step("信用信息与纳税信用");
    imports::credit_and_tax(state, &bureau, &plan.registry).await?;
    step("贷款历史（地方征信平台）");
    imports::loan_history(state, &bureau).await?;
    step("企业演示账号");
    enterprise::seed(state, &plan).await?;
    step("自然人演示账号");
    person::seed(state, &plan, &bureau).await?;
    println!("演示数据就绪（{:.1} 秒）", started.elapsed().as_secs_f64());
    Ok(())
}

fn step(name: &str) {
    println!("{name}");
}

/// Asia/Shanghai: UTC+8 all year.
const SHANGHAI: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};

/// The data set laid out from `now`.
pub struct Plan {
    size: DemoSize,
    now: DateTime<Utc>,
    /// The registry snapshot: 雷州市 on the last day of the previous month.
    registry: RegistryOptions,
    /// Where the banks serve: 湛江市 (4408).
    service_area: RegionPrefix,
}

impl Plan {
    fn new(size: DemoSize, now: DateTime<Utc>) -> Self {
        let county = County::leizhou();
        let service_area = service_area(&county);
        let registry = RegistryOptions {
            rows: size.registry_rows,
            seed: SEED,
            county,
            snapshot_date: end_of_last_month(local_date(now)),
            error_rate: REGISTRY_ERROR_RATE,
        };
        Self { size, now, registry, service_area }
    }

    /// The registry rows whose subjects register: the first `subject_rows` of the snapshot (a generated row
    /// does not depend on how many follow it).
    fn subject_registry(&self) -> RegistryOptions {
        RegistryOptions { rows: self.size.subject_rows, ..self.registry.clone() }
    }

    /// Demands posted from the start of the history until now: the period ends 30 days (a demand's validity)
    /// after now, and starts `HISTORY_MONTHS` before that — always before the 1st of the month 12 months ago,
    /// so the dashboard's last 12 whole months are all covered.
    fn demands(&self) -> DemandOptions {
        let end = (self.now + Duration::days(30)).with_timezone(&SHANGHAI);
        let start = end.checked_sub_months(Months::new(HISTORY_MONTHS)).map_or(self.now, |s| s.with_timezone(&Utc));
        DemandOptions {
            registry: self.subject_registry(),
            demands: self.size.demands,
            banks: BANKS,
            start,
            months: HISTORY_MONTHS,
        }
    }
}

/// The last day of the month before `today`'s.
fn end_of_last_month(today: NaiveDate) -> NaiveDate {
    today.with_day(1).and_then(|first| first.pred_opt()).unwrap_or(today)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_history_covers_the_last_twelve_whole_months_and_ends_now() {
        for now in ["2026-11-28T05:31:00Z", "2026-03-01T00:00:00Z", "2026-12-31T23:59:00Z", "2027-01-31T16:00:00Z"] {
            let now: DateTime<Utc> = now.parse().unwrap();
            let plan = Plan::new(DemoSize::SMALL, now);
            let options = plan.demands();
            options.validate().unwrap();
            let today = local_date(now);
            let twelve_months_ago = today.with_day(1).unwrap().checked_sub_months(Months::new(12)).unwrap();
            assert!(local_date(options.start) < twelve_months_ago, "{now}: {}", options.start);
            let posting_ends = options.end().unwrap() - xyd_datagen::demands::EXPIRY;
            assert!((posting_ends - now).num_days().abs() <= 2, "{now}: {posting_ends}");
            assert!(plan.registry.snapshot_date < today && plan.registry.snapshot_date.day() >= 28);
        }
    }
}
