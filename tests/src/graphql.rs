//! A GraphQL response with assertion helpers.

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
