//! 纳税信用 (tax credit, 银税互动) import files for the subjects of a registry file generated with
//! the same [`RegistryOptions`]: one row per subject and tax year with the 纳税信用等级, the tax
//! paid and the VAT sales.
//!
//! Subjects are re-derived one by one from their registry index, so memory stays flat; only
//! clean rows with status 存续 can have tax records. Every subject draws from its own random
//! stream, so its rows do not depend on any other subject.

use std::collections::BTreeMap;
use std::io::Write;
use std::ops::RangeInclusive;

use chrono::Datelike;
use rand::Rng;
use rand::rngs::StdRng;
use xyd_domain::{Money, RegistryStatus, SubjectKind, TaxGrade};

use crate::GenError;
use crate::random::{Stream, stream_rng, weighted};
use crate::registry::{RegistryGenerator, RegistryOptions, RegistryRow};

/// The columns of the tax import format, in the order written.
pub const HEADER: [&str; 6] = ["uscc", "year", "grade", "tax_paid", "vat_sales", "snapshot_date"];

/// One subject in this many has tax data the tax bureau last sent two years before the registry snapshot: the
/// stale profiles (`creditProfile.freshness`) a data set should show.
const STALE_EVERY: u64 = 40;

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct TaxOptions {
    /// The registry file whose subjects the rows are about (same seed, rows, county, date).
    pub registry: RegistryOptions,
    /// Tax years to write. A subject gets no rows for years before its establishment or after
    /// the snapshot date's year.
    pub years: RangeInclusive<i32>,
    /// Share (0–1) of the clean 存续 subjects that have tax records.
    pub share_with_records: f64,
}

impl Default for TaxOptions {
    /// The default registry, years 2023–2025, 60 % of subjects with records.
    fn default() -> Self {
        Self { registry: RegistryOptions::default(), years: 2023..=2025, share_with_records: 0.6 }
    }
}

/// What was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaxSummary {
    /// Data rows written.
    pub rows: u64,
    /// Rows per grade (`A` … `D`, `NOT_RATED`); grades without rows are absent.
    pub by_grade: BTreeMap<&'static str, u64>,
}

/// Grade mix by kind, before the rule that subjects are graded M in the year they are set up
/// (新设立纳税人), which adds about 5 points of M. Over the county's kind mix the result is
/// about A 25 %, B 45 %, M 15 %, C 10 %, D 5 %; 个体工商户 (often without full accounts) are M
/// more often than enterprises.
const SHOP_GRADES: [(TaxGrade, u32); 5] =
    [(TaxGrade::A, 24), (TaxGrade::B, 48), (TaxGrade::M, 12), (TaxGrade::C, 11), (TaxGrade::D, 5)];
const ENTERPRISE_GRADES: [(TaxGrade, u32); 5] =
    [(TaxGrade::A, 34), (TaxGrade::B, 48), (TaxGrade::M, 2), (TaxGrade::C, 11), (TaxGrade::D, 5)];
const COOPERATIVE_GRADES: [(TaxGrade, u32); 5] =
    [(TaxGrade::A, 27), (TaxGrade::B, 48), (TaxGrade::M, 9), (TaxGrade::C, 11), (TaxGrade::D, 5)];

/// Chance that a subject keeps last year's grade; otherwise it is drawn afresh from its
/// kind's mix (which keeps the overall mix unchanged).
const KEEP_GRADE: f64 = 0.7;

/// Since 2025-07-01 (《纳税缴费信用管理办法》) an individual business is rated only if it applies: from the tax
/// year 2025 on, this share of its years (but the first) is 未参评 (not rated).
const RATED_ON_APPLICATION_FROM: i32 = 2025;
const UNRATED_SHOP_YEARS: f64 = 0.6;

/// Share of rows without VAT sales.
const NO_VAT_SALES: f64 = 0.2;

/// Tax paid in a full year by kind: the median in yuan and the spread (σ of its logarithm).
const fn yearly_tax(kind: SubjectKind) -> (f64, f64) {
    match kind {
        // A person's own business income is on a shop's scale.
        SubjectKind::IndividualBusiness | SubjectKind::NaturalPerson => (3_000.0, 0.9),
        SubjectKind::Enterprise => (80_000.0, 1.3),
        SubjectKind::FarmerCooperative => (6_000.0, 1.0),
    }
}

/// Tax paid relative to VAT sales (税负率), lowest and highest, by kind.
const fn tax_burden(kind: SubjectKind) -> (f64, f64) {
    match kind {
        SubjectKind::IndividualBusiness | SubjectKind::NaturalPerson => (0.01, 0.03),
        SubjectKind::Enterprise => (0.02, 0.07),
        SubjectKind::FarmerCooperative => (0.005, 0.02),
    }
}

