//! 站内消息 (notifications): an inbox per user, written in the same transaction as the event (a bank accepts,
//! rejects or grants; a demand names a bank's product; an offer is chosen or declined; a renewal is requested
//! or decided), pushed after commit to live subscribers on every replica (`events`) and to an outside channel
//! (an adapter; it logs).

pub mod channel;
pub mod entity;
mod graphql;
pub mod held;
pub mod inbox;

pub use channel::{Channel, LoggingChannel, publish};
pub use graphql::{Notification, NotificationMutation, NotificationQuery, NotificationSubscription};
pub use inbox::{Message, NotificationRow, Recipients, notify};
