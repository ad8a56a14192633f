//! The `User` API type and the account repository.

use async_graphql::{ComplexObject, Context, ID, SimpleObject};
use chrono::Utc;
use sea_orm::sea_query::IntoCondition;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use xyd_domain::{Email, InstitutionId, Role, SubjectId, UserId};
use xyd_reasons::Reason;

use super::entities::user;
use crate::db::duplicate_as;
use crate::error::{AppError, AppResult};
use crate::graphql::GqlRole;
use crate::institutions::{Institution, InstitutionRepo};
use crate::state::AppState;
use crate::subjects::{Subject, SubjectRepo, SubjectView};

/// A platform account as the API shows it.
#[derive(Clone, Debug, SimpleObject)]
#[graphql(complex)]
pub struct User {
    /// 用户 ID。
    pub id: ID,
    /// 登录邮箱。
    pub email: String,
    /// 用户角色。
    pub role: GqlRole,
    #[graphql(skip)]
    pub institution_id: Option<InstitutionId>,
    #[graphql(skip)]
    pub subject_id: Option<SubjectId>,
}

#[ComplexObject]
impl User {
    /// 所属机构（银行或主管部门）；企业用户和平台管理员为 null。
    async fn institution(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Institution>> {
        let Some(id) = self.institution_id else { return Ok(None) };
        let state = ctx.data::<AppState>()?;
        Ok(InstitutionRepo::find(state.db.conn(), id).await?)
    }

    /// The market subject of an enterprise user, seen as its owner.
    async fn subject(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Subject>> {
        let Some(id) = self.subject_id else { return Ok(None) };
        let state = ctx.data::<AppState>()?;
        let row = SubjectRepo::find(state.db.conn(), id).await?;
        Ok(row.map(|m| Subject::new(m, SubjectView::Owner, &state.cipher)).transpose()?)
    }
}

impl TryFrom<user::Model> for User {
    type Error = AppError;
    fn try_from(m: user::Model) -> AppResult<Self> {
        Ok(Self {
            id: ID(m.id.to_string()),
            email: m.email,
            role: m.role.into(),
            institution_id: m.institution_id,
            subject_id: m.subject_id,
        })
    }
}

/// Persistence of users.
pub struct UserRepo;

impl UserRepo {
    pub async fn find(conn: &impl ConnectionTrait, id: UserId) -> AppResult<Option<user::Model>> {
        Ok(user::Entity::find_by_id(id).one(conn).await?)
    }

    pub async fn find_by_email(conn: &impl ConnectionTrait, email: &Email) -> AppResult<Option<user::Model>> {
        Ok(user::Entity::find().filter(user::Column::Email.eq(email.as_str())).one(conn).await?)
    }

    pub async fn any_with_role(conn: &impl ConnectionTrait, role: Role) -> AppResult<bool> {
        Ok(user::Entity::find().filter(user::Column::Role.eq(role)).one(conn).await?.is_some())
    }

    /// The ids of `subject`'s users with `role`.
    pub async fn ids_of_subject(conn: &impl ConnectionTrait, subject: SubjectId, role: Role) -> AppResult<Vec<UserId>> {
        ids_where(conn, user::Column::SubjectId.eq(subject), role).await
    }

    /// The ids of `institution`'s users with `role`.
    pub async fn ids_of_institution(
        conn: &impl ConnectionTrait,
        institution: InstitutionId,
        role: Role,
    ) -> AppResult<Vec<UserId>> {
        ids_where(conn, user::Column::InstitutionId.eq(institution), role).await
    }

    /// Insert a user; a taken email is CONFLICT on `field`.
    pub async fn insert(
        conn: &impl ConnectionTrait,
        email: &Email,
        password_hash: String,
        role: Role,
        institution_id: Option<InstitutionId>,
        subject_id: Option<SubjectId>,
    ) -> AppResult<user::Model> {
        let row = user::ActiveModel {
            id: Set(UserId::new()),
            email: Set(email.as_str().to_string()),
            password_hash: Set(password_hash),
            role: Set(role),
            institution_id: Set(institution_id),
            created_at: Set(Utc::now()),
            subject_id: Set(subject_id),
        };
        row.insert(conn).await.map_err(duplicate_as(|| AppError::refused(Reason::EmailTaken)))
    }
}

async fn ids_where(conn: &impl ConnectionTrait, users: impl IntoCondition, role: Role) -> AppResult<Vec<UserId>> {
    Ok(user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(users)
        .filter(user::Column::Role.eq(role))
        .into_tuple()
        .all(conn)
        .await?)
}
