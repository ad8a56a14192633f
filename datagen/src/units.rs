//! Small constructors for amounts and rates used across the generators.

use xyd_domain::{Money, Rate};

/// `yuan` whole yuan.
pub(crate) fn yuan(yuan: i64) -> Money {
    Money::from_fen(yuan * 100)
}

/// A rate of `bp` basis points; every caller stays within 0–100 %.
pub(crate) fn rate(bp: i32) -> Rate {
    Rate::from_bp(bp).unwrap_or_default()
}
