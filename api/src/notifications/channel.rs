//! After commit: notifications go to the outside channel (once, from the replica that wrote them) and to live
//! subscribers (`notificationAdded`), both through `events`.

use super::entity;
use crate::state::AppState;

/// An outside channel (SMS, WeChat, e-mail…): an adapter, none built yet.
pub trait Channel: Send + Sync {
    fn deliver(&self, notification: &entity::Model);
}

/// The channel in use until a real one is configured: it logs what it would send.
pub struct LoggingChannel;

impl Channel for LoggingChannel {
    fn deliver(&self, n: &entity::Model) {
        tracing::info!(user = %n.user_id, kind = %n.kind, title = %n.title, "notification (logged, not sent)");
    }
}

/// Call after the transaction that wrote `rows` committed: each goes to the outside channel once (from this
/// replica) and to the live subscribers of every replica (`Events::notifications_written`).
pub async fn publish(state: &AppState, rows: Vec<entity::Model>) {
    state.events.notifications_written(rows).await;
}
