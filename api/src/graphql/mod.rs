//! The GraphQL schema: roots merged from each capability, scalars, enums, limits and the error policy.

mod cost;
mod depth;
mod enums;
mod error_policy;
mod scalars;
mod schema;

pub use enums::*;
pub use scalars::{GqlDate, GqlDateTime, GqlMoney, GqlRate};

/// A request refused before it runs (by a limit on its document), with its `extensions`: `code` first, then
/// what explains the refusal.
fn refused_request(message: &str, extensions: &[(&str, async_graphql::Value)]) -> async_graphql::ServerError {
    let mut err = async_graphql::ServerError::new(message, None);
    let mut ext = async_graphql::ErrorExtensionValues::default();
    for (name, value) in extensions {
        ext.set(*name, value.clone());
    }
    err.extensions = Some(ext);
    err
}

/// An `ID` argument as the UUID it must be, or BAD_USER_INPUT (`INVALID_ID`) on `field`.
pub fn id_arg<T: std::str::FromStr>(id: &str, field: &str) -> crate::error::AppResult<T> {
    id.parse().map_err(|_| crate::error::AppError::bad_input(field, "INVALID_ID", "ID 格式不正确"))
}
pub use schema::{AppSchema, build_schema, sdl};
