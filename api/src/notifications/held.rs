//! What this capability holds about one subject: the notifications of its users.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::Value;
use xyd_domain::UserId;

use super::entity;
use crate::error::AppResult;

pub async fn copy(conn: &impl ConnectionTrait, users: &[UserId]) -> AppResult<Vec<(&'static str, Vec<Value>)>> {
    let of_users = entity::Column::UserId.is_in(users.iter().copied());
    Ok(vec![("notifications", entity::Entity::find().filter(of_users).into_json().all(conn).await?)])
}

/// Delete the notifications of `users`.
pub async fn erase(conn: &impl ConnectionTrait, users: &[UserId]) -> AppResult<()> {
    entity::Entity::delete_many().filter(entity::Column::UserId.is_in(users.iter().copied())).exec(conn).await?;
    Ok(())
}
