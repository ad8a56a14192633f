//! The GraphQL schema: roots merged from each capability, scalars, enums, limits and the error policy.

mod cost;
mod enums;
mod error_policy;
mod scalars;
mod schema;

pub use enums::*;
pub use scalars::{GqlDate, GqlDateTime, GqlMoney, GqlRate};
pub use schema::{AppSchema, build_schema, sdl};
