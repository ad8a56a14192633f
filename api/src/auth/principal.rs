//! Who is calling, decoded once from the bearer token, and the authorization checks that use it.

use uuid::Uuid;
use xyd_domain::{InstitutionId, Role, SubjectId, UserId};

use crate::error::{AppError, AppResult};

/// The authenticated caller of a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    pub user_id: UserId,
    pub role: Role,
    /// The bank or bureau the user works for.
    pub institution_id: Option<InstitutionId>,
    /// The market subject an enterprise user acts for.
    pub subject_id: Option<SubjectId>,
    /// The refresh-token family of this session, revoked by `logout`.
    pub session_id: Uuid,
}

impl Principal {
    /// Fail unless the caller has `role`.
    pub fn require(&self, role: Role) -> AppResult<()> {
        if self.role == role { Ok(()) } else { Err(forbidden_for(role)) }
    }

    /// Fail unless the caller has one of `roles`.
    pub fn require_any(&self, roles: &[Role]) -> AppResult<()> {
        if roles.contains(&self.role) { Ok(()) } else { Err(AppError::forbidden("当前账号无权执行此操作")) }
    }

    /// The subject of an enterprise user.
    pub fn subject(&self) -> AppResult<SubjectId> {
        self.require(Role::Enterprise)?;
        self.subject_id.ok_or_else(|| AppError::forbidden("当前账号未关联市场主体"))
    }

    /// Whether the caller is a user of `subject`.
    pub fn owns(&self, subject: SubjectId) -> bool {
        self.role == Role::Enterprise && self.subject_id == Some(subject)
    }

    /// The institution of a bank or bureau user.
    pub fn institution(&self) -> AppResult<InstitutionId> {
        self.institution_id.ok_or_else(|| AppError::forbidden("当前账号不属于任何机构"))
    }
}

fn forbidden_for(role: Role) -> AppError {
    let who = match role {
        Role::Enterprise => "企业用户",
        Role::Bank => "金融机构用户",
        Role::Bureau => "主管部门用户",
        Role::Admin => "平台管理员",
    };
    AppError::forbidden(format!("此操作仅限{who}"))
}

/// The caller of a GraphQL operation, or UNAUTHENTICATED.
pub fn require_principal<'a>(ctx: &'a async_graphql::Context<'_>) -> AppResult<&'a Principal> {
    ctx.data_opt::<Principal>().ok_or_else(AppError::unauthenticated)
}
