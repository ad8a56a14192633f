//! The `erasure_requests` table.

use sea_orm::entity::prelude::*;
use xyd_domain::{ErasureStatus, SubjectId, UserId};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "erasure_requests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub subject_id: SubjectId,
    /// The person's region when they asked: whose bureau decides.
    pub region_code: String,
    pub status: ErasureStatus,
    pub reason: String,
    pub requested_at: DateTimeUtc,
    pub decided_at: Option<DateTimeUtc>,
    pub decided_by: Option<UserId>,
    pub note: Option<String>,
    /// JSON array of what was kept and the duty that keeps it (Chinese).
    pub retained: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
