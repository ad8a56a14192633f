//! `xinyidai report indicators`: the monitoring report from the command line (platform-wide rights: whoever
//! holds the database URL), as CSV on standard output or a CSV/XLSX file.

use std::io::Write;
use std::path::PathBuf;

use chrono::NaiveDate;
use xyd_domain::IndicatorDimension;

use xinyidai::db::Db;
use xinyidai::indicators::export::{self, ExportFormat};
use xinyidai::indicators::report::{self, ReportRequest};
use xinyidai::institutions::Scope;

/// What `report indicators` was asked.
pub struct ReportArgs {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub region: Option<String>,
    pub group_by: Option<IndicatorDimension>,
    pub format: String,
    pub out: Option<PathBuf>,
}

pub async fn run(db: &Db, args: ReportArgs) -> anyhow::Result<()> {
    let format = ExportFormat::parse(&args.format).map_err(crate::commands::operator)?;
    let request = ReportRequest {
        from: args.from,
        to: args.to,
        region: args.region,
        group_by: args.group_by,
        definitions_version: Some("v1".to_string()),
        tax_grades: true,
    };
    let report = report::compute(db, &Scope::All, request).await.map_err(crate::commands::operator)?;
    let bytes = export::render(&report, format).map_err(crate::commands::operator)?;
    match args.out {
        Some(path) => {
            std::fs::write(&path, bytes)?;
            eprintln!("{} rows written to {}", report.rows.len() + 1, path.display());
        }
        None if format == ExportFormat::Xlsx => anyhow::bail!("XLSX needs --out FILE"),
        None => std::io::stdout().lock().write_all(&bytes)?,
    }
    Ok(())
}
