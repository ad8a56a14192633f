//! `docs/errors.md`, written from the table.

use crate::{Class, TABLE};

/// The error-code reference: the classes, then every reason with its class, when and messages.
pub fn render_markdown() -> String {
    let mut out = String::from(
        "# Error codes\n\nGenerated from `reasons/src/table.rs` (a test keeps them equal). Every GraphQL error \
         carries `extensions.code` (its class); most also carry `extensions.reason`, and a rejected import row a \
         `code` (the codes of value parsing — `INVALID_USCC`, `INVALID_DATE`, … — name rejected rows too). \
         `{name}` in a message stands for the value filled in.\n\n\
         ## Classes (`extensions.code`)\n\n| code | meaning |\n|---|---|\n",
    );
    for (class, meaning) in Class::ALL {
        out.push_str(&format!("| `{}` | {meaning} |\n", class.as_str()));
    }
    out.push_str(
        "\n## Reasons (`extensions.reason`, an import row's `code`)\n\n| reason | class | when | messages |\n|---|---|---|---|\n",
    );
    for entry in TABLE {
        let messages: Vec<&str> = entry.messages.iter().map(|m| m.template).collect();
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            entry.code,
            entry.class.as_str(),
            entry.when,
            messages.join("<br>")
        ));
    }
    out
}
