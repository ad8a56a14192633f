//! 存续主体名录 (registry snapshot) import files: the market subjects of one county on one date,
//! optionally with a share of deliberately bad rows (重错码) for the importer to report.

use std::io::Write;

use chrono::{Days, NaiveDate};
use rand::Rng;
use rand::rngs::StdRng;
use xyd_domain::{RegistryStatus, SubjectKind};

use crate::GenError;
use crate::names::{person_name, pick_trade, subject_name};
use crate::random::{Stream, stream_rng, weighted};
use crate::region::{County, Town};
use crate::uscc::{OrgCodes, market_uscc, with_wrong_check};

/// The columns of the registry import format, in the order written.
pub const HEADER: [&str; 9] = [
    "uscc",
    "name",
    "kind",
    "region_code",
    "industry_code",
    "legal_rep_name",
    "established_on",
    "status",
    "snapshot_date",
];

/// Mix of subject kinds in a county register.
const KINDS: [(SubjectKind, u32); 3] =
    [(SubjectKind::IndividualBusiness, 70), (SubjectKind::Enterprise, 27), (SubjectKind::FarmerCooperative, 3)];

/// Mix of registry statuses (存续 ~92 %, 注销 ~6 %, 吊销 ~2 %).
const STATUSES: [(RegistryStatus, u32); 3] =
    [(RegistryStatus::Active, 92), (RegistryStatus::Cancelled, 6), (RegistryStatus::Revoked, 2)];

/// No generated subject was established before this date.
const EARLIEST_ESTABLISHED: NaiveDate = ymd(1995, 1, 1);

/// How many earlier rows a 重错码 row tries for a clean one to copy before it settles for a
/// wrong check character instead.
const DUPLICATE_ATTEMPTS: usize = 8;

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct RegistryOptions {
    /// Number of data rows (the header not counted).
    pub rows: u64,
    /// Seed: the same options always produce byte-identical output.
    pub seed: u64,
    /// The county whose subjects are listed.
    pub county: County,
    /// 名录日期, written in every row's `snapshot_date`; no subject is established later.
    pub snapshot_date: NaiveDate,
    /// Share (0–1) of deliberately bad rows, split between wrong check characters
    /// (`INVALID_USCC`) and codes repeated under another name (`DUPLICATE_USCC`, 重错码).
    pub error_rate: f64,
}

impl Default for RegistryOptions {
    /// 1,000 clean rows of 雷州市 on 2026-10-31, seed 42.
    fn default() -> Self {
        Self { rows: 1000, seed: 42, county: County::leizhou(), snapshot_date: ymd(2026, 10, 31), error_rate: 0.0 }
    }
}

/// What was written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RegistrySummary {
    /// Data rows written.
    pub rows: u64,
    /// Rows whose code has a wrong check character (`INVALID_USCC`).
    pub invalid_codes: u64,
    /// Rows repeating an earlier row's code under another name (`DUPLICATE_USCC`, 重错码).
    pub duplicate_codes: u64,
    /// Clean rows with status 存续: what an import should count as existing subjects.
    pub active: u64,
}

/// A deliberate defect of a row, which the importer must report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Defect {
    /// The code's check character (校验码) is wrong.
    InvalidUscc,
    /// 重错码: the code of the earlier, clean row `original` (0-based) under a different name.
    DuplicateUscc {
        /// Index of the row whose code is repeated.
        original: u64,
    },
}

impl Defect {
    /// The error code the importer reports for this row.
    pub fn code(self) -> &'static str {
        match self {
            Self::InvalidUscc => "INVALID_USCC",
            Self::DuplicateUscc { .. } => "DUPLICATE_USCC",
        }
    }
}

