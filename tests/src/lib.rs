//! Test harness: the real application on a free port, against a fresh PostgreSQL database (cloned from a
//! migrated template) or a fresh SQLite file, and a real Meilisearch server.
//!
//! `both_backends!` turns one async test body into a PostgreSQL and a SQLite test.

// Harness code: a panic here is a failed test, which is the point.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod app;
pub mod fixtures;
mod graphql;
pub mod postgres;
pub mod served;

pub use app::{Backend, TestApp, Tokens};
pub use graphql::{GqlResponse, assert_reasons_conform};
pub use xyd_testkit::MeiliServer;

/// The npm test tools (graphql-schema-linter, graphql-http) that `scripts/test.sh` installs and names in
/// `XYD_NPM_TOOLS`; none, with a warning, when they are missing outside CI (a failure in CI).
pub fn npm_tools() -> Option<std::path::PathBuf> {
    let Some(dir) = std::env::var_os("XYD_NPM_TOOLS").filter(|d| !d.is_empty()) else {
        assert_ne!(std::env::var("CI").as_deref(), Ok("true"), "CI needs the npm test tools (XYD_NPM_TOOLS)");
        eprintln!("warning: XYD_NPM_TOOLS is not set (scripts/install-npm-tools.sh): test skipped");
        return None;
    };
    Some(std::path::PathBuf::from(dir))
}

/// Write each test once; run it on PostgreSQL and on SQLite.
///
/// ```ignore
/// both_backends! {
///     async fn admin_can_log_in(app) { ... }
/// }
/// ```
#[macro_export]
macro_rules! both_backends {
    ($(async fn $name:ident($app:ident) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($app: $crate::TestApp) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = $crate::TestApp::spawn($crate::Backend::Postgres).await {
                    run(app).await;
                }
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(app) = $crate::TestApp::spawn($crate::Backend::Sqlite).await {
                    run(app).await;
                }
            }
        }
    )*};
}
