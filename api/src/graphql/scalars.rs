//! The contract's scalars: `Money` (yuan string), `Rate` (percent string), `Date`, `DateTime` (RFC 3339).

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use xyd_domain::{Money, Rate};

fn string_input(value: &Value) -> Option<&str> {
    match value {
        Value::String(s) => Some(s.as_str()),
        _ => None,
    }
}

/// `Money`: a decimal string in yuan with at most 2 decimals, held as integer fen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GqlMoney(pub Money);

/// 金额 (Money)：以元为单位的十进制字符串，最多两位小数，如 "1500000.00"。
#[Scalar(name = "Money")]
impl ScalarType for GqlMoney {
    fn parse(value: Value) -> InputValueResult<Self> {
        let text = string_input(&value).ok_or_else(|| InputValueError::custom("金额须为字符串，如 \"1500000.00\""))?;
        Money::from_yuan_str(text).map(Self).map_err(|e| InputValueError::custom(e.to_string()))
    }
    fn to_value(&self) -> Value {
        Value::String(self.0.to_yuan_string())
    }
}

/// `Rate`: a decimal string of annual percent ("3.85"), held as basis points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GqlRate(pub Rate);

/// 利率 (Rate)：年利率百分数的十进制字符串，最多两位小数，如 "3.85" 表示 3.85%。
#[Scalar(name = "Rate")]
impl ScalarType for GqlRate {
    fn parse(value: Value) -> InputValueResult<Self> {
        let text = string_input(&value).ok_or_else(|| InputValueError::custom("利率须为字符串，如 \"3.85\""))?;
        Rate::from_percent_str(text).map(Self).map_err(|e| InputValueError::custom(e.to_string()))
    }
    fn to_value(&self) -> Value {
        Value::String(self.0.to_percent_string())
    }
}

/// `Date`: `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GqlDate(pub NaiveDate);

/// 日期 (Date)：`YYYY-MM-DD`，如 "2026-01-01"。
#[Scalar(name = "Date")]
impl ScalarType for GqlDate {
    fn parse(value: Value) -> InputValueResult<Self> {
        string_input(&value)
            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
            .map(Self)
            .ok_or_else(|| InputValueError::custom("日期格式须为 YYYY-MM-DD"))
    }
    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

/// `DateTime`: RFC 3339, stored and returned in UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GqlDateTime(pub DateTime<Utc>);

/// 时间 (DateTime)：RFC 3339 字符串，按 UTC 返回，如 "2026-01-01T00:00:00Z"；输入可带时区。
#[Scalar(name = "DateTime")]
impl ScalarType for GqlDateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        string_input(&value)
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .map(|t| Self(t.with_timezone(&Utc)))
            .ok_or_else(|| InputValueError::custom("时间格式须为 RFC 3339，如 2026-01-01T08:00:00+08:00"))
    }
    fn to_value(&self) -> Value {
        Value::String(self.0.to_rfc3339_opts(SecondsFormat::Secs, true))
    }
}
