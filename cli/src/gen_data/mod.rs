//! `xinyidai gen-data`: deterministic synthetic data (same seed, same bytes) — import files, or histories
//! written straight into the configured database.

pub mod demands;
pub mod products;
pub mod subjects;

use std::path::PathBuf;

use chrono::NaiveDate;
use xinyidai::error::{AppError, AppResult};
use xinyidai::institutions::InstitutionRepo;
use xinyidai::state::AppState;
use xyd_datagen::products::{DEFAULT_BANKS, bank_uscc};
use xyd_datagen::region::County;
use xyd_datagen::registry::RegistryOptions;
use xyd_domain::{InstitutionId, InstitutionKind, RegionPrefix};

use crate::args::GenKind;
use crate::commands::operator;

/// The options of `gen-data`, shared by its kinds.
pub struct GenData {
    pub rows: u64,
    pub seed: u64,
    pub county: String,
    pub error_rate: f64,
    pub snapshot_date: NaiveDate,
    pub banks: usize,
    pub months: u32,
    pub registry_rows: u64,
}

impl GenData {
    fn county(&self) -> anyhow::Result<County> {
        Ok(County::from_divisions(&self.county)?)
    }

    fn registry(&self, rows: u64, error_rate: f64) -> anyhow::Result<RegistryOptions> {
        let county = self.county()?;
        Ok(RegistryOptions { rows, seed: self.seed, county, snapshot_date: self.snapshot_date, error_rate })
    }
}

/// Registry, credit or tax rows in the import formats, to `out` or standard output.
pub fn files(kind: GenKind, g: &GenData, out: Option<PathBuf>) -> anyhow::Result<()> {
    let registry = g.registry(g.rows, g.error_rate)?;
    let out: Box<dyn std::io::Write> = match out {
        Some(path) => Box::new(std::io::BufWriter::new(std::fs::File::create(&path)?)),
        None => Box::new(std::io::stdout().lock()),
    };
    match kind {
        GenKind::Registry => {
            let s = xyd_datagen::registry::write_registry(out, &registry)?;
            eprintln!(
                "{} rows ({} existing, {} invalid codes, {} duplicate codes)",
                s.rows, s.active, s.invalid_codes, s.duplicate_codes
            );
        }
        GenKind::Credit => {
            let options = xyd_datagen::credit::CreditOptions { registry, ..Default::default() };
            let s = xyd_datagen::credit::write_credit(out, &options)?;
            eprintln!("{} credit records {:?}", s.records, s.by_category);
        }
        GenKind::Tax => {
            let options = xyd_datagen::tax::TaxOptions { registry, ..Default::default() };
            let s = xyd_datagen::tax::write_tax(out, &options)?;
            eprintln!("{} tax rows {:?}", s.rows, s.by_grade);
        }
        GenKind::Demands | GenKind::Subjects | GenKind::Products => {
            anyhow::bail!("this kind is written into the database, not a file")
        }
    }
    Ok(())
}

/// Demands with their responses, registered subjects, or products, written into the configured database.
pub async fn into_database(state: &AppState, kind: GenKind, g: &GenData) -> anyhow::Result<()> {
    match kind {
        GenKind::Demands => {
            let start = chrono::Utc::now() - chrono::Duration::days(i64::from(g.months) * 30);
            let options = xyd_datagen::demands::DemandOptions {
                registry: g.registry(g.registry_rows, 0.0)?,
                demands: g.rows,
                banks: g.banks,
                start,
                months: g.months,
            };
            options.validate()?;
            let seeded = demands::seed(state, &options).await.map_err(operator)?;
            eprintln!("{seeded:?}");
        }
        GenKind::Subjects => {
            let offered =
                subjects::seed(state, &g.registry(g.rows, g.error_rate)?, g.months).await.map_err(operator)?;
            eprintln!("{offered} existing subjects offered for registration (already registered ones kept)");
        }
        GenKind::Products => {
            let options = xyd_datagen::products::ProductOptions {
                count: g.rows,
                seed: g.seed,
                banks: g.banks,
                county: g.county()?,
            };
            let published = products::seed(state, &options).await.map_err(operator)?;
            eprintln!("{} products ({published} published) written to the database", g.rows);
        }
        GenKind::Registry | GenKind::Credit | GenKind::Tax => anyhow::bail!("this kind is written to a file"),
    }
    Ok(())
}

/// The first `count` (1 to 8) of datagen's `DEFAULT_BANKS`, in that order, each created (serving `area`) when
/// missing. Generated products and histories attach to banks by name, so banks created beforehand with their
/// staff logins (`seed-demo`) are found, not duplicated.
pub async fn banks(state: &AppState, count: usize, area: &RegionPrefix) -> AppResult<Vec<InstitutionId>> {
    let mut banks = Vec::new();
    for (index, name) in DEFAULT_BANKS.iter().enumerate().take(count.clamp(1, DEFAULT_BANKS.len())) {
        let id = match InstitutionRepo::find_by_name(state.db.conn(), InstitutionKind::Bank, name).await? {
            Some(id) => id,
            None => {
                let uscc = bank_uscc(index).map_err(AppError::from)?;
                let txn = state.db.begin_write().await?;
                let created = InstitutionRepo::insert(&*txn, InstitutionKind::Bank, name, area, Some(&uscc)).await?;
                txn.commit().await?;
                InstitutionId::parse(&created.id).map_err(AppError::from)?
            }
        };
        banks.push(id);
    }
    Ok(banks)
}