/// One row of the registry file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryRow<'a> {
    /// 统一社会信用代码; valid unless `defect` says otherwise.
    pub uscc: String,
    /// Subject name.
    pub name: String,
    /// Subject kind, matching the code's second character.
    pub kind: SubjectKind,
    /// The town (乡镇/街道) of registration; its code is the row's `region_code`.
    pub town: &'a Town,
    /// GB/T 4754-2017 行业代码 (小类).
    pub industry_code: &'static str,
    /// 法定代表人/经营者 name.
    pub legal_rep_name: String,
    /// 成立日期.
    pub established_on: NaiveDate,
    /// 登记状态.
    pub status: RegistryStatus,
    /// Why the importer must reject the row, if it is a deliberately bad one.
    pub defect: Option<Defect>,
}

/// Generates registry rows; each row is a pure function of the options and its index, so any
/// row can be regenerated on its own (e.g. by generators of credit or tax data for the same
/// subjects) and nothing is kept between rows.
#[derive(Debug, Clone)]
pub struct RegistryGenerator<'a> {
    opts: &'a RegistryOptions,
    org_codes: OrgCodes,
}

impl<'a> RegistryGenerator<'a> {
    /// Checks the options: a valid county with towns, an error rate within 0–1, a snapshot
    /// date not before 1995-01-01.
    pub fn new(opts: &'a RegistryOptions) -> Result<Self, GenError> {
        opts.county.validate()?;
        if !(0.0..=1.0).contains(&opts.error_rate) {
            return Err(GenError::InvalidOptions(format!("error rate {} is not between 0 and 1", opts.error_rate)));
        }
        if opts.snapshot_date < EARLIEST_ESTABLISHED {
            return Err(GenError::InvalidOptions(format!(
                "snapshot date {} is before {EARLIEST_ESTABLISHED}",
                opts.snapshot_date
            )));
        }
        Ok(Self { opts, org_codes: OrgCodes::new(opts.seed) })
    }

    /// Row `index` (0-based, header not counted).
    pub fn row(&self, index: u64) -> Result<RegistryRow<'a>, GenError> {
        let defect = self.defect(index);
        let mut rng = self.row_rng(index);
        let row = match defect {
            None => self.draw(&mut rng, index, None)?,
            Some(Defect::InvalidUscc) => {
                let row = self.draw(&mut rng, index, None)?;
                RegistryRow { uscc: with_wrong_check(&row.uscc, &mut rng), ..row }
            }
            Some(Defect::DuplicateUscc { original }) => {
                let original = self.draw(&mut self.row_rng(original), original, None)?;
                self.draw(&mut rng, index, Some(&original))?
            }
        };
        Ok(RegistryRow { defect, ..row })
    }

    /// Whether row `index` is bad and how. A 重错码 copies a clean earlier row, found by
    /// re-deriving the defect decisions of a few random earlier indexes.
    fn defect(&self, index: u64) -> Option<Defect> {
        let (defective, mut rng) = self.defect_stream(index);
        if !defective {
            return None;
        }
        let original = if rng.random_bool(0.5) && index > 0 {
            (0..DUPLICATE_ATTEMPTS).map(|_| rng.random_range(0..index)).find(|&earlier| !self.defect_stream(earlier).0)
        } else {
            None
        };
        Some(original.map_or(Defect::InvalidUscc, |original| Defect::DuplicateUscc { original }))
    }

    /// Row `index`'s defect stream, after its first draw, which decides whether the row is bad.
    fn defect_stream(&self, index: u64) -> (bool, StdRng) {
        let mut rng = stream_rng(self.opts.seed, Stream::RegistryDefect, index);
        let defective = rng.random::<f64>() < self.opts.error_rate;
        (defective, rng)
    }

    fn row_rng(&self, index: u64) -> StdRng {
        stream_rng(self.opts.seed, Stream::RegistryRow, index)
    }

    /// Draws the subject of row `index`; as a 重错码 copy of `original` when given: same code
    /// and kind, different name.
    fn draw(
        &self,
        rng: &mut StdRng,
        index: u64,
        original: Option<&RegistryRow<'_>>,
    ) -> Result<RegistryRow<'a>, GenError> {
        let county = &self.opts.county;
        let drawn_kind = weighted(rng, &KINDS, |&(_, weight)| weight).0;
        let kind = original.map_or(drawn_kind, |original| original.kind);
        let town = county
            .pick_town(rng)
            .ok_or_else(|| GenError::InvalidOptions(format!("county {} has no towns", county.name)))?;
        let trade = pick_trade(rng, kind);
        let name = loop {
            let name = subject_name(rng, kind, trade, county, town);
            if original.is_none_or(|original| original.name != name) {
                break name;
            }
        };
        let uscc = match original {
            Some(original) => original.uscc.clone(),
            None => self.uscc(index, kind)?,
        };
        Ok(RegistryRow {
            uscc,
            name,
            kind,
            town,
            industry_code: trade.code,
            legal_rep_name: person_name(rng),
            established_on: established_on(rng, self.opts.snapshot_date),
            status: weighted(rng, &STATUSES, |&(_, weight)| weight).0,
            defect: None,
        })
    }

    /// The valid code of row `index`: unique because its organization code is.
    fn uscc(&self, index: u64, kind: SubjectKind) -> Result<String, GenError> {
        let org_code = self
            .org_codes
            .code(index)
            .ok_or_else(|| GenError::InvalidOptions(format!("row {index} exceeds the 31⁹ organization codes")))?;
        Ok(market_uscc(kind, &self.opts.county.code, &org_code)?.to_string())
    }
}

