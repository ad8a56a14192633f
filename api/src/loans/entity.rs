//! The loans collected elsewhere (`loan_history`).

pub mod history {
    use sea_orm::entity::prelude::*;
    use xyd_domain::ImportJobId;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "loan_history")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The borrower.
        pub uscc: String,
        pub lender_uscc: String,
        pub lender_name: String,
        pub loan_date: Date,
        /// Fen.
        pub amount: i64,
        /// What the lender reported, if it said.
        pub first_loan: Option<bool>,
        pub import_job_id: ImportJobId,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
