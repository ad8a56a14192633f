//! Market subjects (市场主体) and natural persons (自然人): self-registration, 实名认证 against the registry or by review, who sees what,
//! and the registry snapshots (存续主体名录) that registration is matched against.

pub mod claim;
pub mod entity;
mod graphql;
pub mod held;
pub mod person;
pub mod register;
pub mod registry;
pub mod registry_counts;
mod repo;
pub mod verify;
mod view;

pub use claim::ensure_verified;
pub use graphql::{SubjectMutation, SubjectQuery};
pub use repo::{SubjectRepo, SubjectRow};
pub use view::{Subject, SubjectLens, SubjectView};