/// Writes the registry CSV (header and `opts.rows` rows) to `out`, streaming row by row.
pub fn write_registry<W: Write>(out: W, opts: &RegistryOptions) -> Result<RegistrySummary, GenError> {
    let generator = RegistryGenerator::new(opts)?;
    let snapshot_date = opts.snapshot_date.to_string();
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(HEADER)?;
    let mut summary = RegistrySummary { rows: opts.rows, ..RegistrySummary::default() };
    for index in 0..opts.rows {
        let row = generator.row(index)?;
        match row.defect {
            Some(Defect::InvalidUscc) => summary.invalid_codes += 1,
            Some(Defect::DuplicateUscc { .. }) => summary.duplicate_codes += 1,
            None if row.status == RegistryStatus::Active => summary.active += 1,
            None => {}
        }
        csv.write_record([
            row.uscc.as_str(),
            &row.name,
            row.kind.as_str(),
            &row.town.code,
            row.industry_code,
            &row.legal_rep_name,
            &row.established_on.to_string(),
            row.status.label_zh(),
            &snapshot_date,
        ])?;
    }
    csv.flush()?;
    Ok(summary)
}

/// A date from 1995-01-01 up to `snapshot`, with density rising linearly towards `snapshot`:
/// registrations have grown steadily since the 商事制度改革.
fn established_on(rng: &mut StdRng, snapshot: NaiveDate) -> NaiveDate {
    let span = (snapshot - EARLIEST_ESTABLISHED).num_days().max(0) as f64;
    let offset = (span * rng.random::<f64>().sqrt()) as u64;
    EARLIEST_ESTABLISHED.checked_add_days(Days::new(offset)).unwrap_or(snapshot)
}

