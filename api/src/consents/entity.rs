//! The `consents` table.

use sea_orm::entity::prelude::*;
use xyd_domain::{AccessPurpose, ConsentId, DataCategory, DemandId, InstitutionId, SubjectId, TagList, UserId};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: ConsentId,
    pub subject_id: SubjectId,
    /// The institution allowed to read (one bank or bureau).
    pub grantee_id: Option<InstitutionId>,
    /// Or: every bank that accepts this demand.
    pub demand_id: Option<DemandId>,
    pub categories: TagList<DataCategory>,
    pub purpose: AccessPurpose,
    pub valid_from: DateTimeUtc,
    pub valid_until: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
    /// The consent text version the user agreed to, and the SHA-256 of that text.
    pub text_version: String,
    pub text_hash: String,
    pub signed_by: UserId,
    pub signed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
