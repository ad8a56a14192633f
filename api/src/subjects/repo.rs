//! Persistence of subjects.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use xyd_domain::{RegionPrefix, SubjectId, UserId, VerificationMethod, VerificationStatus};
use xyd_reasons::Reason;

use super::entity;
use crate::db::duplicate_as;
use crate::error::{AppError, AppResult};
use crate::pagination::{Order, Page};

pub struct SubjectRepo;

/// A stored subject, as [`SubjectRepo`] reads it: other capabilities name the row by this, not by `entity`.
pub type SubjectRow = entity::Model;

/// A verification decision to record.
pub struct VerificationChange<'a> {
    pub status: VerificationStatus,
    pub note: Option<&'a str>,
    pub method: Option<VerificationMethod>,
    pub by: Option<UserId>,
    pub at: Option<DateTime<Utc>>,
}

impl SubjectRepo {
    pub async fn find(conn: &impl ConnectionTrait, id: SubjectId) -> AppResult<Option<entity::Model>> {
        Ok(entity::Entity::find_by_id(id).one(conn).await?)
    }

    /// The subjects with these ids, in one query.
    pub async fn find_many(
        conn: &impl ConnectionTrait,
        ids: impl IntoIterator<Item = SubjectId>,
    ) -> AppResult<std::collections::HashMap<SubjectId, entity::Model>> {
        let rows = entity::Entity::find().filter(entity::Column::Id.is_in(ids)).all(conn).await?;
        Ok(rows.into_iter().map(|m| (m.id, m)).collect())
    }

    /// The subject or NOT_FOUND.
    pub async fn get(conn: &impl ConnectionTrait, id: SubjectId) -> AppResult<entity::Model> {
        Self::find(conn, id).await?.ok_or_else(|| AppError::not_found("市场主体不存在"))
    }

    /// Insert; a second verified owner of a code is CONFLICT (the partial unique index).
    pub async fn insert(conn: &impl ConnectionTrait, row: entity::ActiveModel) -> AppResult<entity::Model> {
        row.insert(conn).await.map_err(duplicate_as(|| AppError::refused(Reason::UsccRegistered)))
    }

    /// Record a verification decision if the subject is still at `version`; CONFLICT if someone else
    /// changed it first.
    pub async fn set_verification(
        conn: &impl ConnectionTrait,
        id: SubjectId,
        version: i32,
        change: VerificationChange<'_>,
    ) -> AppResult<()> {
        let updated = entity::Entity::update_many()
            .col_expr(entity::Column::VerificationStatus, Expr::value(change.status))
            .col_expr(entity::Column::VerificationNote, Expr::value(change.note.map(str::to_string)))
            .col_expr(entity::Column::VerificationMethod, Expr::value(change.method))
            .col_expr(entity::Column::VerifiedBy, Expr::value(change.by))
            .col_expr(entity::Column::VerifiedAt, Expr::value(change.at))
            .col_expr(entity::Column::Version, Expr::value(version + 1))
            .filter(entity::Column::Id.eq(id))
            .filter(entity::Column::Version.eq(version))
            .exec(conn)
            .await?;
        if updated.rows_affected == 1 { Ok(()) } else { Err(AppError::refused(Reason::SubjectChanged)) }
    }

    /// Subjects waiting for review within `prefix` (everywhere when `None`), oldest first.
    pub async fn pending(
        conn: &impl ConnectionTrait,
        prefix: Option<&RegionPrefix>,
        page: Page,
    ) -> AppResult<(i64, Vec<entity::Model>)> {
        let mut query =
            entity::Entity::find().filter(entity::Column::VerificationStatus.eq(VerificationStatus::Pending));
        if let Some(prefix) = prefix {
            query = query.filter(entity::Column::RegionCode.starts_with(prefix.as_str()));
        }
        page.fetch(conn, query, entity::Column::Id, Order::OldestFirst).await
    }

    pub fn id_of(m: &entity::Model) -> SubjectId {
        m.id
    }

    /// The verified owner of `uscc`, if it has registered: only it speaks for the code.
    pub async fn verified_owner(conn: &impl ConnectionTrait, uscc: &str) -> AppResult<Option<entity::Model>> {
        Ok(entity::Entity::find()
            .filter(entity::Column::Uscc.eq(uscc))
            .filter(entity::Column::VerificationStatus.eq(VerificationStatus::Verified))
            .one(conn)
            .await?)
    }

    /// Write 失信惩戒 (`restricted`) and 守信激励 (`trusted`) of the subjects with each code: per flag, one
    /// statement for the codes where it is true and one for false.
    pub async fn set_credit_flags(
        conn: &impl ConnectionTrait,
        restricted: &[(String, bool)],
        trusted: &[(String, bool)],
    ) -> AppResult<()> {
        set_flag(conn, entity::Column::Restricted, restricted).await?;
        set_flag(conn, entity::Column::Trusted, trusted).await
    }
}

/// Write `column` of the subjects with each code: one statement for the codes where it is true, one for false.
async fn set_flag(conn: &impl ConnectionTrait, column: entity::Column, values: &[(String, bool)]) -> AppResult<()> {
    for value in [true, false] {
        let codes: Vec<&str> = values.iter().filter(|(_, v)| *v == value).map(|(c, _)| c.as_str()).collect();
        if codes.is_empty() {
            continue;
        }
        entity::Entity::update_many()
            .col_expr(column, Expr::value(value))
            .filter(entity::Column::Uscc.is_in(codes))
            .exec(conn)
            .await?;
    }
    Ok(())
}
