//! What this capability holds about one subject: its users (never their password hashes, which the copy
//! withholds), and what a person's erasure does to them.

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::Value;
use xyd_domain::{SubjectId, UserId};

use super::entities::{refresh_token, user};
use crate::error::AppResult;

/// The subject's users.
pub async fn users_of(conn: &impl ConnectionTrait, subject: SubjectId) -> AppResult<Vec<UserId>> {
    Ok(user::Entity::find()
        .filter(user::Column::SubjectId.eq(subject))
        .select_only()
        .column(user::Column::Id)
        .into_tuple()
        .all(conn)
        .await?)
}

pub async fn copy(conn: &impl ConnectionTrait, subject: SubjectId) -> AppResult<Vec<(&'static str, Vec<Value>)>> {
    let users = user::Entity::find().filter(user::Column::SubjectId.eq(subject)).order_by_asc(user::Column::Id);
    Ok(vec![("users", users.into_json().all(conn).await?)])
}

/// Make the logins of `users` (a subject's, `users_of`) unusable for good: an address no one receives mail at
/// (the email is unique), a hash no password matches, every session ended.
pub async fn disable_logins(conn: &impl ConnectionTrait, users: &[UserId]) -> AppResult<()> {
    for id in users {
        user::Entity::update_many()
            .col_expr(user::Column::Email, Expr::value(format!("erased-{id}@erased.invalid")))
            .col_expr(user::Column::PasswordHash, Expr::value("!erased"))
            .filter(user::Column::Id.eq(*id))
            .exec(conn)
            .await?;
    }
    refresh_token::Entity::delete_many()
        .filter(refresh_token::Column::UserId.is_in(users.iter().copied()))
        .exec(conn)
        .await?;
    Ok(())
}
