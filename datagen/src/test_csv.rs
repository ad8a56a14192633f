//! Helpers shared by the tests of the generators that write CSV files about the subjects of a
//! registry ([`crate::credit`], [`crate::tax`]).

use std::collections::HashMap;

use crate::GenError;
use crate::registry::{RegistryOptions, write_registry};

/// The bytes `write` writes to a buffer, and the summary it returns.
pub(crate) fn written<S>(write: impl FnOnce(&mut Vec<u8>) -> Result<S, GenError>) -> (Vec<u8>, S) {
    let mut out = Vec::new();
    let summary = write(&mut out).unwrap();
    (out, summary)
}

/// The data rows of `csv`, after checking that its header is `header`.
pub(crate) fn data_rows(csv: &[u8], header: &[&str]) -> Vec<csv::StringRecord> {
    let mut reader = csv::Reader::from_reader(csv);
    assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), header);
    reader.records().map(Result::unwrap).collect()
}

/// The rows of the registry file of `opts` with a valid code, by code (a 重错码 keeps its first
/// row).
pub(crate) fn registry_rows(opts: &RegistryOptions) -> HashMap<String, csv::StringRecord> {
    let mut out = Vec::new();
    write_registry(&mut out, opts).unwrap();
    let mut reader = csv::Reader::from_reader(out.as_slice());
    let mut rows = HashMap::new();
    for row in reader.records().map(Result::unwrap) {
        if xyd_domain::Uscc::parse(&row[0]).is_ok() {
            rows.entry(row[0].to_owned()).or_insert(row);
        }
    }
    rows
}
