//! 行政区划 (administrative divisions) by name: the public `region` and `regions` queries over the 统计用区划代码
//! table compiled into the binary (`xyd-divisions`). Existence checks of codes at the edges (registrations,
//! imports, institutions, products, indicator filters) call `xyd_divisions::parse_code`/`parse_area` directly.

mod graphql;

pub use graphql::{Region, RegionQuery};
