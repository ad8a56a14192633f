//! 行政区划 (administrative divisions) by name: the public `region` and `regions` queries over the 统计用区划代码
//! table compiled into the binary (`xyd-divisions`).
//!
//! A region or area arriving from outside (a registration, a registry row, an institution, a product's areas,
//! an indicator or product filter, these queries, the CLI's `--region`) becomes a code only through
//! `xyd_divisions`: `parse_code`, `parse_area`, `Divisions::area`/`find`/`existing`. They accept the
//! platform's form (`4408`) and six-digit GB/T 2260 codes (`440800`) alike and answer the platform's form.
//! `RegionCode::parse` and `RegionPrefix::parse` only check a shape; they read values the platform wrote
//! itself. The test below lists every place that calls them and fails when a new one appears.

mod graphql;

pub use graphql::{Region, RegionQuery};
/// For the CLI, which takes an area as `--region`.
pub use xyd_divisions::parse_area;

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    /// Calls that turn text into a region without the table of divisions.
    const SHAPE_ONLY: [&str; 7] = [
        "RegionCode::parse(",
        "RegionPrefix::parse(",
        "parse::<RegionCode>",
        "parse::<RegionPrefix>",
        "RegionCode::from_str(",
        "RegionPrefix::from_str(",
        "embedded().get(",
    ];

    /// Each place allowed to, with the count of calls, and why the text there cannot be either form.
    const ALLOWED: [(&str, usize, &str); 11] = [
        ("api/src/institutions/scope.rs", 1, "an institution's stored region, written by parse_area"),
        ("api/src/subjects/entity.rs", 1, "a subject's stored region, written by parse_code"),
        ("api/src/subjects/claim.rs", 1, "a registry entry's stored region, checked by Divisions::existing"),
        ("api/src/subjects/registry.rs", 1, "a stored registry region's county"),
        ("api/src/indicators/report.rs", 1, "the label of a report row's key, a stored region"),
        ("api/src/imports/credit.rs", 1, "a USCC's registering authority, only compared by prefix with a scope"),
        ("cli/src/gen_data/demands.rs", 1, "a county taken from the table"),
        ("cli/src/demo/accounts.rs", 1, "the demo's own bureau, a constant"),
        ("domain/src/product/spec.rs", 1, "products::manage::parse_spec hands it areas from parse_area"),
        ("domain/src/registry.rs", 1, "imports::registry checks each row's region with Divisions::existing"),
        ("domain/src/uscc.rs", 1, "the authority area, from RegionPrefix::readings"),
    ];

    #[test]
    fn region_text_from_outside_goes_through_the_table_of_divisions() {
        let found = crate::source_scan::calls(&["api/src", "cli/src", "domain/src"], &SHAPE_ONLY);
        let allowed: BTreeMap<String, usize> = ALLOWED.iter().map(|(file, n, _)| (file.to_string(), *n)).collect();
        assert_eq!(
            found, allowed,
            "a region read from text must go through xyd_divisions (parse_code, parse_area, Divisions::area), which \
             accepts six-digit GB/T 2260 codes; a shape-only parse of a value the platform wrote belongs in ALLOWED \
             with the reason"
        );
    }
}