/// Well-graded taxpayers tend to be the bigger, steadier ones.
const fn grade_factor(grade: TaxGrade) -> f64 {
    match grade {
        TaxGrade::A => 1.6,
        TaxGrade::B => 1.0,
        TaxGrade::M => 0.45,
        TaxGrade::C => 0.7,
        TaxGrade::D => 0.5,
        // Not drawn by the mixes above; the smallest shops are the ones that do not apply for a grade.
        TaxGrade::NotRated => 0.4,
    }
}

/// Smallest tax paid written, in 分 (1 yuan), and largest (10 billion yuan).
const MIN_TAX_FEN: f64 = 100.0;
const MAX_TAX_FEN: f64 = 1e12;

/// Writes the tax CSV (header and the rows of the subjects with records among the clean 存续
/// rows of the registry generated with `opts.registry`) to `out`, streaming subject by subject.
pub fn write_tax<W: Write>(out: W, opts: &TaxOptions) -> Result<TaxSummary, GenError> {
    if !(0.0..=1.0).contains(&opts.share_with_records) {
        return Err(GenError::InvalidOptions(format!(
            "share with tax records {} is not between 0 and 1",
            opts.share_with_records
        )));
    }
    if opts.years.is_empty() {
        return Err(GenError::InvalidOptions(format!(
            "tax years {}–{} are empty",
            opts.years.start(),
            opts.years.end()
        )));
    }
    let generator = RegistryGenerator::new(&opts.registry)?;
    let last_year = (*opts.years.end()).min(opts.registry.snapshot_date.year());
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(HEADER)?;
    let mut summary = TaxSummary::default();
    for index in 0..opts.registry.rows {
        let subject = generator.row(index)?;
        if subject.defect.is_some() || subject.status != RegistryStatus::Active {
            continue;
        }
        let mut rng = stream_rng(opts.registry.seed, Stream::TaxRow, index);
        if rng.random::<f64>() >= opts.share_with_records {
            continue;
        }
        let first_year = (*opts.years.start()).max(subject.established_on.year());
        let stale = index % STALE_EVERY == STALE_EVERY / 2;
        let snapshot =
            if stale { opts.registry.snapshot_date - chrono::Days::new(730) } else { opts.registry.snapshot_date };
        let mut taxpayer = Taxpayer::new(&mut rng, &subject);
        // Data that stood two years back holds no later year.
        let last_year = if stale { last_year.min(snapshot.year() - 1) } else { last_year };
        for year in first_year..=last_year {
            let row = taxpayer.year(&mut rng, &subject, year);
            csv.write_record([
                subject.uscc.as_str(),
                &year.to_string(),
                row.grade.as_str(),
                &row.tax_paid.to_yuan_string(),
                &row.vat_sales.map(Money::to_yuan_string).unwrap_or_default(),
                &snapshot.to_string(),
            ])?;
            summary.rows += 1;
            *summary.by_grade.entry(row.grade.as_str()).or_insert(0) += 1;
        }
    }
    csv.flush()?;
    Ok(summary)
}

/// One year's figures.
struct TaxYear {
    grade: TaxGrade,
    tax_paid: Money,
    vat_sales: Option<Money>,
}

/// A subject's tax history, built year by year.
struct Taxpayer {
    /// Tax paid in a full ordinary year, in yuan; drifts from year to year.
    scale: f64,
    /// Last year's grade, unless it was the M of a new taxpayer.
    grade: Option<TaxGrade>,
}

impl Taxpayer {
    fn new(rng: &mut StdRng, subject: &RegistryRow<'_>) -> Self {
        let (median, sigma) = yearly_tax(subject.kind);
        Self { scale: median * (sigma * standard_normal(rng).clamp(-4.0, 4.0)).exp(), grade: None }
    }

