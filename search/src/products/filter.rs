//! The Meilisearch filter expression of a [`ProductFilter`], with exactly the semantics of
//! [`ProductFilter::matches`]: containment (region prefixes, industry codes) becomes equality
//! against the list of every prefix of the searched code.

use xyd_domain::ProductFilter;
use xyd_domain::product::{industry_prefixes_of, region_prefixes_of};

/// The Meilisearch `filter` for `f`, or `None` when it sets no constraint. Clauses are joined
/// with `AND`, strings double-quoted and escaped, numbers in storage units (fen, months, bp):
///
/// ```text
/// product_type IN ["CREDIT", "PLEDGE"] AND subject_kinds = "ENTERPRISE"
/// AND region_prefixes IN ["35", "3501", "350102"]
/// AND (industry_codes IS EMPTY OR industry_codes IN ["C", "C13", "C139", "C1391"])
/// AND amount_min <= 50000000 AND amount_max >= 50000000
/// AND term_min <= 12 AND term_max >= 12 AND rate_min <= 450 AND tax_based = true
/// AND bank_id = "0190…"
/// ```
pub fn filter_expression(f: &ProductFilter) -> Option<String> {
    let mut clauses: Vec<String> = Vec::new();
    if !f.product_types.is_empty() {
        clauses.push(format!("product_type IN {}", string_list(f.product_types.iter().map(|t| t.as_str()))));
    }
    if let Some(kind) = f.subject_kind {
        clauses.push(format!("subject_kinds = {}", quote(kind.as_str())));
    }
    if let Some(code) = &f.region_code {
        let prefixes = region_prefixes_of(code);
        clauses.push(format!("region_prefixes IN {}", string_list(prefixes.iter().map(String::as_str))));
    }
    if let Some(code) = &f.industry_code {
        let prefixes = industry_prefixes_of(code);
        clauses.push(format!(
            "(industry_codes IS EMPTY OR industry_codes IN {})",
            string_list(prefixes.iter().map(String::as_str))
        ));
    }
    if let Some(amount) = f.amount {
        let fen = amount.fen();
        clauses.push(format!("amount_min <= {fen} AND amount_max >= {fen}"));
    }
    if let Some(months) = f.term_months {
        clauses.push(format!("term_min <= {months} AND term_max >= {months}"));
    }
    if let Some(rate) = f.max_rate {
        clauses.push(format!("rate_min <= {}", rate.bp()));
    }
    if let Some(tax_based) = f.tax_based {
        clauses.push(format!("tax_based = {tax_based}"));
    }
    if let Some(bank) = f.bank_id {
        clauses.push(format!("bank_id = {}", quote(&bank.to_string())));
    }
    (!clauses.is_empty()).then(|| clauses.join(" AND "))
}

/// A Meilisearch string literal: double-quoted, with `\` and `"` escaped.
fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// `["a", "b"]`.
fn string_list<'a>(values: impl Iterator<Item = &'a str>) -> String {
    let items: Vec<String> = values.map(quote).collect();
    format!("[{}]", items.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use xyd_domain::{IndustryCode, InstitutionId, Money, ProductType, Rate, RegionCode, SubjectKind};

    #[test]
    fn no_constraint_means_no_filter() {
        assert_eq!(filter_expression(&ProductFilter::default()), None);
    }

    #[test]
    fn each_constraint_alone() {
        let bank = InstitutionId::parse("0190f1c6-7b1e-7c3a-9a4e-123456789abc").unwrap();
        let cases: Vec<(ProductFilter, &str)> = vec![
            (
                ProductFilter { product_types: vec![ProductType::Credit, ProductType::Pledge], ..Default::default() },
                r#"product_type IN ["CREDIT", "PLEDGE"]"#,
            ),
            (
                ProductFilter { subject_kind: Some(SubjectKind::IndividualBusiness), ..Default::default() },
                r#"subject_kinds = "INDIVIDUAL_BUSINESS""#,
            ),
            (
                ProductFilter { region_code: Some(RegionCode::parse("350102").unwrap()), ..Default::default() },
                r#"region_prefixes IN ["35", "3501", "350102"]"#,
            ),
            (
                ProductFilter { region_code: Some(RegionCode::parse("350102001").unwrap()), ..Default::default() },
                r#"region_prefixes IN ["35", "3501", "350102", "350102001"]"#,
            ),
            (
                ProductFilter { industry_code: Some(IndustryCode::parse("1391").unwrap()), ..Default::default() },
                r#"(industry_codes IS EMPTY OR industry_codes IN ["C", "C13", "C139", "C1391"])"#,
            ),
            (
                ProductFilter { industry_code: Some(IndustryCode::parse("F").unwrap()), ..Default::default() },
                r#"(industry_codes IS EMPTY OR industry_codes IN ["F"])"#,
            ),
            (
                ProductFilter { amount: Some(Money::from_fen(50_000_000)), ..Default::default() },
                "amount_min <= 50000000 AND amount_max >= 50000000",
            ),
            (ProductFilter { term_months: Some(12), ..Default::default() }, "term_min <= 12 AND term_max >= 12"),
            (ProductFilter { max_rate: Some(Rate::from_bp(450).unwrap()), ..Default::default() }, "rate_min <= 450"),
            (ProductFilter { tax_based: Some(true), ..Default::default() }, "tax_based = true"),
            (ProductFilter { tax_based: Some(false), ..Default::default() }, "tax_based = false"),
            (
                ProductFilter { bank_id: Some(bank), ..Default::default() },
                r#"bank_id = "0190f1c6-7b1e-7c3a-9a4e-123456789abc""#,
            ),
        ];
        for (filter, want) in cases {
            assert_eq!(filter_expression(&filter).as_deref(), Some(want));
        }
    }

    #[test]
    fn constraints_are_joined_with_and() {
        let filter = ProductFilter {
            product_types: vec![ProductType::Credit],
            subject_kind: Some(SubjectKind::Enterprise),
            region_code: Some(RegionCode::parse("350102").unwrap()),
            industry_code: Some(IndustryCode::parse("C13").unwrap()),
            amount: Some(Money::from_fen(100)),
            term_months: Some(6),
            max_rate: Some(Rate::from_bp(385).unwrap()),
            tax_based: Some(true),
            bank_id: None,
        };
        assert_eq!(
            filter_expression(&filter).unwrap(),
            "product_type IN [\"CREDIT\"] AND subject_kinds = \"ENTERPRISE\" \
             AND region_prefixes IN [\"35\", \"3501\", \"350102\"] \
             AND (industry_codes IS EMPTY OR industry_codes IN [\"C\", \"C13\"]) \
             AND amount_min <= 100 AND amount_max >= 100 AND term_min <= 6 AND term_max >= 6 \
             AND rate_min <= 385 AND tax_based = true"
        );
    }

    #[test]
    fn strings_are_escaped() {
        assert_eq!(quote(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(quote("纳税"), "\"纳税\"");
        assert_eq!(string_list(["x", "y\""].into_iter()), r#"["x", "y\""]"#);
    }
}
