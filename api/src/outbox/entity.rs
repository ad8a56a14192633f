//! The `outbox` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// What kind of document changed, e.g. `product`.
    pub aggregate: String,
    pub aggregate_id: Uuid,
    pub created_at: DateTimeUtc,
    pub next_attempt_at: DateTimeUtc,
    /// A relay holds the row until then (a lease, so a crashed relay's rows come back).
    pub claimed_until: Option<DateTimeUtc>,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub processed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
