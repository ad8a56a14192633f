//! One function per command of `xinyidai`.

use std::path::Path;

use xinyidai::config::Config;
use xinyidai::db::Db;
use xinyidai::error::AppError;
use xinyidai::imports::source::SourceOptions;
use xinyidai::state::AppState;

use crate::args::{Cli, Command, GenKind, ReportAction, SearchAction};
use crate::gen_data::{self, GenData};

/// An application error as the operator should read it: with its code and, when internal, its cause.
pub fn operator(e: AppError) -> anyhow::Error {
    anyhow::anyhow!(e.operator_message())
}

/// Run the parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = cli.config.as_deref();
    match cli.command {
        Command::Serve => serve(config).await,
        Command::Migrate => migrate(config).await,
        Command::Schema => {
            print!("{}", xinyidai::schema::sdl());
            Ok(())
        }
        Command::SeedDemo => crate::demo::seed(&xinyidai::startup::init(Config::load(config)?).await?).await,
        Command::Import { kind, file, region, report, encoding, format } => {
            let source = SourceOptions { format: format.map(Into::into), encoding: encoding.map(Into::into) };
            let options = crate::import::ImportOptions { region, report, source };
            import(config, kind.into(), &file, options).await
        }
        Command::GenData { kind, rows, seed, county, error_rate, snapshot_date, out, banks, months, registry_rows } => {
            let g = GenData { rows, seed, county, error_rate, snapshot_date, banks, months, registry_rows };
            match kind {
                GenKind::Registry | GenKind::Credit | GenKind::Tax => gen_data::files(kind, &g, out),
                GenKind::Demands | GenKind::Subjects | GenKind::Products => {
                    let state = xinyidai::startup::init(Config::load(config)?).await?;
                    gen_data::into_database(&state, kind, &g).await
                }
            }
        }
        Command::Report { action: ReportAction::Indicators { from, to, region, group_by, format, out } } => {
            let config = Config::load(config)?;
            let db = Db::open(&config.database, 8).await?;
            xinyidai::startup::migrate(&db).await?;
            let args = crate::report::ReportArgs { from, to, region, group_by: group_by.map(Into::into), format, out };
            crate::report::run(&db, args).await
        }
        Command::Search { action } => search(config, action).await,
        Command::Audit { action } => crate::audit::run(config, action).await,
    }
}

async fn serve(config: Option<&Path>) -> anyhow::Result<()> {
    let state = xinyidai::startup::init(Config::load(config)?).await?;
    xinyidai::serve::run(state).await
}

async fn migrate(config: Option<&Path>) -> anyhow::Result<()> {
    let config = Config::load(config)?;
    let db = Db::connect(config.database.url.expose(), 2).await?;
    xinyidai::startup::migrate(&db).await?;
    tracing::info!("migrations applied");
    Ok(())
}

async fn import(
    config: Option<&Path>,
    kind: xyd_domain::ImportKind,
    file: &Path,
    options: crate::import::ImportOptions,
) -> anyhow::Result<()> {
    let config = Config::load(config)?;
    let db = Db::connect(config.database.url.expose(), 4).await?;
    xinyidai::startup::migrate(&db).await?;
    let state = AppState::new(config, db).await?;
    crate::import::import_file_with(&state, kind, file, options).await
}

async fn search(config: Option<&Path>, action: SearchAction) -> anyhow::Result<()> {
    let state = xinyidai::startup::init(Config::load(config)?).await?;
    match action {
        SearchAction::Reindex => {
            let n = xinyidai::products::projection::reindex(&state).await.map_err(operator)?;
            println!("reindexed {n} published products");
            Ok(())
        }
        SearchAction::Verify => {
            let report = xinyidai::products::projection::verify(&state).await.map_err(operator)?;
            println!(
                "missing {} {:?}\nextra {} {:?}\nstale {} {:?}",
                report.missing.len(),
                report.missing,
                report.extra.len(),
                report.extra,
                report.stale.len(),
                report.stale
            );
            if report.is_clean() { Ok(()) } else { anyhow::bail!("the index differs from the database") }
        }
    }
}
