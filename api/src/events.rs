//! Live events across replicas: a demand posted (`newOpportunities`), notifications written
//! (`notificationAdded`). Subscriptions read this replica's broadcast channels. On PostgreSQL those channels
//! are fed only by `LISTEN xyd_events`, which every replica's writes `NOTIFY` with ids after they commit, so a
//! bank subscribed on replica B hears of a demand posted through replica A; each replica loads the rows and
//! each subscription shows only what its user may see. SQLite — one process — sends straight to the channels.
//!
//! Events are for the live view only: a replica that is down or reconnecting misses some, and the inbox and
//! the lists still hold everything.
//!
//! The same connection hears the product catalogue move (`xyd_catalog`), for the product search.

use std::sync::Arc;

use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use tokio::sync::{broadcast, watch};
use xyd_domain::{DemandId, NotificationId};

use crate::db::Db;
use crate::notifications::{Channel, LoggingChannel, NotificationRow};
use crate::state::AppState;

/// The PostgreSQL channel all replicas of a database share.
const CHANNEL: &str = "xyd_events";
/// The channel on which a commit that moved the product catalogue or its index is heard (migration
/// `m20261206_000018_catalog_notify`).
const CATALOG: &str = "xyd_catalog";

/// Ids per NOTIFY (payloads are limited to 8,000 bytes).
const IDS_PER_NOTIFY: usize = 100;

#[derive(Clone)]
pub struct Events {
    db: Db,
    /// The outside channel committed notifications go to (SMS, WeChat, e-mail…; logged until one is built).
    channel: Arc<dyn Channel>,
    demands: broadcast::Sender<DemandId>,
    notifications: broadcast::Sender<NotificationRow>,
}

impl Events {
    pub fn new(db: Db) -> Self {
        Self {
            db,
            channel: Arc::new(LoggingChannel),
            demands: broadcast::channel(1024).0,
            notifications: broadcast::channel(1024).0,
        }
    }

    fn shared(&self) -> bool {
        self.db.backend() == DatabaseBackend::Postgres
    }

    /// Call after the transaction that posted demand `id` committed.
    pub async fn demand_posted(&self, id: DemandId) {
        if self.shared() {
            self.notify(format!("d:{id}")).await;
        } else {
            let _ = self.demands.send(id);
        }
    }

    /// Call after the transaction that wrote `rows` committed.
    /// Call after the transaction that wrote `rows` committed: each goes to the outside channel once (from this
    /// replica) and to the live subscribers of every replica.
    pub async fn notifications_written(&self, rows: Vec<NotificationRow>) {
        for n in &rows {
            self.channel.deliver(n);
        }
        if self.shared() {
            for chunk in rows.chunks(IDS_PER_NOTIFY) {
                let ids: Vec<String> = chunk.iter().map(|n| n.id.to_string()).collect();
                self.notify(format!("n:{}", ids.join(","))).await;
            }
        } else {
            for n in rows {
                let _ = self.notifications.send(n);
            }
        }
    }

    pub fn demands(&self) -> broadcast::Receiver<DemandId> {
        self.demands.subscribe()
    }

    pub fn notifications(&self) -> broadcast::Receiver<NotificationRow> {
        self.notifications.subscribe()
    }

    async fn notify(&self, payload: String) {
        let statement = Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [CHANNEL.into(), payload.into()],
        );
        if let Err(error) = self.db.conn().execute_raw(statement).await {
            tracing::warn!(%error, "live event not sent; subscribers will not see it");
        }
    }

    /// Hand an event heard on the channel to this replica's subscribers.
    async fn deliver(&self, payload: &str) {
        if let Some(id) = payload.strip_prefix("d:") {
            if let Ok(id) = id.parse::<DemandId>() {
                let _ = self.demands.send(id);
            }
        } else if let Some(ids) = payload.strip_prefix("n:") {
            let ids: Vec<NotificationId> = ids.split(',').filter_map(|id| id.parse().ok()).collect();
            match crate::notifications::inbox::by_ids(self.db.conn(), ids).await {
                Ok(rows) => rows.into_iter().for_each(|n| drop(self.notifications.send(n))),
                Err(error) => tracing::warn!(%error, "live notifications not loaded"),
            }
        }
    }
}

/// On PostgreSQL, start listening (before the server accepts subscriptions, so none misses an event posted
/// after it subscribed) and, until `shutdown`, hand what is heard to `state`: live events to its subscribers,
/// catalogue changes to its product search (which, while this listener hears every change, stops reading the
/// catalogue's revision per search; see `products::revision`).
pub async fn spawn_listener(
    state: AppState,
    mut shutdown: watch::Receiver<bool>,
) -> Option<tokio::task::JoinHandle<()>> {
    if !state.events.shared() {
        return None;
    }
    let listening = async {
        let mut listener = PgListener::connect_with(state.db.conn().get_postgres_connection_pool()).await?;
        listener.listen_all([CHANNEL, CATALOG]).await?;
        // Told of a lost connection at once (not after reconnecting), so the product search stops trusting what
        // it heard before it can have missed anything.
        listener.eager_reconnect(false);
        Ok::<_, sea_orm::sqlx::Error>(listener)
    };
    let mut listener = match listening.await {
        Ok(listener) => listener,
        Err(error) => {
            tracing::warn!(%error, "cannot LISTEN: live subscriptions hear nothing on this replica");
            return None;
        }
    };
    Some(tokio::spawn(async move {
        let (search, conn) = (&state.product_search, state.db.conn());
        search.hearing(conn, true).await;
        loop {
            tokio::select! {
                heard = listener.try_recv() => match heard {
                    Ok(Some(notification)) if notification.channel() == CATALOG => search.changed(conn).await,
                    Ok(Some(notification)) => state.events.deliver(notification.payload()).await,
                    // The connection was lost (`None`), or could not be made again (an error).
                    lost => {
                        search.hearing(conn, false).await;
                        if let Err(error) = lost {
                            tracing::warn!(%error, "event listener cannot connect");
                            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                        } else {
                            tracing::warn!("event listener lost its connection; events sent meanwhile are lost");
                        }
                        // A statement on the listener connects it again, with its LISTENs (this one repeats one, and
                        // names the connection as a listener's in pg_stat_activity); the product search then reads
                        // what it may have missed.
                        let again = format!(r#"LISTEN "{CATALOG}""#);
                        if sea_orm::sqlx::query(sea_orm::sqlx::AssertSqlSafe(again)).execute(&mut listener).await.is_ok() {
                            search.hearing(conn, true).await;
                        }
                    }
                },
                _ = shutdown.changed() => break,
            }
        }
        search.hearing(conn, false).await;
    }))
}
