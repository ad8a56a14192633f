//! Every reader of consented data — tax rows (`repo::tax_of`), credit records with their authorized categories
//! (`repo::records_of`) and income tax (`income_tax::records::of_subject`) — listed with the rule it follows. A
//! new reader fails the test until it is listed here: it must either give an institution only what
//! `profile::Grants` and the access log grant it, or read the subject's own data for the subject alone.

#![cfg(test)]

/// The calls that read consented data.
const READS: [&str; 3] = ["tax_of(", "records_of(", "records::of_subject("];

/// Each file allowed to, with its count of calls, and the rule it follows.
const READERS: [(&str, usize, &str); 3] = [
    (
        "api/src/credit/profile.rs",
        7,
        "creditProfile: an institution gets what the access log granted under Grants; the owner its own",
    ),
    (
        "api/src/reports/issue.rs",
        3,
        "a report: Grants::require before rendering, the access log decides before keeping",
    ),
    (
        "api/src/demands/matching.rs",
        2,
        "OwnRecords: the subject's own tax and income years, for its matchProducts and 预授信, never shown to banks",
    ),
];

#[test]
fn consented_data_is_read_only_under_the_consent_rule_or_by_its_owner() {
    let found = crate::source_scan::calls(&["api/src", "cli/src"], &READS);
    let listed = READERS.iter().map(|(file, n, _)| (file.to_string(), *n)).collect();
    assert_eq!(
        found, listed,
        "a new reader of consented data follows credit::profile::Grants (or reads for the owner only) and is listed in READERS with its rule"
    );
}
