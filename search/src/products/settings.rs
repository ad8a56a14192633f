//! Settings of the product index: what is searched, filtered and sorted, and the financial
//! synonyms (mutual) that make Chinese queries find products worded differently.

use std::collections::HashMap;

use std::collections::BTreeSet;

use meilisearch_sdk::settings::{FilterableAttribute, LocalizedAttributes, PaginationSetting, Settings};

/// The index's primary key.
pub const PRIMARY_KEY: &str = "id";

/// Searched attributes, most important first (the `attribute` ranking rule uses this order).
pub const SEARCHABLE_ATTRIBUTES: &[&str] = &["name", "keywords", "description", "bank_name"];

/// Attributes the hard filters use (see [`crate::filter_expression`]).
pub const FILTERABLE_ATTRIBUTES: &[&str] = &[
    "bank_id",
    "product_type",
    "amount_min",
    "amount_max",
    "term_min",
    "term_max",
    "rate_min",
    "subject_kinds",
    "region_prefixes",
    "industry_codes",
    "tax_based",
];

/// Attributes searches may sort by; `id` breaks ties so the order without a query is total.
pub const SORTABLE_ATTRIBUTES: &[&str] = &["rate_min", "amount_max", "id"];

/// Meilisearch's default ranking rules.
pub const RANKING_RULES: &[&str] = &["words", "typo", "proximity", "attribute", "sort", "exactness"];

/// Sort used when there is no query: lowest rate first, then by ID.
pub const DEFAULT_SORT: &[&str] = &["rate_min:asc", "id:asc"];

/// Documents and queries are Chinese (Mandarin): without this, short Han-only strings may be
/// detected as Japanese and segmented differently at indexing and at search time.
pub const LOCALES: &[&str] = &["cmn"];

/// The most hits a search can count and page through (exact totals up to this).
pub const MAX_TOTAL_HITS: usize = 100_000;

/// Groups of interchangeable financial terms; every word of a group is a synonym of the others.
pub const SYNONYM_GROUPS: &[&[&str]] = &[
    &["个体户", "个体工商户"],
    &["小微", "小微企业"],
    &["中小企业", "中小微企业"],
    &["税贷", "银税互动", "纳税信用贷"],
    &["信用贷", "纯信用", "信用贷款"],
    &["抵押贷", "抵押", "抵押贷款"],
    &["质押贷", "质押", "质押贷款"],
    &["担保贷", "担保贷款"],
    &["农户", "农民专业合作社"],
    &["合作社", "农民专业合作社"],
    &["首贷", "首贷户"],
    &["续贷", "无还本续贷"],
];

/// The synonym map: each word → every other word of each group it belongs to (so the relation
/// is mutual), sorted.
pub fn synonyms() -> HashMap<String, Vec<String>> {
    let mut map: HashMap<String, Vec<String>> = HashMap::new();
    for group in SYNONYM_GROUPS {
        for &word in *group {
            let entry = map.entry(word.to_owned()).or_default();
            for &other in *group {
                if other != word && !entry.iter().any(|w| w == other) {
                    entry.push(other.to_owned());
                }
            }
        }
    }
    for words in map.values_mut() {
        words.sort();
    }
    map
}

/// The full settings of the product index.
pub fn product_settings() -> Settings {
    Settings::new()
        .with_searchable_attributes(SEARCHABLE_ATTRIBUTES)
        .with_filterable_attributes(FILTERABLE_ATTRIBUTES)
        .with_sortable_attributes(SORTABLE_ATTRIBUTES)
        .with_ranking_rules(RANKING_RULES)
        .with_synonyms(synonyms())
        .with_pagination(PaginationSetting { max_total_hits: MAX_TOTAL_HITS })
        .with_localized_attributes([LocalizedAttributes {
            locales: LOCALES.iter().map(|l| (*l).to_owned()).collect(),
            attribute_patterns: vec!["*".to_owned()],
        }])
}

