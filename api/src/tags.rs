//! Delimited tag lists of codes (",A,B,") and SQL membership tests over them, the same on both databases.

use sea_orm::Condition;
use sea_orm::sea_query::{Expr, ExprTrait, IntoColumnRef};

/// Store a list as ",a,b,"; an empty list is ",".
pub fn encode<I: IntoIterator<Item = S>, S: AsRef<str>>(items: I) -> String {
    let mut out = String::from(",");
    for item in items {
        out.push_str(item.as_ref());
        out.push(',');
    }
    out
}

/// The items of a stored list.
pub fn decode(stored: &str) -> impl Iterator<Item = &str> {
    stored.split(',').filter(|s| !s.is_empty())
}

/// `column` holds any of `values` (tags never contain commas or LIKE wildcards: they are codes).
pub fn contains_any(column: impl IntoColumnRef + Copy, values: &[String]) -> Condition {
    values.iter().fold(Condition::any(), |c, v| c.add(Expr::col(column).like(format!("%,{v},%"))))
}

/// `column` holds no tag at all.
pub fn is_empty(column: impl IntoColumnRef) -> Condition {
    Condition::all().add(Expr::col(column).eq(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_round_trip() {
        let stored = encode(["4408", "440882"]);
        assert_eq!(stored, ",4408,440882,");
        assert_eq!(decode(&stored).collect::<Vec<_>>(), ["4408", "440882"]);
        assert_eq!(decode(&encode(Vec::<String>::new())).count(), 0);
    }
}
