//! After commit: notifications go to live subscribers (`notificationAdded`) and to the outside channels.

use tokio::sync::broadcast;

use super::entity;

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

/// Hands committed notifications to the subscribers of this replica and to the channel.
pub struct Notifier {
    live: broadcast::Sender<entity::Model>,
    channel: Box<dyn Channel>,
}

impl Default for Notifier {
    fn default() -> Self {
        Self { live: broadcast::channel(1024).0, channel: Box::new(LoggingChannel) }
    }
}

impl Notifier {
    /// Call after the transaction that wrote `rows` committed.
    pub fn publish(&self, rows: Vec<entity::Model>) {
        for n in rows {
            self.channel.deliver(&n);
            let _ = self.live.send(n);
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<entity::Model> {
        self.live.subscribe()
    }
}
