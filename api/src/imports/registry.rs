//! Importing 存续主体名录 snapshots, with the 重错码 (duplicate/erroneous code) check.

use std::collections::{BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::Mutex;

use chrono::{NaiveDate, Utc};

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseTransaction, Statement};
use xyd_divisions::Divisions;
use xyd_domain::demand::local_date;
use xyd_domain::registry::{REQUIRED_COLUMNS, SNAPSHOT_COLUMN};
use xyd_domain::{ImportJobId, RegistryRow, RowError, Uscc};
use xyd_reasons::Reason;

use super::runner::{Cells, Importer, Refusals};
use crate::crypto::FieldCipher;
use crate::error::AppResult;
use crate::institutions::Scope;
use crate::subjects::registry;

const COLUMNS: [&str; 6] = [
    REQUIRED_COLUMNS[0],
    REQUIRED_COLUMNS[1],
    REQUIRED_COLUMNS[2],
    REQUIRED_COLUMNS[3],
    REQUIRED_COLUMNS[4],
    SNAPSHOT_COLUMN,
];

/// Validates registry rows against the importer's jurisdiction and the rows seen before in the file.
pub struct RegistryImporter {
    scope: Scope,
    cipher: FieldCipher,
    /// The database the statements are built for.
    backend: DatabaseBackend,
    /// Today in Asia/Shanghai: no snapshot may be dated later.
    today: NaiveDate,
    /// (USCC, snapshot day) packed into one number → (32-bit hash of the name, first line): 24 bytes a
    /// row, so a million-row snapshot costs about 50 MB of table.
    seen: HashMap<u128, (u32, u32)>,
}

impl RegistryImporter {
    pub fn new(scope: Scope, cipher: FieldCipher, backend: DatabaseBackend) -> Self {
        Self { scope, cipher, backend, today: local_date(Utc::now()), seen: HashMap::new() }
    }
}

/// What writing needs: the jurisdiction (for cross-region codes), the data key (for ID-number hashes), the
/// database, and the snapshot dates written, whose summary counts are refreshed when the job ends.
pub struct RegistryWriter {
    scope: Scope,
    cipher: FieldCipher,
    backend: DatabaseBackend,
    dates: Mutex<BTreeSet<NaiveDate>>,
}

impl Importer for RegistryImporter {
    type Row = RegistryRow;
    type Writer = RegistryWriter;

    fn writer(&self) -> Self::Writer {
        RegistryWriter {
            scope: self.scope.clone(),
            cipher: self.cipher.clone(),
            backend: self.backend,
            dates: Mutex::default(),
        }
    }

    fn required_columns(&self) -> &'static [&'static str] {
        &COLUMNS
    }

    fn check(&mut self, line: u64, cells: &Cells<'_>) -> Result<RegistryRow, RowError> {
        let row = RegistryRow::parse(|c| cells.get(c), self.today)?;
        Divisions::embedded().existing(&row.region)?;
        if !self.scope.contains(&row.region) {
            return Err(RowError(Reason::RegionOutOfJurisdiction { region: row.region.to_string() }));
        }
        let key = key(&row.uscc, row.snapshot_date);
        let name = name_hash(&row.name);
        match self.seen.get(&key) {
            Some((first_name, first_line)) if *first_name != name => {
                Err(RowError(Reason::DuplicateUscc { uscc: row.uscc.to_string(), first_line: *first_line }))
            }
            Some(_) => Ok(row),
            None => {
                self.seen.insert(key, (name, u32::try_from(line).unwrap_or(u32::MAX)));
                Ok(row)
            }
        }
    }

    /// The upsert statement, built (ID numbers hashed) while the previous batch is written.
    type Prepared = Option<Statement>;

    /// A code that stands in another jurisdiction's latest snapshot is refused as a 重错码 (`CROSS_REGION_USCC`).
    /// The file's own rows lie inside the jurisdiction, so they never change the answer.
    async fn refuse(
        writer: &Self::Writer,
        txn: &DatabaseTransaction,
        rows: Vec<(u64, RegistryRow)>,
    ) -> AppResult<Refusals<RegistryRow>> {
        let keys: Vec<(&str, &xyd_domain::RegionCode)> =
            rows.iter().map(|(_, r)| (r.uscc.as_str(), &r.region)).collect();
        let elsewhere = registry::standing_elsewhere(txn, &writer.scope, &keys).await?;
        let (refused, accepted): (Vec<_>, Vec<_>) =
            rows.into_iter().partition(|(_, r)| elsewhere.contains(r.uscc.as_str()));
        let refused = refused
            .into_iter()
            .map(|(line, r)| (line, RowError(Reason::CrossRegionUscc { uscc: r.uscc.to_string() })))
            .collect();
        Ok(Refusals { accepted, refused })
    }

    fn prepare(writer: &Self::Writer, job: ImportJobId, rows: Vec<(u64, RegistryRow)>) -> Self::Prepared {
        let rows: Vec<RegistryRow> = rows.into_iter().map(|(_, r)| r).collect();
        if let Ok(mut dates) = writer.dates.lock() {
            dates.extend(rows.iter().map(|r| r.snapshot_date));
        }
        registry::upsert_statement(writer.backend, job, rows, &writer.cipher)
    }

    async fn write(
        _: &Self::Writer,
        txn: &DatabaseTransaction,
        _: ImportJobId,
        statement: Self::Prepared,
    ) -> AppResult<Vec<(u64, RowError)>> {
        if let Some(statement) = statement {
            txn.execute_raw(statement).await?;
        }
        Ok(Vec::new())
    }

    async fn finish(writer: &Self::Writer, txn: &DatabaseTransaction) -> AppResult<()> {
        let dates = writer.dates.lock().map(|d| d.clone()).unwrap_or_default();
        crate::subjects::registry_counts::refresh(txn, &dates).await
    }
}

const USCC_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// A USCC and a snapshot date as one number: the code in base 31 (18 digits < 2^90) above the date's day
/// number (17 bits).
fn key(uscc: &Uscc, snapshot: chrono::NaiveDate) -> u128 {
    let code = uscc.as_str().bytes().fold(0u128, |acc, b| {
        let digit = USCC_ALPHABET.iter().position(|c| *c == b).unwrap_or(0) as u128;
        acc * 31 + digit
    });
    let day = chrono::Datelike::num_days_from_ce(&snapshot).rem_euclid(1 << 17) as u128;
    (code << 17) | day
}

fn name_hash(name: &str) -> u32 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    xyd_domain::person::name_match_key(name).hash(&mut h);
    h.finish() as u32
}
