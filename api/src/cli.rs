//! The `xinyidai` command line.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::db::Db;
use crate::imports::job::ImportKind;
use crate::state::AppState;

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
    /// Import a CSV file (formats in the README): registry, credit or tax.
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
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ImportKindArg {
    Registry,
    Credit,
    Tax,
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

/// Run the parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Schema => {
            print!("{}", crate::graphql::sdl());
            Ok(())
        }
        Command::Migrate => {
            let config = Config::load(cli.config.as_deref())?;
            let db = Db::connect(config.database.url.expose(), 2).await?;
            db.migrate().await?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::SeedDemo => {
            let config = Config::load(cli.config.as_deref())?;
            let state = AppState::init(config).await?;
            crate::demo::seed(&state).await
        }
        Command::Import { kind, file, region, report } => {
            let config = Config::load(cli.config.as_deref())?;
            let db = Db::connect(config.database.url.expose(), 4).await?;
            db.migrate().await?;
            let state = AppState::new(config, db).await?;
            crate::imports::cli::import_file(&state, kind.into(), &file, region.as_deref(), report).await
        }
        Command::Serve => {
            let config = Config::load(cli.config.as_deref())?;
            let state = AppState::init(config).await?;
            crate::serve::run(state).await
        }
    }
}
