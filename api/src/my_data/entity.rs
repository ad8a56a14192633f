//! The `data_exports` table.

use sea_orm::entity::prelude::*;
use xyd_domain::{SubjectId, UserId};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "data_exports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub subject_id: SubjectId,
    pub requested_by: UserId,
    pub requested_at: DateTimeUtc,
    /// Null while it is being assembled.
    pub ready_at: Option<DateTimeUtc>,
    pub expires_at: Option<DateTimeUtc>,
    /// SHA-256 of the ZIP.
    pub sha256: Option<String>,
    pub zip: Option<Vec<u8>>,
    /// Why it could not be assembled.
    pub failure: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
