//! Tables of credit data: records, tax records, objections, record events and the access log.

pub mod credit_record {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "credit_records")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub uscc: String,
        pub category: String,
        pub source: String,
        pub doc_number: String,
        pub title: String,
        pub decided_at: Date,
        pub valid_until: Option<Date>,
        /// ACTIVE, DISPUTED, REPAIRED or REVOKED.
        pub status: String,
        /// The region prefix of the bureau that first imported the record ("" for the platform operator):
        /// only that jurisdiction (or one containing it) changes it or decides its objections.
        pub jurisdiction: String,
        pub import_job_id: Option<Uuid>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod tax_record {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "tax_records")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub uscc: String,
        pub year: i32,
        pub grade: String,
        /// Fen.
        pub tax_paid: i64,
        pub vat_sales: Option<i64>,
        pub import_job_id: Option<Uuid>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod objection {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "objections")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub record_id: Uuid,
        pub subject_id: Uuid,
        pub filed_by: Uuid,
        pub reason: String,
        pub filed_at: DateTimeUtc,
        pub due_at: DateTimeUtc,
        pub outcome: Option<String>,
        pub note: Option<String>,
        pub resolved_at: Option<DateTimeUtc>,
        pub resolved_by: Option<Uuid>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod record_event {
    use sea_orm::entity::prelude::*;

    /// The audit trail of a record's status changes.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "record_events")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub record_id: Uuid,
        pub action: String,
        pub from_status: String,
        pub to_status: String,
        pub actor_id: Uuid,
        pub note: Option<String>,
        pub at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod access_log {
    use sea_orm::entity::prelude::*;

    /// One read of a subject's data by a bank or bureau.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "access_log")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub subject_id: Uuid,
        pub user_id: Uuid,
        pub institution_id: Uuid,
        /// Delimited: ",TAX,SOCIAL_INSURANCE,".
        pub categories: String,
        pub purpose: String,
        pub consent_id: Option<Uuid>,
        pub at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
