//! The `renewals` table.

use sea_orm::entity::prelude::*;
use xyd_domain::{
    DemandId, InstitutionId, RejectReason, RenewalId, RenewalKind, RenewalStatus, ResponseId, SubjectId, UserId,
};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "renewals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: RenewalId,
    /// The loan: a DISBURSED bank response.
    pub response_id: ResponseId,
    pub demand_id: DemandId,
    pub subject_id: SubjectId,
    /// The lending bank, the only one that decides.
    pub bank_id: InstitutionId,
    /// The subject's region and industry section, for the indicators.
    pub region_code: String,
    pub industry_section: String,
    pub kind: RenewalKind,
    /// Fen.
    pub amount: i64,
    pub term_months: i32,
    pub reason: String,
    pub status: RenewalStatus,
    pub requested_at: DateTimeUtc,
    /// The decision is due (working days after the request).
    pub due_at: DateTimeUtc,
    pub decided_at: Option<DateTimeUtc>,
    pub decided_by: Option<UserId>,
    /// Basis points, when approved.
    pub annual_rate: Option<i32>,
    pub reject_reason: Option<RejectReason>,
    pub note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
