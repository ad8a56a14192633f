//! The `subjects` table.

use sea_orm::entity::prelude::*;
use xyd_domain::{SubjectId, SubjectKind, UserId, VerificationMethod, VerificationStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "subjects")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: SubjectId,
    /// Not unique: unverified registrations of one code may wait side by side; at most one is VERIFIED. Null
    /// exactly for natural persons.
    pub uscc: Option<String>,
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
    /// A natural person's 居民身份证号码 as a keyed hash (unique: one subject per person); null for others.
    pub id_hash: Option<String>,
    /// A natural person's 居民身份证号码 masked, e.g. `440882********123X`; the number itself is never kept.
    pub id_masked: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// The code the subject's credit records and tax rows are filed under: its USCC, or nothing for a natural
    /// person (under which nothing is filed).
    pub fn filed_under(&self) -> &str {
        self.uscc.as_deref().unwrap_or_default()
    }

    /// The USCC of a market subject; a natural person has none (INVALID_STATE, `NOT_A_MARKET_SUBJECT`).
    pub fn market_uscc(&self) -> crate::error::AppResult<&str> {
        self.uscc.as_deref().ok_or_else(|| crate::error::AppError::refused(xyd_reasons::Reason::NotAMarketSubject))
    }

    /// Whether this is a natural person whose data was erased (every registered person has an ID hash until then).
    pub fn is_erased(&self) -> bool {
        self.kind == xyd_domain::SubjectKind::NaturalPerson && self.id_hash.is_none()
    }

    /// The subject's region, as validated when it was stored.
    pub fn region(&self) -> crate::error::AppResult<xyd_domain::RegionCode> {
        xyd_domain::RegionCode::parse(&self.region_code)
            .map_err(|e| crate::error::AppError::internal("subject region", e))
    }
}
