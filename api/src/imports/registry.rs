//! Importing 存续主体名录 snapshots, with the 重错码 (duplicate/erroneous code) check.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use sea_orm::DatabaseTransaction;
use uuid::Uuid;
use xyd_domain::registry::{REQUIRED_COLUMNS, SNAPSHOT_COLUMN};
use xyd_domain::{RegistryRow, RowError, Uscc};

use super::runner::{Cells, Importer};
use crate::error::AppResult;
use crate::institutions::Scope;
use crate::subjects::registry;

const COLUMNS: [&str; 6] =
    [REQUIRED_COLUMNS[0], REQUIRED_COLUMNS[1], REQUIRED_COLUMNS[2], REQUIRED_COLUMNS[3], REQUIRED_COLUMNS[4], SNAPSHOT_COLUMN];

/// Validates registry rows against the importer's jurisdiction and the rows seen before in the file.
pub struct RegistryImporter {
    scope: Scope,
    /// (USCC, snapshot day) → (hash of the name, first line): 32 bytes a row, so a million-row snapshot
    /// costs some 50 MB at most.
    seen: HashMap<(u128, i32), (u64, u64)>,
}

impl RegistryImporter {
    pub fn new(scope: Scope) -> Self {
        Self { scope, seen: HashMap::new() }
    }
}

impl Importer for RegistryImporter {
    type Row = RegistryRow;

    fn required_columns(&self) -> &'static [&'static str] {
        &COLUMNS
    }

    fn check(&mut self, line: u64, cells: &Cells<'_>) -> Result<RegistryRow, RowError> {
        let row = RegistryRow::parse(|c| cells.get(c))?;
        if !self.scope.contains(&row.region) {
            return Err(RowError::new("OUT_OF_JURISDICTION", format!("地区 {} 不在本部门辖区内", row.region)));
        }
        let key = (pack(&row.uscc), chrono::Datelike::num_days_from_ce(&row.snapshot_date));
        let name = name_hash(&row.name);
        match self.seen.get(&key) {
            Some((first_name, first_line)) if *first_name != name => Err(RowError::new(
                "DUPLICATE_USCC",
                format!("重错码：统一社会信用代码 {} 与第{first_line}行重复但名称不同", row.uscc),
            )),
            Some(_) => Ok(row),
            None => {
                self.seen.insert(key, (name, line));
                Ok(row)
            }
        }
    }

    async fn write(txn: &DatabaseTransaction, job: Uuid, rows: Vec<RegistryRow>) -> AppResult<()> {
        registry::upsert(txn, job, rows).await
    }
}

/// A USCC as a number: 18 ASCII characters of 7 bits each fit in 126 bits.
fn pack(uscc: &Uscc) -> u128 {
    uscc.as_str().bytes().fold(0u128, |acc, b| (acc << 7) | u128::from(b))
}

fn name_hash(name: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    xyd_domain::person::name_match_key(name).hash(&mut h);
    h.finish()
}
