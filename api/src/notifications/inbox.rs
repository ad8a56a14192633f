//! Writing notifications (in the event's transaction) and reading a user's inbox.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter};
use xyd_domain::{DemandId, InstitutionId, NotificationId, NotificationKind, Role, SubjectId, UserId};

use super::entity;
use crate::auth::user::UserRepo;
use crate::error::AppResult;
use crate::pagination::{Order, Page};

/// A stored notification, as `notify` writes it: other capabilities name the row by this, not by `entity`.
pub type NotificationRow = entity::Model;

/// Who a notification goes to: every user of an enterprise, or every staff user of a bank.
#[derive(Clone, Copy, Debug)]
pub enum Recipients {
    Subject(SubjectId),
    Bank(InstitutionId),
}

/// One event to tell people about.
pub struct Message {
    pub kind: NotificationKind,
    pub title: String,
    pub body: String,
    pub demand: Option<DemandId>,
}

/// Write `message` to each recipient's inbox, inside the caller's transaction; the rows written are handed to
/// `notifications::publish` once the transaction commits.
pub async fn notify(conn: &impl ConnectionTrait, to: Recipients, message: Message) -> AppResult<Vec<entity::Model>> {
    let ids = match to {
        Recipients::Subject(subject) => UserRepo::ids_of_subject(conn, subject, Role::Enterprise).await?,
        Recipients::Bank(bank) => UserRepo::ids_of_institution(conn, bank, Role::Bank).await?,
    };
    let now = Utc::now();
    let rows: Vec<entity::Model> = ids
        .into_iter()
        .map(|user_id| entity::Model {
            id: NotificationId::new(),
            user_id,
            kind: message.kind,
            title: message.title.clone(),
            body: message.body.clone(),
            demand_id: message.demand,
            created_at: now,
            read_at: None,
        })
        .collect();
    if !rows.is_empty() {
        let models = rows.iter().cloned().map(|n| entity::ActiveModel::from(n).reset_all());
        entity::Entity::insert_many(models).exec_without_returning(conn).await?;
    }
    Ok(rows)
}

/// The notifications with `ids`, for the live view: the database's error is the caller's to log, as no
/// request waits on it.
pub async fn by_ids(conn: &impl ConnectionTrait, ids: Vec<NotificationId>) -> Result<Vec<entity::Model>, DbErr> {
    entity::Entity::find().filter(entity::Column::Id.is_in(ids)).all(conn).await
}

/// A page of `user`'s notifications, newest first, with the total and the unread count.
pub async fn page(
    conn: &impl ConnectionTrait,
    user: UserId,
    unread_only: bool,
    page: Page,
) -> AppResult<(i64, i64, Vec<entity::Model>)> {
    let mine = entity::Entity::find().filter(entity::Column::UserId.eq(user));
    let unread = mine.clone().filter(entity::Column::ReadAt.is_null());
    let unread_count = unread.clone().count(conn).await? as i64;
    let query = if unread_only { unread } else { mine };
    let (total, rows) = page.fetch(conn, query, entity::Column::Id, Order::NewestFirst).await?;
    Ok((total, unread_count, rows))
}

/// Mark `ids` read, of `user`'s own unread notifications only; returns how many changed.
pub async fn mark_read(conn: &impl ConnectionTrait, user: UserId, ids: &[NotificationId]) -> AppResult<u64> {
    if ids.is_empty() {
        return Ok(0);
    }
    let done = entity::Entity::update_many()
        .col_expr(entity::Column::ReadAt, Expr::value(Utc::now()))
        .filter(entity::Column::UserId.eq(user))
        .filter(entity::Column::Id.is_in(ids.iter().copied()))
        .filter(entity::Column::ReadAt.is_null())
        .exec(conn)
        .await?;
    Ok(done.rows_affected)
}