    fn year(&mut self, rng: &mut StdRng, subject: &RegistryRow<'_>, year: i32) -> TaxYear {
        let established = subject.established_on;
        let new = year == established.year();
        let grade = if new {
            TaxGrade::M
        } else {
            match self.grade {
                Some(grade) if rng.random_bool(KEEP_GRADE) => grade,
                _ => draw_grade(rng, subject.kind),
            }
        };
        self.grade = (!new).then_some(grade);
        let unrated = !new
            && subject.kind == SubjectKind::IndividualBusiness
            && year >= RATED_ON_APPLICATION_FROM
            && rng.random_bool(UNRATED_SHOP_YEARS);
        let grade = if unrated { TaxGrade::NotRated } else { grade };

        // A subject set up during the year pays for the months it operated.
        let active_share = if new { f64::from(13 - established.month()) / 12.0 } else { 1.0 };
        self.scale *= rng.random_range(0.85..1.25);
        let yuan = self.scale * grade_factor(grade) * active_share;
        let tax_fen = (yuan * 100.0).round().clamp(MIN_TAX_FEN, MAX_TAX_FEN);
        let (low, high) = tax_burden(subject.kind);
        let burden = rng.random_range(low..high);
        let vat_sales = (!rng.random_bool(NO_VAT_SALES)).then(|| Money::from_fen((tax_fen / burden).round() as i64));
        TaxYear { grade, tax_paid: Money::from_fen(tax_fen as i64), vat_sales }
    }
}

fn draw_grade(rng: &mut StdRng, kind: SubjectKind) -> TaxGrade {
    let table = match kind {
        SubjectKind::IndividualBusiness | SubjectKind::NaturalPerson => &SHOP_GRADES,
        SubjectKind::Enterprise => &ENTERPRISE_GRADES,
        SubjectKind::FarmerCooperative => &COOPERATIVE_GRADES,
    };
    weighted(rng, table, |&(_, weight)| weight).0
}