/// Whether `current` (as read from the server) already has every setting of `desired` (as
/// built by [`product_settings`]), so applying it again would change nothing. Lists Meilisearch
/// treats as sets are compared as sets; anything unexpected counts as a difference.
pub fn settings_match(current: &Settings, desired: &Settings) -> bool {
    fn set(list: Option<&[String]>) -> Option<BTreeSet<&str>> {
        list.map(|l| l.iter().map(String::as_str).collect())
    }
    fn filterable(list: Option<&[FilterableAttribute]>) -> Option<BTreeSet<&str>> {
        list?
            .iter()
            .map(|a| match a {
                FilterableAttribute::Attribute(name) => Some(name.as_str()),
                FilterableAttribute::Settings(_) => None,
            })
            .collect()
    }
    fn synonyms(map: Option<&HashMap<String, Vec<String>>>) -> Option<BTreeSet<(&str, BTreeSet<&str>)>> {
        map.map(|m| m.iter().map(|(k, v)| (k.as_str(), v.iter().map(String::as_str).collect())).collect())
    }
    current.searchable_attributes == desired.searchable_attributes
        && current.ranking_rules == desired.ranking_rules
        && filterable(current.filterable_attributes.as_deref()) == filterable(desired.filterable_attributes.as_deref())
        && set(current.sortable_attributes.as_deref()) == set(desired.sortable_attributes.as_deref())
        && synonyms(current.synonyms.as_ref()) == synonyms(desired.synonyms.as_ref())
        && current.pagination == desired.pagination
        && current.localized_attributes == desired.localized_attributes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonyms_are_mutual() {
        let map = synonyms();
        for (word, others) in &map {
            assert!(!others.contains(word), "{word} is not its own synonym");
            for other in others {
                assert!(map[other].contains(word), "{other} → {word}");
            }
        }
        assert_eq!(map["个体户"], ["个体工商户"]);
        assert_eq!(map["税贷"], ["纳税信用贷", "银税互动"]);
        assert!(map["纳税信用贷"].contains(&"税贷".to_owned()));
        assert!(map["纯信用"].contains(&"信用贷".to_owned()));
        assert!(map["农民专业合作社"].contains(&"农户".to_owned()));
        assert!(map["农民专业合作社"].contains(&"合作社".to_owned()));
    }

    #[test]
    fn settings_match_ignores_set_order_but_not_content() {
        let desired = product_settings();
        assert!(settings_match(&desired, &desired));
        let mut sortable = SORTABLE_ATTRIBUTES.to_vec();
        sortable.reverse();
        let reordered = product_settings().with_sortable_attributes(sortable);
        assert!(settings_match(&reordered, &desired));
        let fewer = product_settings().with_filterable_attributes(["bank_id"]);
        assert!(!settings_match(&fewer, &desired));
        let mut other_synonyms = synonyms();
        other_synonyms.remove("个体户");
        assert!(!settings_match(&product_settings().with_synonyms(other_synonyms), &desired));
        assert!(!settings_match(&Settings::new(), &desired));
    }

    #[test]
    fn settings_list_the_attributes() {
        let settings = product_settings();
        assert_eq!(
            settings.searchable_attributes.as_deref(),
            Some(&["name", "keywords", "description", "bank_name"].map(String::from)[..])
        );
        assert_eq!(settings.filterable_attributes.as_ref().map(Vec::len), Some(11));
        let rules: Vec<String> = RANKING_RULES.iter().map(|r| (*r).to_owned()).collect();
        assert_eq!(settings.ranking_rules, Some(rules));
        let json = serde_json::to_value(&settings).unwrap();
        assert_eq!(json["sortableAttributes"], serde_json::json!(["rate_min", "amount_max", "id"]));
        assert_eq!(json["localizedAttributes"][0]["locales"], serde_json::json!(["cmn"]));
        assert_eq!(json["pagination"]["maxTotalHits"], MAX_TOTAL_HITS);
    }
}
