//! The `subjects` table.

use sea_orm::entity::prelude::*;
use xyd_domain::{SubjectId, SubjectKind, UserId, VerificationMethod, VerificationStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "subjects")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: SubjectId,
    /// Not unique: unverified registrations of one code may wait side by side; at most one is VERIFIED.
    pub uscc: String,
    pub name: String,
    pub kind: SubjectKind,
    pub region_code: String,
    pub industry_code: Option<String>,
    pub legal_rep_name: String,
    /// The legal representative's ID number, AES-GCM encrypted.
    pub legal_rep_id_cipher: Option<String>,
    pub phone: Option<String>,
    pub established_on: Option<Date>,
    pub registered_at: DateTimeUtc,
    pub verification_status: VerificationStatus,
    /// Why the subject waits for review, or why it was rejected.
    pub verification_note: Option<String>,
    pub verified_at: Option<DateTimeUtc>,
    pub verified_by: Option<UserId>,
    pub verification_method: Option<VerificationMethod>,
    /// 失信惩戒: an ACTIVE serious-dishonesty record.
    pub restricted: bool,
    /// 守信激励: tax grade A or an active HONOR record.
    pub trusted: bool,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// The subject's region, as validated when it was stored.
    pub fn region(&self) -> crate::error::AppResult<xyd_domain::RegionCode> {
        xyd_domain::RegionCode::parse(&self.region_code)
            .map_err(|e| crate::error::AppError::internal("subject region", e))
    }
}
