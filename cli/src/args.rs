//! The `xinyidai` command line: its arguments.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use xinyidai::imports::source::{Encoding, Format};
use xyd_domain::ImportKind;

#[derive(Parser)]
#[command(name = "xinyidai", version, about = "信易贷融资对接平台 — Xinyidai financing matchmaking platform")]
pub struct Cli {
    /// TOML configuration file (environment variables override it).
    #[arg(long, global = true, env = "XYD_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Migrate the database and serve the API.
    Serve,
    /// Apply pending database migrations.
    Migrate,
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Load demo institutions and accounts (idempotent); see the README for the logins.
    SeedDemo,
    /// Import a CSV file (UTF-8 or GB18030/GBK) or an XLSX workbook (first sheet): registry, credit or tax.
    Import {
        #[arg(value_enum)]
        kind: ImportKindArg,
        file: PathBuf,
        /// Reject rows outside this region code prefix (a bureau's jurisdiction).
        #[arg(long)]
        region: Option<String>,
        /// Where to write the rejected rows (default FILE.rejected.csv).
        #[arg(long)]
        report: Option<PathBuf>,
        /// The CSV file's encoding (GBK and GB2312 files are gb18030); detected when absent.
        #[arg(long, value_enum)]
        encoding: Option<EncodingArg>,
        /// The file's format; detected from its content when absent.
        #[arg(long, value_enum)]
        format: Option<FormatArg>,
    },
    /// Reports for the bureaus.
    Report {
        #[command(subcommand)]
        action: ReportAction,
    },
    /// Maintain the search index.
    Search {
        #[command(subcommand)]
        action: SearchAction,
    },
    /// The tamper-evident audit trails (access log, credit-record events).
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
    /// Write a deterministic synthetic data set (same seed, same bytes) in the import formats.
    GenData {
        #[arg(value_enum, default_value = "registry")]
        kind: GenKind,
        /// Number of rows.
        #[arg(long, default_value_t = 1000)]
        rows: u64,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// County code; 440882 (雷州市, with its 21 towns) by default, any other gets numbered towns.
        #[arg(long, default_value = "440882")]
        county: String,
        /// Share of deliberately bad rows (invalid codes and 重错码), 0 to 1.
        #[arg(long, default_value_t = 0.0)]
        error_rate: f64,
        /// Registry snapshot date (YYYY-MM-DD).
        #[arg(long, default_value = "2026-10-31")]
        snapshot_date: chrono::NaiveDate,
        /// Output file (standard output when absent).
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Banks the products or responses are spread over (1 to 8).
        #[arg(long, default_value_t = 8)]
        banks: usize,
        /// Demands and subjects: months of history, ending now.
        #[arg(long, default_value_t = 12)]
        months: u32,
        /// Demands only: size of the registry the demanding subjects come from.
        #[arg(long, default_value_t = 10_000)]
        registry_rows: u64,
    },
}

#[derive(Subcommand)]
pub enum ReportAction {
    /// 监测指标 (definitions v1) for the Asia/Shanghai days [FROM, TO), as CSV (standard output) or XLSX.
    Indicators {
        #[arg(long)]
        from: chrono::NaiveDate,
        #[arg(long)]
        to: chrono::NaiveDate,
        /// Region code prefix (2, 4, 6 or 9 digits); everywhere when absent.
        #[arg(long)]
        region: Option<String>,
        /// Break down by the next region level, bank, industry section or month.
        #[arg(long, value_enum)]
        group_by: Option<GroupByArg>,
        /// csv or xlsx.
        #[arg(long, default_value = "csv")]
        format: String,
        /// Output file (CSV goes to standard output when absent; XLSX needs one).
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum GroupByArg {
    Region,
    Bank,
    Industry,
    Month,
}

impl From<GroupByArg> for xyd_domain::IndicatorDimension {
    fn from(g: GroupByArg) -> Self {
        match g {
            GroupByArg::Region => Self::Region,
            GroupByArg::Bank => Self::Bank,
            GroupByArg::Industry => Self::Industry,
            GroupByArg::Month => Self::Month,
        }
    }
}

#[derive(Subcommand)]
pub enum SearchAction {
    /// Rebuild the product index from the database into a fresh index and swap it in (no downtime).
    Reindex,
    /// Report documents missing, extra or stale; exits non-zero when there are any.
    Verify,
}

#[derive(Subcommand)]
pub enum AuditAction {
    /// Walk every chain and report the first broken link; exits non-zero when one is broken.
    Verify {
        /// Anchors exported earlier (`audit anchors`) and kept outside the database, compared as well.
        #[arg(long)]
        anchors: Option<PathBuf>,
    },
    /// Anchor yesterday's chain heads (Asia/Shanghai) unless anchored already — the server does it after each
    /// midnight — and print them.
    Anchor,
    /// Print every anchor as CSV (chain,day,seq,hash), to keep outside the database.
    Anchors,
}

/// What `gen-data` writes.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum GenKind {
    /// 存续主体名录 snapshot in the registry import format.
    Registry,
    /// 信用信息 of the subjects of the registry generated with the same options (credit import format).
    Credit,
    /// 纳税信用 of those subjects (tax import format).
    Tax,
    /// Financing demands and bank response histories over `--months` months, for subjects of the registry
    /// generated with the same options; written into the configured database. `--rows` is the number of
    /// demands, `--registry-rows` the registry size they draw from.
    Demands,
    /// The existing subjects of the registry generated with the same options, registered on the platform
    /// (85% verified) at times spread over `--months` months; written into the configured database.
    /// Import the registry (`gen-data registry` then `import registry`) first for the denominators.
    Subjects,
    /// Loan products of several banks, written into the configured database (indexed by `serve` or
    /// `search reindex`); `--rows` is the number of products.
    Products,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ImportKindArg {
    Registry,
    Credit,
    Tax,
}

/// `--encoding` of `import`.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum EncodingArg {
    /// UTF-8, with or without a BOM.
    #[value(name = "utf8", alias = "utf-8")]
    Utf8,
    /// GB18030, which contains GBK and GB2312 (CSV files saved by Chinese Windows and Excel).
    #[value(name = "gb18030", alias = "gbk")]
    Gb18030,
}

impl From<EncodingArg> for Encoding {
    fn from(e: EncodingArg) -> Self {
        match e {
            EncodingArg::Utf8 => Encoding::Utf8,
            EncodingArg::Gb18030 => Encoding::Gb18030,
        }
    }
}

/// `--format` of `import`.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum FormatArg {
    Csv,
    /// The first sheet of an Excel workbook.
    Xlsx,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Csv => Format::Csv,
            FormatArg::Xlsx => Format::Xlsx,
        }
    }
}

impl From<ImportKindArg> for ImportKind {
    fn from(k: ImportKindArg) -> Self {
        match k {
            ImportKindArg::Registry => ImportKind::Registry,
            ImportKindArg::Credit => ImportKind::Credit,
            ImportKindArg::Tax => ImportKind::Tax,
        }
    }
}
