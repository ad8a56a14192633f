//! Every error leaves with an `extensions.code`. Errors raised by our resolvers carry one already; the rest
//! come from async-graphql itself: request-level parse and validation errors and argument coercion (bad
//! input, their text is safe to show), or anything else, which is logged and replaced by INTERNAL.

use async_graphql::{ErrorExtensionValues, Response, ServerError, Value};

/// Give every error of `response` its `extensions.code` (run on every answer the schema gives, over HTTP and
/// the WebSocket).
pub fn classify(response: &mut Response) {
    response.errors.iter_mut().for_each(classify_error);
}

/// How async-graphql words errors in the input (arguments and variables), not in our resolvers.
const INPUT_PREFIXES: [&str; 4] =
    ["Invalid value for argument", "Failed to parse", "Invalid value", "Expected input type"];

fn classify_error(err: &mut ServerError) {
    if err.extensions.as_ref().is_some_and(|e| e.get("code").is_some()) {
        return;
    }
    let code = if err.path.is_empty() || INPUT_PREFIXES.iter().any(|p| err.message.starts_with(p)) {
        err.message = format!("请求无效：{}", err.message);
        "BAD_USER_INPUT"
    } else {
        tracing::error!(error = %err.message, path = ?err.path, "unclassified resolver error");
        err.message = "服务器内部错误，请稍后重试".to_string();
        "INTERNAL"
    };
    err.extensions.get_or_insert_with(ErrorExtensionValues::default).set("code", Value::from(code));
}
