//! The public product search's cursors, as GraphQL pages it; the search itself is [`super::ProductSearch`],
//! which answers from Meilisearch (or its kept answer) or else the same hard filters in SQL.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use xyd_reasons::Reason;

use crate::error::{AppError, AppResult};

pub fn encode_offset(offset: u64) -> String {
    URL_SAFE_NO_PAD.encode(format!("o:{offset}"))
}

/// The deepest offset a search page may start at: deeper pages are not a product catalogue's use, and each
/// one makes the engine rank that far.
pub const MAX_OFFSET: u64 = 10_000;

/// The offset of a cursor issued for pages of `first`: a forged cursor (not one of ours, not on a page
/// boundary of `first`, or too deep) is BAD_USER_INPUT, so a search never fetches more than one page.
pub fn decode_offset(cursor: &str, first: u64) -> AppResult<u64> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix("o:").and_then(|n| n.parse::<u64>().ok()))
        .filter(|offset| first > 0 && offset % first == 0 && *offset <= MAX_OFFSET)
        .ok_or_else(|| AppError::input("after", Reason::InvalidSearchCursor))
}
