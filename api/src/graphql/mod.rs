//! The GraphQL schema: roots merged from each capability, scalars, enums, limits and the error policy.

mod cost;
mod depth;
mod enums;
mod error_policy;
mod scalars;
mod schema;

pub use enums::*;
pub use scalars::{GqlDate, GqlDateTime, GqlMoney, GqlRate};

/// An `ID` argument as the UUID it must be, or BAD_USER_INPUT (`INVALID_ID`) on `field`.
pub fn id_arg<T: std::str::FromStr>(id: &str, field: &str) -> crate::error::AppResult<T> {
    id.parse().map_err(|_| crate::error::AppError::bad_input(field, "INVALID_ID", "ID 格式不正确"))
}
pub use schema::{AppSchema, build_schema, sdl};
