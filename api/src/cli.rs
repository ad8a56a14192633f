//! The `xinyidai` command line.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::db::Db;
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
        Command::Serve => {
            let config = Config::load(cli.config.as_deref())?;
            let state = AppState::init(config).await?;
            crate::serve::run(state).await
        }
    }
}
