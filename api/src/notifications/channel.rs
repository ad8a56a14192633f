//! After commit: notifications go to live subscribers (`notificationAdded`) and to the outside channels.

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

/// Hands committed notifications to the outside channel.
pub struct Notifier {
    channel: Box<dyn Channel>,
}

impl Default for Notifier {
    fn default() -> Self {
        Self { channel: Box::new(LoggingChannel) }
    }
}

/// Call after the transaction that wrote `rows` committed: each goes to the outside channel once (from this
/// replica) and to the live subscribers of every replica (`events`).
pub async fn publish(state: &AppState, rows: Vec<entity::Model>) {
    for n in &rows {
        state.notifier.channel.deliver(n);
    }
    state.events.notifications_written(rows).await;
}