/// A date known valid at compile time (only used in constants and `Default`).
const fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(date) => date,
        None => panic!("invalid date"),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::hash_map::Entry;
    use std::collections::{HashMap, HashSet};

    use xyd_domain::{IndustryCode, Uscc};

    use super::*;

    fn options(rows: u64, error_rate: f64) -> RegistryOptions {
        RegistryOptions { rows, error_rate, ..RegistryOptions::default() }
    }

    fn generate(opts: &RegistryOptions) -> (Vec<u8>, RegistrySummary) {
        let mut out = Vec::new();
        let summary = write_registry(&mut out, opts).unwrap();
        (out, summary)
    }

    fn records(csv: &[u8]) -> (csv::StringRecord, Vec<csv::StringRecord>) {
        let mut reader = csv::Reader::from_reader(csv);
        let header = reader.headers().unwrap().clone();
        (header, reader.records().map(Result::unwrap).collect())
    }

    #[test]
    fn same_options_give_identical_bytes() {
        let opts = options(2000, 0.05);
        assert_eq!(generate(&opts), generate(&opts));
        let reseeded = RegistryOptions { seed: 43, ..opts.clone() };
        assert_ne!(generate(&opts).0, generate(&reseeded).0);
    }

    #[test]
    fn clean_file_is_valid_and_unique() {
        let opts = options(20_000, 0.0);
        let (csv, summary) = generate(&opts);
        let (header, rows) = records(&csv);
        assert_eq!(header.iter().collect::<Vec<_>>(), HEADER);
        assert_eq!(rows.len(), 20_000);

        let towns: HashSet<&str> = opts.county.towns.iter().map(|t| t.code.as_str()).collect();
        let mut codes = HashSet::new();
        let mut kinds = HashMap::new();
        let mut statuses = HashMap::new();
        for row in &rows {
            let uscc = Uscc::parse(&row[0]).unwrap();
            let kind = SubjectKind::parse(&row[2]).unwrap();
            assert_eq!(uscc.subject_kind(), Some(kind), "{row:?}");
            assert_eq!(uscc.county_code(), "440882");
            assert!(codes.insert(uscc), "duplicate code in {row:?}");
            assert!(!row[1].is_empty());
            assert!(towns.contains(&row[3]), "{row:?}");
            IndustryCode::parse(&row[4]).unwrap();
            assert!(matches!(row[5].chars().count(), 2 | 3), "{row:?}");
            let established: NaiveDate = row[6].parse().unwrap();
            assert!((EARLIEST_ESTABLISHED..=opts.snapshot_date).contains(&established));
            let status = RegistryStatus::parse(&row[7]).unwrap();
            assert_eq!(&row[7], status.label_zh());
            assert_eq!(&row[8], "2026-10-31");
            *kinds.entry(kind).or_insert(0u64) += 1;
            *statuses.entry(status).or_insert(0u64) += 1;
        }

        let share = |count: Option<&u64>| count.copied().unwrap_or(0) as f64 / 20_000.0;
        let near = |actual: f64, expected: f64| (actual - expected).abs() < 0.015;
        assert!(near(share(kinds.get(&SubjectKind::IndividualBusiness)), 0.70), "{kinds:?}");
        assert!(near(share(kinds.get(&SubjectKind::Enterprise)), 0.27), "{kinds:?}");
        assert!(near(share(kinds.get(&SubjectKind::FarmerCooperative)), 0.03), "{kinds:?}");
        assert!(near(share(statuses.get(&RegistryStatus::Active)), 0.92), "{statuses:?}");
        assert!(near(share(statuses.get(&RegistryStatus::Revoked)), 0.02), "{statuses:?}");
        assert_eq!(
            summary,
            RegistrySummary {
                rows: 20_000,
                invalid_codes: 0,
                duplicate_codes: 0,
                active: statuses[&RegistryStatus::Active],
            }
        );
    }

    #[test]
    fn establishment_dates_skew_recent() {
        let (csv, _) = generate(&options(5000, 0.0));
        let (_, rows) = records(&csv);
        let since_2011 = rows.iter().filter(|row| &row[6] >= "2011-01-01").count();
        // Linear density over 1995–2026: about 75 % of subjects are from the later half.
        assert!((3500..=4000).contains(&since_2011), "{since_2011}");
    }

    #[test]
    fn bad_rows_come_in_the_requested_share_and_are_counted() {
        let opts = options(20_000, 0.1);
        let (csv, summary) = generate(&opts);
        let (_, rows) = records(&csv);

        let mut names_by_code: HashMap<&str, &str> = HashMap::new();
        let (mut invalid, mut duplicates) = (0, 0);
        for row in &rows {
            match Uscc::parse(&row[0]) {
                Err(error) => {
                    assert_eq!(error.code(), "INVALID_USCC");
                    invalid += 1;
                }
                Ok(uscc) => {
                    assert_eq!(uscc.subject_kind(), SubjectKind::parse(&row[2]).ok());
                    match names_by_code.entry(&row[0]) {
                        Entry::Vacant(first) => {
                            first.insert(&row[1]);
                        }
                        Entry::Occupied(first) => {
                            assert_ne!(*first.get(), &row[1], "a 重错码 row must change the name");
                            duplicates += 1;
                        }
                    }
                }
            }
        }
        assert_eq!((summary.invalid_codes, summary.duplicate_codes), (invalid, duplicates));
        assert!((1800..=2200).contains(&(invalid + duplicates)), "{summary:?}");
        assert!((850..=1150).contains(&invalid), "{summary:?}");
        assert!((850..=1150).contains(&duplicates), "{summary:?}");
    }

    #[test]
    fn rows_regenerate_on_their_own() {
        let opts = options(3000, 0.1);
        let (csv, _) = generate(&opts);
        let (_, rows) = records(&csv);
        let generator = RegistryGenerator::new(&opts).unwrap();
        for index in [0, 1, 999, 2999] {
            let row = generator.row(index).unwrap();
            let written = &rows[index as usize];
            assert_eq!((&written[0], &written[1]), (row.uscc.as_str(), row.name.as_str()));
        }
        let (duplicate, original) = (0..3000)
            .map(|i| generator.row(i).unwrap())
            .find_map(|row| match row.defect {
                Some(Defect::DuplicateUscc { original }) => Some((row, original)),
                _ => None,
            })
            .unwrap();
        assert_eq!(duplicate.defect.map(Defect::code), Some("DUPLICATE_USCC"));
        let original = generator.row(original).unwrap();
        assert_eq!(original.defect, None);
        assert_eq!((original.uscc, original.kind), (duplicate.uscc, duplicate.kind));
        assert_ne!(original.name, duplicate.name);
    }

    #[test]
    fn every_row_is_bad_at_error_rate_one() {
        let (_, summary) = generate(&options(500, 1.0));
        assert_eq!(summary.invalid_codes + summary.duplicate_codes, 500);
        assert_eq!(summary.duplicate_codes, 0, "there is no clean row to copy");
        assert_eq!(summary.active, 0);
    }

    #[test]
    fn other_counties_use_their_own_codes() {
        let opts = RegistryOptions { county: County::from_divisions("440881").unwrap(), ..options(500, 0.0) };
        let (csv, _) = generate(&opts);
        let (_, rows) = records(&csv);
        for row in &rows {
            assert_eq!(Uscc::parse(&row[0]).unwrap().county_code(), "440881");
            assert!(row[3].starts_with("440881"));
            assert!(row[1].starts_with("廉江"));
        }
    }

    #[test]
    fn empty_file_has_just_the_header() {
        let (csv, summary) = generate(&options(0, 0.0));
        assert_eq!(String::from_utf8(csv).unwrap(), format!("{}\n", HEADER.join(",")));
        assert_eq!(summary, RegistrySummary::default());
    }

    #[test]
    fn unusable_options_are_refused() {
        let refused = |opts: RegistryOptions| write_registry(Vec::new(), &opts).is_err();
        assert!(refused(options(10, 1.5)));
        assert!(refused(options(10, -0.1)));
        assert!(refused(options(10, f64::NAN)));
        assert!(refused(RegistryOptions { snapshot_date: ymd(1994, 12, 31), ..options(10, 0.0) }));
        let townless = County { towns: Vec::new(), ..County::leizhou() };
        assert!(refused(RegistryOptions { county: townless, ..options(10, 0.0) }));
    }
}
