//! The `credit_reports` table.

use sea_orm::entity::prelude::*;
use xyd_domain::{InstitutionId, ReportId, SubjectId, UserId};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "credit_reports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: ReportId,
    pub subject_id: SubjectId,
    pub issued_by: UserId,
    /// The issuing bank or bureau; none when the enterprise issued it for itself.
    pub institution_id: Option<InstitutionId>,
    /// Printed on the report; `verifyCreditReport` takes it.
    #[sea_orm(unique)]
    pub verification_code: String,
    /// Hex SHA-256 of `pdf`.
    pub sha256: String,
    pub issued_at: DateTimeUtc,
    pub pdf: Vec<u8>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