/// A standard normal draw (Box–Muller).
fn standard_normal(rng: &mut StdRng) -> f64 {
    let u1 = 1.0 - rng.random::<f64>();
    let u2 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use chrono::NaiveDate;

    use super::*;
    use crate::test_csv::{data_rows, registry_rows, written};

    fn options(rows: u64) -> TaxOptions {
        TaxOptions { registry: RegistryOptions { rows, ..RegistryOptions::default() }, ..TaxOptions::default() }
    }

    fn generate(opts: &TaxOptions) -> (Vec<u8>, TaxSummary) {
        written(|out| write_tax(out, opts))
    }

    fn records(csv: &[u8]) -> Vec<csv::StringRecord> {
        data_rows(csv, &HEADER)
    }

    struct Subject {
        kind: SubjectKind,
        established: NaiveDate,
        status: RegistryStatus,
    }

    /// The valid codes of the registry file of `opts` (a 重错码 keeps its first row).
    fn registry(opts: &RegistryOptions) -> HashMap<String, Subject> {
        let subject = |row: csv::StringRecord| Subject {
            kind: SubjectKind::parse(&row[2]).unwrap(),
            established: row[6].parse().unwrap(),
            status: RegistryStatus::parse(&row[7]).unwrap(),
        };
        registry_rows(opts).into_iter().map(|(code, row)| (code, subject(row))).collect()
    }

    #[test]
    fn same_options_give_identical_bytes() {
        let opts = options(3000);
        assert_eq!(generate(&opts), generate(&opts));
        let mut reseeded = opts.clone();
        reseeded.registry.seed = 7;
        assert_ne!(generate(&opts).0, generate(&reseeded).0);
    }

    #[test]
    fn rows_are_valid_and_follow_the_registry() {
        let mut opts = options(20_000);
        opts.registry.error_rate = 0.05;
        let subjects = registry(&opts.registry);
        let (csv, summary) = generate(&opts);
        let rows = records(&csv);

        let mut keys = HashSet::new();
        let mut by_grade: BTreeMap<&'static str, u64> = BTreeMap::new();
        let mut grades_by_kind: HashMap<(SubjectKind, &str), u64> = HashMap::new();
        let mut tax_by_kind: HashMap<SubjectKind, Vec<i64>> = HashMap::new();
        let mut without_vat = 0;
        for row in &rows {
            let subject = subjects.get(&row[0]).unwrap_or_else(|| panic!("{row:?}"));
            assert_eq!(subject.status, RegistryStatus::Active, "{row:?}");
            let year: i32 = row[1].parse().unwrap();
            assert!(opts.years.contains(&year), "{row:?}");
            assert!(year >= subject.established.year(), "{row:?}");
            assert!(keys.insert((row[0].to_owned(), year)), "two rows for {row:?}");
            let grade = TaxGrade::parse(&row[2]).unwrap();
            assert_eq!(grade.as_str(), &row[2]);
            let tax_paid = Money::from_yuan_str(&row[3]).unwrap();
            assert!(tax_paid.is_positive());
            assert_eq!(tax_paid.to_yuan_string(), &row[3]);
            if row[4].is_empty() {
                without_vat += 1;
            } else {
                let vat_sales = Money::from_yuan_str(&row[4]).unwrap();
                assert!(vat_sales > tax_paid, "{row:?}");
            }
            *by_grade.entry(grade.as_str()).or_default() += 1;
            *grades_by_kind.entry((subject.kind, grade.as_str())).or_default() += 1;
            tax_by_kind.entry(subject.kind).or_default().push(tax_paid.fen());
        }
        assert_eq!(summary, TaxSummary { rows: rows.len() as u64, by_grade });

        // The grade mix holds over the rated years; the unrated are individual businesses' years from 2025 on.
        let unrated = summary.by_grade.get("NOT_RATED").copied().unwrap_or(0);
        let total = (rows.len() as u64 - unrated) as f64;
        let share = |grade: &str| summary.by_grade.get(grade).copied().unwrap_or(0) as f64 / total;
        let near = |grade: &str, expected: f64| (share(grade) - expected).abs() < 0.03;
        assert!(near("A", 0.25) && near("B", 0.45), "{summary:?}");
        assert!(near("M", 0.15) && near("C", 0.10) && near("D", 0.05), "{summary:?}");
        let m_share = |kind| {
            let of_kind: u64 =
                ["A", "B", "M", "C", "D"].iter().map(|g| grades_by_kind.get(&(kind, *g)).copied().unwrap_or(0)).sum();
            grades_by_kind.get(&(kind, "M")).copied().unwrap_or(0) as f64 / of_kind as f64
        };
        assert!(
            m_share(SubjectKind::IndividualBusiness) > 2.0 * m_share(SubjectKind::Enterprise),
            "{grades_by_kind:?}"
        );
        let shop_years_from_2025 = rows
            .iter()
            .filter(|r| subjects[&r[0]].kind == SubjectKind::IndividualBusiness && r[1].parse::<i32>().unwrap() >= 2025)
            .count();
        let unrated_share = unrated as f64 / shop_years_from_2025 as f64;
        assert!(
            (0.55..=0.65).contains(&unrated_share),
            "about 60 % of shops' years from 2025 but their first are not rated: {unrated_share}"
        );
        for row in rows.iter().filter(|r| &r[2] == "NOT_RATED") {
            assert_eq!(subjects[&row[0]].kind, SubjectKind::IndividualBusiness, "{row:?}");
            assert!(row[1].parse::<i32>().unwrap() >= 2025, "{row:?}");
        }
        let no_vat = f64::from(without_vat) / rows.len() as f64;
        assert!((0.17..=0.23).contains(&no_vat), "{no_vat}");
        let median = |kind| {
            let mut fen = tax_by_kind[&kind].clone();
            fen.sort_unstable();
            fen[fen.len() / 2]
        };
        assert!(median(SubjectKind::Enterprise) > 10 * median(SubjectKind::IndividualBusiness));

        // About 60 % of the clean 存续 subjects have records.
        let generator = RegistryGenerator::new(&opts.registry).unwrap();
        let active = (0..opts.registry.rows)
            .map(|i| generator.row(i).unwrap())
            .filter(|row| row.defect.is_none() && row.status == RegistryStatus::Active)
            .count() as f64;
        let taxpayers: HashSet<&str> = rows.iter().map(|row| &row[0]).collect();
        let with_records = taxpayers.len() as f64 / active;
        assert!((0.57..=0.63).contains(&with_records), "{with_records}");
    }

    #[test]
    fn years_are_clipped_to_the_snapshot() {
        let opts = TaxOptions { years: 2020..=2030, share_with_records: 1.0, ..options(2000) };
        let (csv, summary) = generate(&opts);
        let rows = records(&csv);
        assert_eq!(summary.rows, rows.len() as u64);
        let years: HashSet<i32> = rows.iter().map(|row| row[1].parse().unwrap()).collect();
        assert_eq!(years, (2020..=2026).collect());
    }

    #[test]
    fn no_share_gives_no_rows() {
        let (csv, summary) = generate(&TaxOptions { share_with_records: 0.0, ..options(1000) });
        assert_eq!(summary, TaxSummary::default());
        assert_eq!(String::from_utf8(csv).unwrap(), format!("{}\n", HEADER.join(",")));
    }

    #[test]
    fn unusable_options_are_refused() {
        let refused = |opts: TaxOptions| write_tax(Vec::new(), &opts).is_err();
        assert!(refused(TaxOptions { share_with_records: 1.5, ..options(10) }));
        assert!(refused(TaxOptions { share_with_records: f64::NAN, ..options(10) }));
        #[allow(clippy::reversed_empty_ranges)]
        let empty = 2025..=2023;
        assert!(refused(TaxOptions { years: empty, ..options(10) }));
        let mut opts = options(10);
        opts.registry.error_rate = -1.0;
        assert!(refused(opts));
    }
}
