//! The GraphQL base every capability builds on: scalars, enums, and the gate every request passes (the request
//! limits, depth and cost; the error policy). The schema root that merges the capabilities is `crate::schema`.

mod cost;
mod depth;
mod enums;
mod error_policy;
mod fields;
mod gate;
mod scalars;
mod variables;

use xyd_reasons::Reason;

pub use enums::*;
pub use scalars::{GqlDate, GqlDateTime, GqlMoney, GqlRate};

/// A request refused before it runs (by a limit on its document, or the transport), for `reason`: its class as
/// `code`, the reason, then `details` that explain it.
pub(crate) fn refused_request(reason: &Reason, details: &[(&str, async_graphql::Value)]) -> async_graphql::ServerError {
    let mut err = async_graphql::ServerError::new(reason.message(), None);
    let mut ext = async_graphql::ErrorExtensionValues::default();
    ext.set("code", reason.class().as_str());
    ext.set("reason", reason.code());
    for (name, value) in details {
        ext.set(*name, value.clone());
    }
    err.extensions = Some(ext);
    err
}

/// An `ID` argument as the UUID it must be, or BAD_USER_INPUT (`INVALID_ID`) on `field`.
pub fn id_arg<T: std::str::FromStr>(id: &str, field: &str) -> crate::error::AppResult<T> {
    id.parse().map_err(|_| crate::error::AppError::input(field, Reason::InvalidId))
}
pub use error_policy::classify;
pub use gate::Gate;
