//! `xinyidai`: see `xyd_cli::args` for the commands.

use std::io::IsTerminal;

use clap::Parser;
use tracing_subscriber::EnvFilter;
use xyd_cli::args::{Cli, Command};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let serving = matches!(cli.command, Command::Serve);
    init_tracing(serving);
    match xyd_cli::commands::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            if serving {
                tracing::error!(error = format!("{e:#}"), "xinyidai failed");
            }
            eprintln!("错误：{e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// `serve` logs JSON lines for the log collector. Every other command is a person at a terminal: a compact
/// human format, and only warnings from the libraries (no migration notices between the progress bar and the
/// summary). `RUST_LOG` overrides either.
fn init_tracing(serving: bool) {
    let from_env = EnvFilter::try_from_default_env().ok();
    if serving {
        tracing_subscriber::fmt()
            .json()
            .with_env_filter(from_env.unwrap_or_else(|| EnvFilter::new("info")))
            .with_current_span(true)
            .with_writer(std::io::stderr)
            .init();
    } else {
        tracing_subscriber::fmt()
            .compact()
            .without_time()
            .with_target(false)
            .with_ansi(std::io::stderr().is_terminal())
            .with_env_filter(from_env.unwrap_or_else(|| EnvFilter::new("warn,xyd_cli=info,meilisearch_sdk=error")))
            .with_writer(std::io::stderr)
            .init();
    }
}
