//! The `demands` and `bank_responses` tables.

pub mod demand {
    use sea_orm::entity::prelude::*;
    use xyd_domain::{DataCategory, DemandId, DemandStatus, ProductId, ProductType, SubjectId, TagList};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "demands")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: DemandId,
        pub subject_id: SubjectId,
        /// Fen.
        pub amount: i64,
        pub term_months: i32,
        pub purpose: String,
        /// The product types the enterprise accepts.
        pub guarantee_types: TagList<ProductType>,
        /// Basis points.
        pub max_rate: Option<i32>,
        pub status: DemandStatus,
        pub posted_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
        /// First bank response due (working days after posting).
        pub first_response_due_at: DateTimeUtc,
        /// The products the demand is addressed to (an application); empty for an open demand.
        pub target_product_ids: TagList<ProductId>,
        /// Categories shared with every bank that accepts.
        pub shared_categories: TagList<DataCategory>,
        pub closed_at: Option<DateTimeUtc>,
        pub version: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod response {
    use sea_orm::entity::prelude::*;
    use xyd_domain::{DemandId, InstitutionId, ProductId, RejectReason, RepaymentMethod, ResponseId, ResponseStatus};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "bank_responses")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: ResponseId,
        pub demand_id: DemandId,
        pub bank_id: InstitutionId,
        pub status: ResponseStatus,
        /// The bank's first response (accept or reject), which the SLA measures.
        pub first_responded_at: DateTimeUtc,
        pub responded_within_sla: bool,
        pub accepted_at: Option<DateTimeUtc>,
        /// Credit decision due (working days after acceptance).
        pub credit_due_at: Option<DateTimeUtc>,
        pub credit_amount: Option<i64>,
        pub credit_rate: Option<i32>,
        pub credit_term: Option<i32>,
        pub credit_granted_at: Option<DateTimeUtc>,
        pub product_id: Option<ProductId>,
        pub disbursed_amount: Option<i64>,
        pub disbursed_at: Option<DateTimeUtc>,
        /// 首贷户: the bank marked this as the subject's first bank loan.
        pub first_loan: Option<bool>,
        pub reject_reason: Option<RejectReason>,
        pub reject_note: Option<String>,
        pub rejected_at: Option<DateTimeUtc>,
        pub updated_at: DateTimeUtc,
        /// How the granted credit is repaid (null: EQUAL_INSTALLMENT, grants before offers were compared).
        pub repayment_method: Option<RepaymentMethod>,
        /// When the enterprise chose this offer (at most one response of a demand).
        pub chosen_at: Option<DateTimeUtc>,
        /// The grant's fees (`demands::fees`, JSON); null for none.
        pub fees: Option<String>,
        /// Its 年化综合融资成本, basis points (null for grants made before it was kept).
        pub comprehensive_cost: Option<i32>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
