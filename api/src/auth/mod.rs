//! Authentication and sessions: password login, short-lived access JWTs (RFC 8725), rotating server-side
//! refresh tokens, login rate limits, the bootstrap administrator, and the `Principal` every request carries.

pub mod bootstrap;
pub mod entities;
mod graphql;
pub mod held;
pub mod password;
pub mod principal;
pub mod rate_limit;
pub mod sessions;
pub mod tokens;
pub mod user;

pub use graphql::{AuthMutation, AuthPayload, AuthQuery};
pub use principal::Principal;
pub use user::User;
