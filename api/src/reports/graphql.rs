//! GraphQL: `issueCreditReport` and the public `verifyCreditReport`.

use async_graphql::{Context, ID, Object, SimpleObject};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{entity, issue};
use crate::auth::principal::require_principal;
use crate::error::AppResult;
use crate::graphql::{GqlDateTime, id_arg};
use crate::state::AppState;
use crate::subjects::{Subject, SubjectLens, SubjectRepo};

/// 公共信用信息报告 as issued.
#[derive(SimpleObject)]
pub struct CreditReport {
    /// 报告 ID。
    pub id: ID,
    /// 报告所属的市场主体（按调用者可见的范围脱敏）。
    pub subject: Subject,
    /// 开具时间。
    pub issued_at: GqlDateTime,
    /// Printed on the report.
    pub verification_code: String,
    /// Hex SHA-256 of the PDF bytes.
    pub sha256: String,
    /// GET with the caller's bearer token → application/pdf.
    pub download_url: String,
}

/// What a third party learns from a verification code: whom the report was issued to, when, and the digest of
/// its bytes — never its content.
#[derive(SimpleObject)]
pub struct CreditReportCheck {
    /// 报告所属主体的名称。
    pub subject_name: String,
    /// 报告所属主体的统一社会信用代码；自然人没有统一社会信用代码，为空字符串（见 `idNumberMasked`）。
    pub uscc: String,
    /// 自然人的公民身份号码（掩码，如 440882********123X）；市场主体为 null。
    pub id_number_masked: Option<String>,
    /// 开具时间。
    pub issued_at: GqlDateTime,
    /// PDF 文件的 SHA-256（十六进制），用于核对打印件对应的文件。
    pub sha256: String,
}

#[derive(Default)]
pub struct ReportQuery;

#[Object]
impl ReportQuery {
    /// Check a printed report (public): null for an unknown code.
    async fn verify_credit_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "报告上印的 16 位核验码（不区分大小写）。")] code: String,
    ) -> AppResult<Option<CreditReportCheck>> {
        let state = ctx.data_unchecked::<AppState>();
        let code = code.trim().to_ascii_uppercase();
        if code.len() != 16 {
            return Ok(None);
        }
        let Some(r) =
            entity::Entity::find().filter(entity::Column::VerificationCode.eq(code)).one(state.db.conn()).await?
        else {
            return Ok(None);
        };
        let subject = SubjectRepo::get(state.db.conn(), r.subject_id).await?;
        Ok(Some(CreditReportCheck {
            uscc: subject.uscc.clone().unwrap_or_default(),
            id_number_masked: subject.id_masked.clone(),
            subject_name: subject.name,
            issued_at: GqlDateTime(r.issued_at),
            sha256: r.sha256,
        }))
    }
}

#[derive(Default)]
pub struct ReportMutation;

#[Object]
impl ReportMutation {
    /// 开具公共信用信息报告: an enterprise or a person for itself (verified); a bureau for a subject of its
    /// jurisdiction; a bank under the subject's active consent covering TAX (INCOME_TAX for a natural person) for a
    /// loan application (logged as a read).
    async fn issue_credit_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "为哪个主体开具（监管部门、银行必填）；企业不传即为本企业。")] subject_id: Option<ID>,
    ) -> AppResult<CreditReport> {
        let principal = require_principal(ctx)?;
        let state = ctx.data_unchecked::<AppState>();
        let subject = subject_id.as_deref().map(|s| id_arg(s, "subjectId")).transpose()?;
        let report = issue::issue(state, principal, subject).await?;
        let row = SubjectRepo::get(state.db.conn(), report.subject_id).await?;
        let lens = SubjectLens::of(state, principal).await?;
        let view = lens.view(&row)?;
        Ok(CreditReport {
            id: ID(report.id.to_string()),
            subject: Subject::new(row, view, &state.cipher)?,
            issued_at: GqlDateTime(report.issued_at),
            verification_code: report.verification_code,
            sha256: report.sha256,
            download_url: format!("/reports/{}", report.id),
        })
    }
}
