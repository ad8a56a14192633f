//! Issuing a 公共信用信息报告: who may, what it holds, and where it is kept. A report prints what its issuer may
//! read through `creditProfile`, by the same rules (`credit::profile`): the subject issues its own (once
//! verified); a bank or a bureau (of the subject's jurisdiction) issues one only under the subject's active
//! consent to its institution covering, for a loan application, the category the report prints — TAX for a
//! market subject (its tax grades), INCOME_TAX for a natural person (their income tax, the rows a revoked
//! collection authorization brought left out for institutions) — and every issue by a bank or a bureau is a
//! logged read, like the profile's.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, Set};
use sha2::{Digest, Sha256};
use xyd_domain::{AccessPurpose, DataCategory, Money, ReportId, Role, SubjectId, SubjectKind, Uscc};
use xyd_reasons::Reason;

use super::entity;
use super::pdf::{Line, render};
use crate::auth::Principal;
use crate::credit::Read;
use crate::credit::profile::{self, Grants, Viewer};
use crate::credit::repo;
use crate::error::{AppError, AppResult};
use crate::income_tax::records as income_records;
use crate::state::AppState;
use crate::subjects::{SubjectRepo, SubjectRow, registry};

/// Issue a report on `subject` (the caller's own when absent, for an enterprise).
pub async fn issue(state: &AppState, principal: &Principal, subject: Option<SubjectId>) -> AppResult<entity::Model> {
    let conn = state.db.conn();
    let subject = SubjectRepo::get(conn, subject_of(conn, principal, subject).await?).await?;
    // Who the caller is to the subject, as for its credit profile (FORBIDDEN outside a bureau's jurisdiction).
    let viewer = profile::viewer_of(state, principal, &subject).await?;
    crate::subjects::ensure_verified(&subject)?;
    let (category, what) = printed(&subject);
    if viewer.is_institution() {
        // Refused before any work; decided again, and logged, in the transaction that keeps the report.
        Grants::of(conn, principal, subject.id, PURPOSE).await?.require(category, what)?;
    }
    let now = Utc::now();
    let code = verification_code();
    let lines = contents(state, viewer, &subject, &code, now).await?;
    let title = format!("{}公共信用信息报告", subject.name);
    // Reading the font (megabytes) and rendering are blocking work: both off the async workers.
    let font_path = state.config.credit.report_font.clone();
    let pdf = tokio::task::spawn_blocking(move || {
        let font = std::fs::read(&font_path).map_err(|e| format!("report font {font_path}: {e}"))?;
        render(&title, &lines, &font)
    })
    .await
    .map_err(|e| AppError::internal("render report", e))?
    .map_err(|e| AppError::internal("render report", e))?;
    // Logged before it is kept, by the access log, which decides the consent again: one revoked meanwhile
    // still refuses the report here.
    let institution = if viewer.is_institution() {
        let institution = principal.institution()?;
        let wanted = vec![category];
        let read = Read { user: principal.user_id, institution, subject: subject.id, purpose: PURPOSE, wanted };
        if !state.access_log.log(read).await?.contains(&category) {
            return Err(profile::consent_required(what));
        }
        Some(institution)
    } else {
        None
    };
    let txn = state.db.begin_write().await?;
    let row = entity::ActiveModel {
        id: Set(ReportId::new()),
        subject_id: Set(subject.id),
        issued_by: Set(principal.user_id),
        institution_id: Set(institution),
        verification_code: Set(code),
        sha256: Set(hex::encode(Sha256::digest(&pdf))),
        issued_at: Set(now),
        pdf: Set(pdf),
    }
    .insert(&*txn)
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// The subject a report is asked on: an enterprise's own (it may name no other), the one named by a bank or a
/// bureau; the platform admin issues none.
async fn subject_of(
    conn: &impl sea_orm::ConnectionTrait,
    principal: &Principal,
    subject: Option<SubjectId>,
) -> AppResult<SubjectId> {
    match (principal.role, subject) {
        (Role::Enterprise, _) => {
            let own = crate::subjects::claim::acting(conn, principal).await?;
            if subject.is_some_and(|s| s != own) {
                return Err(AppError::forbidden("企业只能开具本企业的信用报告"));
            }
            Ok(own)
        }
        (Role::Admin, _) => Err(AppError::forbidden("平台管理员不开具信用报告")),
        (_, Some(subject)) => Ok(subject),
        (_, None) => Err(AppError::input("subjectId", Reason::SubjectRequired)),
    }
}

/// What an institution's report is issued for.
const PURPOSE: AccessPurpose = AccessPurpose::LoanApplication;

/// The authorized category a report on `subject` prints, and its name in a refusal.
fn printed(subject: &SubjectRow) -> (DataCategory, &'static str) {
    match subject.kind {
        SubjectKind::NaturalPerson => (DataCategory::IncomeTax, "个人所得税信息（开具信用报告）"),
        _ => (DataCategory::Tax, "纳税信息（开具信用报告）"),
    }
}

/// A code printed on the report: 16 characters without look-alikes.
fn verification_code() -> String {
    crate::crypto::random_code(b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789", 16)
}

/// The report's lines: the verification code and issue time, then the subject's sections (a person's or a
/// market subject's).
async fn contents(
    state: &AppState,
    viewer: Viewer,
    s: &SubjectRow,
    code: &str,
    now: chrono::DateTime<Utc>,
) -> AppResult<Vec<Line>> {
    let mut lines = vec![Line::Title("公共信用信息报告".into()), Line::Text(format!("报告编号（验证码）：{code}"))];
    lines.push(Line::Text(format!(
        "出具时间：{}",
        now.with_timezone(&chrono_tz::Asia::Shanghai).format("%Y-%m-%d %H:%M:%S")
    )));
    lines.push(Line::Gap);
    if s.kind == SubjectKind::NaturalPerson {
        person(state.db.conn(), viewer, s, &mut lines).await?;
    } else {
        market_subject(state.db.conn(), viewer, s, &mut lines).await?;
    }
    lines.push(Line::Gap);
    lines.push(Line::Text("本报告由信易贷平台根据归集的公共信用信息出具，可凭验证码在平台核验真伪。".into()));
    Ok(lines)
}

/// A natural person's sections: identity (the masked number only: the platform never kept the whole one) and
/// the last two years of income tax, each row with the date of the tax bureau's snapshot.
async fn person(
    conn: &impl sea_orm::ConnectionTrait,
    viewer: Viewer,
    s: &SubjectRow,
    lines: &mut Vec<Line>,
) -> AppResult<()> {
    lines.push(Line::Heading("一、身份信息".into()));
    lines.push(Line::Text(format!("姓名：{}", s.name)));
    lines.push(Line::Text(format!("公民身份号码：{}", s.id_masked.as_deref().unwrap_or("—"))));
    let method = s.verification_method.map_or("—", |m| m.label_zh());
    lines.push(Line::Text(format!("身份核实：{}（{method}）", s.verification_status.label_zh())));
    lines.push(Line::Gap);
    lines.push(Line::Heading("二、个人所得税（近两年）".into()));
    let rows = income_records::of_subject(conn, s, viewer.is_institution()).await?.unwrap_or_default();
    let Some(latest) = rows.first().map(|r| r.year) else {
        lines.push(Line::Text("无个人所得税记录".into()));
        return Ok(());
    };
    for r in rows.iter().filter(|r| r.year >= latest - 1) {
        lines.push(Line::Text(format!(
            "{}年度{}：应纳税所得额{}元，已缴税额{}元，申报{}个月（数据截止日期 {}）",
            r.year,
            r.kind.label_zh(),
            Money::from_fen(r.taxable_income).to_yuan_string(),
            Money::from_fen(r.tax_paid).to_yuan_string(),
            r.months_declared,
            r.snapshot_date
        )));
    }
    Ok(())
}

/// A market subject's sections: registration, public credit records, tax grades of the last three years.
async fn market_subject(
    conn: &impl sea_orm::ConnectionTrait,
    viewer: Viewer,
    s: &SubjectRow,
    lines: &mut Vec<Line>,
) -> AppResult<()> {
    let uscc = Uscc::parse(s.market_uscc()?).map_err(|e| AppError::internal("subject uscc", e))?;
    lines.push(Line::Heading("一、登记信息".into()));
    lines.push(Line::Text(format!("主体名称：{}", s.name)));
    lines.push(Line::Text(format!("统一社会信用代码：{uscc}")));
    if let Some(entry) = registry::latest(conn, &uscc).await? {
        lines.push(Line::Text(format!(
            "登记状态：{}（数据截止日期 {}，名录日期）",
            entry.status.label_zh(),
            entry.snapshot_date
        )));
        lines.push(Line::Text(format!("主体类型：{}", entry.kind.label_zh())));
        if let Some(day) = entry.established_on {
            lines.push(Line::Text(format!("成立日期：{day}")));
        }
    }
    lines.push(Line::Text(format!("实名认证：{}", s.verification_status.label_zh())));
    lines.push(Line::Gap);
    lines.push(Line::Heading("二、公共信用信息".into()));
    records(conn, viewer, uscc.as_str(), lines).await?;
    lines.push(Line::Gap);
    lines.push(Line::Heading("三、纳税信用（近三年）".into()));
    let tax = repo::tax_of(conn, uscc.as_str()).await?;
    if tax.is_empty() {
        lines.push(Line::Text("无纳税信用记录".into()));
    }
    for t in tax.iter().take(3) {
        let paid = Money::from_fen(t.tax_paid).to_yuan_string();
        let as_of = t.snapshot_date.map_or_else(String::new, |d| format!("（数据截止日期 {d}）"));
        lines.push(Line::Text(format!("{}年度：纳税信用等级{}，纳税总额{paid}元{as_of}", t.year, t.grade.label_zh())));
    }
    Ok(())
}

/// Every public record of `uscc` the viewer may see in its profile, with its status and objection history.
async fn records(
    conn: &impl sea_orm::ConnectionTrait,
    viewer: Viewer,
    uscc: &str,
    lines: &mut Vec<Line>,
) -> AppResult<()> {
    let records: Vec<_> = repo::records_of(conn, uscc)
        .await?
        .into_iter()
        .filter(|r| r.category.is_public() && profile::visible(viewer, r.status))
        .collect();
    if records.is_empty() {
        lines.push(Line::Text("无公共信用信息记录".into()));
        return Ok(());
    }
    if let Some(as_of) = records.iter().map(crate::credit::freshness::record_as_of).max() {
        lines.push(Line::Text(format!("数据截止日期：{as_of}（最近一次归集）")));
    }
    let objections = repo::objections_on(conn, records.iter().map(|r| r.id)).await?;
    for (i, r) in records.iter().enumerate() {
        let line = format!(
            "{}. {}：{}（{}，{}，状态：{}）",
            i + 1,
            r.category.label_zh(),
            r.title,
            r.source,
            r.decided_at,
            r.status.label_zh()
        );
        lines.push(Line::Text(line));
        for o in objections.iter().filter(|o| o.record_id == r.id) {
            let outcome = o.outcome.map_or("处理中".to_string(), |x| x.label_zh().to_string());
            lines.push(Line::Text(format!("   异议：{} 提出，结果：{outcome}", o.filed_at.date_naive())));
        }
    }
    Ok(())
}
