//! A GraphQL response with assertion helpers. Every response a test receives is checked against the reasons
//! table: each error's reason, and each rejected import row's code, must come with the class and one of the
//! messages the table gives.

use serde_json::Value;

#[derive(Debug)]
pub struct GqlResponse {
    pub status: u16,
    pub body: Value,
}

impl GqlResponse {
    pub async fn from(response: reqwest::Response) -> Self {
        let status = response.status().as_u16();
        let text = response.text().await.expect("response body");
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        assert_reasons_conform(&body);
        Self { status, body }
    }

    /// The value at a JSON pointer, e.g. `/data/login/user/role`.
    pub fn at(&self, pointer: &str) -> &Value {
        self.body.pointer(pointer).unwrap_or(&Value::Null)
    }

    pub fn str_at(&self, pointer: &str) -> &str {
        self.at(pointer).as_str().unwrap_or_else(|| panic!("no string at {pointer} in {:#}", self.body))
    }

    /// The `extensions.code` of the first error, if any.
    pub fn error_code(&self) -> Option<&str> {
        self.at("/errors/0/extensions/code").as_str()
    }

    /// Fail unless the response has no errors.
    pub fn ok(&self) -> &Self {
        assert!(self.body.get("errors").is_none(), "unexpected errors: {:#}", self.body);
        assert_eq!(self.status, 200, "status: {:#}", self.body);
        self
    }

    /// Fail unless the first error has `code`.
    pub fn expect_error(&self, code: &str) -> &Self {
        assert_eq!(self.error_code(), Some(code), "expected {code}: {:#}", self.body);
        self
    }

    /// The error with code `code` at `path` (e.g. `creditProfile.tax`), if any.
    pub fn error_at_path(&self, path: &str) -> Option<&Value> {
        self.body.get("errors")?.as_array()?.iter().find(|e| {
            let p: Vec<String> = e["path"]
                .as_array()
                .map(|a| a.iter().map(|s| s.as_str().map_or_else(|| s.to_string(), str::to_string)).collect())
                .unwrap_or_default();
            p.join(".") == path
        })
    }
}

/// Fails when an error or a rejected import row in `body` carries a reason that the reasons table does not
/// give with that class and message.
pub fn assert_reasons_conform(body: &Value) {
    for error in body.get("errors").and_then(Value::as_array).into_iter().flatten() {
        let (Some(reason), Some(class)) = (
            error.pointer("/extensions/reason").and_then(Value::as_str),
            error.pointer("/extensions/code").and_then(Value::as_str),
        ) else {
            continue;
        };
        let message = error["message"].as_str().unwrap_or_default();
        if let Err(why) = xyd_reasons::conforms(reason, class, message) {
            panic!("a reason the table does not give: {why}\n{body:#}");
        }
    }
    if let Some(data) = body.get("data") {
        rows_conform(data, body);
    }
}

/// Rejected import rows (`{line, code, message}`) anywhere in `value`.
fn rows_conform(value: &Value, body: &Value) {
    match value {
        Value::Object(map) => {
            if let (Some(_), Some(Value::String(code)), Some(Value::String(message))) =
                (map.get("line"), map.get("code"), map.get("message"))
                && let Err(why) = xyd_reasons::conforms(code, "ROW", message)
            {
                panic!("an import row's reason the table does not give: {why}\n{body:#}");
            }
            map.values().for_each(|v| rows_conform(v, body));
        }
        Value::Array(items) => items.iter().for_each(|v| rows_conform(v, body)),
        _ => {}
    }
}
