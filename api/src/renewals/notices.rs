//! What the bank and the enterprise are told about a renewal or extension (written in the event's transaction),
//! like a demand's notices (`demands::notices`).

use sea_orm::ConnectionTrait;
use xyd_domain::{Money, NotificationKind, Rate, RejectReason};

use super::entity;
use crate::error::AppResult;
use crate::notifications::{Message, NotificationRow as Notification, Recipients, notify};

fn yuan(fen: i64) -> String {
    Money::from_fen(fen).to_yuan_string()
}

/// The enterprise asked its lending bank for `r` on a loan of `lent`.
pub async fn requested(conn: &impl ConnectionTrait, r: &entity::Model, lent: Money) -> AppResult<Vec<Notification>> {
    let body = format!(
        "企业申请对{}元贷款{}：{}元，{}个月。理由：{}",
        lent.to_yuan_string(),
        r.kind.label_zh(),
        yuan(r.amount),
        r.term_months,
        r.reason,
    );
    let message = Message {
        kind: NotificationKind::RenewalRequested,
        title: "企业申请续贷".into(),
        body,
        demand: Some(r.demand_id),
    };
    notify(conn, Recipients::Bank(r.bank_id), message).await
}

/// The bank decided `r`: approved at `rate`, or rejected for `reason` (with the bank's note).
pub async fn decided(
    conn: &impl ConnectionTrait,
    r: &entity::Model,
    rate: Option<Rate>,
    reason: Option<RejectReason>,
    note: Option<String>,
) -> AppResult<Vec<Notification>> {
    let outcome = match (rate, reason) {
        (Some(rate), _) => format!("已同意，年利率{rate}%"),
        (None, Some(reason)) => {
            format!("未同意，原因：{}{}", reason.label_zh(), note.map(|n| format!("（{n}）")).unwrap_or_default())
        }
        (None, None) => String::new(),
    };
    let body = format!("您的{}申请（{}元，{}个月）银行{}。", r.kind.label_zh(), yuan(r.amount), r.term_months, outcome);
    let message = Message {
        kind: NotificationKind::RenewalDecided,
        title: "续贷申请已处理".into(),
        body,
        demand: Some(r.demand_id),
    };
    notify(conn, Recipients::Subject(r.subject_id), message).await
}
