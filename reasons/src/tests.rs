use std::collections::BTreeSet;

use super::*;

#[test]
fn every_code_is_declared_once_and_every_template_names_exactly_its_parameters() {
    let codes: BTreeSet<&str> = TABLE.iter().map(|e| e.code).collect();
    assert_eq!(codes.len(), TABLE.len(), "a code declared twice");
    for entry in TABLE {
        assert!(entry.code.chars().all(|c| c.is_ascii_uppercase() || c == '_'), "{}", entry.code);
        for message in entry.messages {
            assert_eq!(
                message.template.matches('{').count(),
                message.template.matches('}').count(),
                "{}: an unclosed parameter",
                entry.code
            );
            let (_, mut named) = crate::declare::split(message.template);
            let mut declared = message.params.to_vec();
            declared.sort_unstable();
            named.sort_unstable();
            named.dedup();
            assert_eq!(
                named, declared,
                "{}: “{}” names other parameters than it declares",
                entry.code, message.template
            );
        }
    }
}

#[test]
fn a_reason_carries_the_code_class_and_filled_message_of_its_row() {
    let reason = Reason::DemandFull { holders: 3, max_holders: 3 };
    assert_eq!(reason.code(), "DEMAND_FULL");
    assert_eq!(reason.class(), Class::Conflict);
    assert_eq!(reason.message(), "该融资需求已有3家银行在对接，已达上限3家，请稍后关注");
    assert_eq!(Reason::EmailTaken.message(), "该邮箱已被注册");
    assert!(conforms("DEMAND_FULL", "CONFLICT", &reason.message()).is_ok());
}

#[test]
fn conformance_refuses_another_class_another_message_and_an_unknown_code() {
    assert!(conforms("EMAIL_TAKEN", "BAD_USER_INPUT", "该邮箱已被注册").is_err());
    assert!(conforms("EMAIL_TAKEN", "CONFLICT", "该邮箱已注册").is_err());
    assert!(conforms("NO_SUCH_CODE", "CONFLICT", "x").is_err());
    assert!(conforms("INVALID_USCC", "ROW", "统一社会信用代码长度应为18位，实际为3位").is_ok());
    assert!(conforms("INVALID_USCC", "ROW", "统一社会信用代码长度应为18位").is_err());
}

#[test]
fn a_template_matches_any_value_of_its_parameters_and_nothing_else() {
    let template = Template { template: "{label}应为{min}至{max}个字符，当前为{count}个", params: &[] };
    assert!(template.matches("产品名称应为2至50个字符，当前为1个"));
    assert!(!template.matches("产品名称应为2至50个字符"));
    let plain = Template { template: "该异议已处理", params: &[] };
    assert!(plain.matches("该异议已处理"));
    assert!(!plain.matches("该异议已处理。"));
}

#[test]
fn docs_errors_md_is_rendered_from_the_table() {
    let root = std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")), std::path::PathBuf::from);
    let path = root.join("../docs/errors.md");
    let rendered = render_markdown();
    if std::env::var("XYD_UPDATE_DOCS").as_deref() == Ok("1") {
        std::fs::write(&path, &rendered).unwrap();
    }
    let written = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(written == rendered, "docs/errors.md is stale: XYD_UPDATE_DOCS=1 cargo test -p xyd-reasons");
}
