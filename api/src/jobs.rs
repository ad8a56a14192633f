//! Scheduled work: a job runs at start, then once per period, until the server shuts down.

use std::future::Future;
use std::time::Duration;

use tokio::sync::watch;

/// Run `job` now and then every `period` until `shutdown` turns true; a failed run is logged and the next one
/// tried on time.
pub fn spawn_every<F, Fut>(
    name: &'static str,
    period: Duration,
    mut shutdown: watch::Receiver<bool>,
    mut job: F,
) -> tokio::task::JoinHandle<()>
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future<Output = Result<(), String>> + Send,
{
    tokio::spawn(async move {
        loop {
            if let Err(error) = job().await {
                tracing::warn!(job = name, %error, "scheduled job failed");
            }
            tokio::select! {
                () = tokio::time::sleep(period) => {}
                _ = shutdown.changed() => {}
            }
            if *shutdown.borrow() {
                break;
            }
        }
    })
}
