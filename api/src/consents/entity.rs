//! The `consents` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub subject_id: Uuid,
    /// The institution allowed to read (one bank or bureau).
    pub grantee_id: Option<Uuid>,
    /// Or: every bank that accepts this demand.
    pub demand_id: Option<Uuid>,
    /// Delimited: ",SOCIAL_INSURANCE,TAX,".
    pub categories: String,
    pub purpose: String,
    pub valid_from: DateTimeUtc,
    pub valid_until: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
    /// The consent text version the user agreed to, and the SHA-256 of that text.
    pub text_version: String,
    pub text_hash: String,
    pub signed_by: Uuid,
    pub signed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
