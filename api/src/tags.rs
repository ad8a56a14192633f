//! SQL membership tests over delimited tag lists (",A,B,", stored by `xyd_domain::TagList`), the same on both
//! databases.

use sea_orm::Condition;
use sea_orm::sea_query::{Expr, ExprTrait, IntoColumnRef};

/// `column` holds any of `values` (tags never contain commas or LIKE wildcards: they are codes).
pub fn contains_any(column: impl IntoColumnRef + Copy, values: &[String]) -> Condition {
    values.iter().fold(Condition::any(), |c, v| c.add(Expr::col(column).like(format!("%,{v},%"))))
}

/// `column` holds no tag at all.
pub fn is_empty(column: impl IntoColumnRef) -> Condition {
    Condition::all().add(Expr::col(column).eq(","))
}
