//! What the enterprise and the banks are told about a demand's progress (written in the event's transaction).

use sea_orm::ConnectionTrait;
use xyd_domain::{InstitutionId, Money, NotificationKind, Rate, RejectReason, RepaymentMethod};

use super::entity::{demand, response};
use crate::error::AppResult;
use crate::institutions::InstitutionRepo;
use crate::notifications::{Message, NotificationRow as Notification, Recipients, notify};

async fn bank_name(conn: &impl ConnectionTrait, bank: InstitutionId) -> AppResult<String> {
    Ok(InstitutionRepo::find(conn, bank).await?.map_or_else(|| "一家银行".to_string(), |b| b.name))
}

fn to_enterprise(d: &demand::Model, kind: NotificationKind, title: &str, body: String) -> (Recipients, Message) {
    (Recipients::Subject(d.subject_id), Message { kind, title: title.to_string(), body, demand: Some(d.id) })
}

fn yuan(fen: i64) -> String {
    Money::from_fen(fen).to_yuan_string()
}

/// A bank accepted `d`.
pub async fn accepted(
    conn: &impl ConnectionTrait,
    d: &demand::Model,
    r: &response::Model,
) -> AppResult<Vec<Notification>> {
    let bank = bank_name(conn, r.bank_id).await?;
    let body =
        format!("{bank}已受理您{}元、{}个月的融资需求，将尽快与您联系并作出授信决定。", yuan(d.amount), d.term_months);
    let (to, message) = to_enterprise(d, NotificationKind::DemandAccepted, "银行已受理您的融资需求", body);
    notify(conn, to, message).await
}

/// A bank declined `d` for `reason`.
pub async fn rejected(
    conn: &impl ConnectionTrait,
    d: &demand::Model,
    bank: InstitutionId,
    reason: RejectReason,
    note: Option<&str>,
) -> AppResult<Vec<Notification>> {
    let bank = bank_name(conn, bank).await?;
    let note = note.map(|n| format!("（{n}）")).unwrap_or_default();
    let body = format!("{bank}未受理您的融资需求，原因：{}{note}。", reason.label_zh());
    let (to, message) = to_enterprise(d, NotificationKind::DemandRejected, "银行未受理您的融资需求", body);
    notify(conn, to, message).await
}

/// A bank granted credit on `d`.
pub async fn granted(
    conn: &impl ConnectionTrait,
    d: &demand::Model,
    r: &response::Model,
) -> AppResult<Vec<Notification>> {
    let bank = bank_name(conn, r.bank_id).await?;
    let rate =
        r.credit_rate.and_then(|bp| Rate::from_bp(bp).ok()).map_or_else(String::new, |r| format!("，年利率{r}%"));
    let method = r.repayment_method.unwrap_or(RepaymentMethod::EqualInstallment).label_zh();
    let body = format!(
        "{bank}已向您授信{}元{rate}，期限{}个月，{method}。可在需求详情中与其他方案比较后选定。",
        yuan(r.credit_amount.unwrap_or(0)),
        r.credit_term.unwrap_or(0),
    );
    let (to, message) = to_enterprise(d, NotificationKind::CreditGranted, "银行已向您授信", body);
    notify(conn, to, message).await
}

/// `d` names `product` of `bank` (an application).
pub async fn addressed(
    conn: &impl ConnectionTrait,
    d: &demand::Model,
    bank: InstitutionId,
    product: &str,
) -> AppResult<Vec<Notification>> {
    let body = format!("有企业申请了本行产品“{product}”：{}元、{}个月，请及时受理。", yuan(d.amount), d.term_months);
    let message = Message {
        kind: NotificationKind::DemandAddressed,
        title: "企业申请了本行产品".to_string(),
        body,
        demand: Some(d.id),
    };
    notify(conn, Recipients::Bank(bank), message).await
}

/// The enterprise chose `bank`'s offer on `d`.
pub async fn chosen(
    conn: &impl ConnectionTrait,
    d: &demand::Model,
    bank: InstitutionId,
) -> AppResult<Vec<Notification>> {
    let message = Message {
        kind: NotificationKind::OfferChosen,
        title: "企业选定了本行的授信方案".to_string(),
        body: format!("企业已选定本行对其{}元融资需求的授信方案，请办理放款。", yuan(d.amount)),
        demand: Some(d.id),
    };
    notify(conn, Recipients::Bank(bank), message).await
}

/// The enterprise chose another bank's offer on `d`: `bank`'s response ended as CUSTOMER_DECLINED.
pub async fn declined(
    conn: &impl ConnectionTrait,
    d: &demand::Model,
    bank: InstitutionId,
) -> AppResult<Vec<Notification>> {
    let message = Message {
        kind: NotificationKind::OfferDeclined,
        title: "企业选择了其他机构的方案".to_string(),
        body: format!(
            "企业已选定其他机构对其{}元融资需求的授信方案，本行的对接已结束（原因：{}）。",
            yuan(d.amount),
            RejectReason::CustomerDeclined.label_zh()
        ),
        demand: Some(d.id),
    };
    notify(conn, Recipients::Bank(bank), message).await
}
