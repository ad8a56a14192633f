//! Tables of credit data: records, tax records, objections, record events and the access log.

pub mod credit_record {
    use sea_orm::entity::prelude::*;
    use xyd_domain::{DataCategory, ImportJobId, RecordId, RecordStatus};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "credit_records")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: RecordId,
        pub uscc: String,
        pub category: DataCategory,
        pub source: String,
        pub doc_number: String,
        pub title: String,
        pub decided_at: Date,
        pub valid_until: Option<Date>,
        pub status: RecordStatus,
        /// The region prefix of the bureau that first imported the record ("" for the platform operator):
        /// only that jurisdiction (or one containing it) changes it or decides its objections.
        pub jurisdiction: String,
        pub import_job_id: Option<ImportJobId>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        /// The day of the import that last touched it (null for a record no import wrote).
        pub imported_on: Option<Date>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod tax_record {
    use sea_orm::entity::prelude::*;
    use xyd_domain::{ImportJobId, TaxGrade};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "tax_records")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub uscc: String,
        pub year: i32,
        pub grade: TaxGrade,
        /// Fen.
        pub tax_paid: i64,
        pub vat_sales: Option<i64>,
        pub import_job_id: Option<ImportJobId>,
        /// The day the tax bureau's data stood (the file's `snapshot_date`, else the day it was imported).
        pub snapshot_date: Option<Date>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod objection {
    use sea_orm::entity::prelude::*;
    use xyd_domain::{ObjectionId, ObjectionOutcome, RecordId, SubjectId, UserId};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "objections")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: ObjectionId,
        pub record_id: RecordId,
        pub subject_id: SubjectId,
        pub filed_by: UserId,
        pub reason: String,
        pub filed_at: DateTimeUtc,
        pub due_at: DateTimeUtc,
        pub outcome: Option<ObjectionOutcome>,
        pub note: Option<String>,
        pub resolved_at: Option<DateTimeUtc>,
        pub resolved_by: Option<UserId>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod record_event {
    use sea_orm::entity::prelude::*;
    use xyd_domain::{RecordAction, RecordId, RecordStatus, UserId};

    /// The audit trail of a record's status changes.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "record_events")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub record_id: RecordId,
        pub action: RecordAction,
        pub from_status: RecordStatus,
        pub to_status: RecordStatus,
        pub actor_id: UserId,
        pub note: Option<String>,
        pub at: DateTimeUtc,
        /// The row's place in the `record_events` audit chain, and its link (see `audit`).
        pub chain_seq: Option<i64>,
        pub chain_hash: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod access_log {
    use sea_orm::entity::prelude::*;
    use xyd_domain::{AccessPurpose, ConsentId, DataCategory, InstitutionId, SubjectId, TagList, UserId};

    /// One read of a subject's data by a bank or bureau.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "access_log")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub subject_id: SubjectId,
        pub user_id: UserId,
        pub institution_id: InstitutionId,
        pub categories: TagList<DataCategory>,
        pub purpose: AccessPurpose,
        pub consent_id: Option<ConsentId>,
        pub at: DateTimeUtc,
        /// The row's place in the `access_log` audit chain, and its link (see `audit`).
        pub chain_seq: Option<i64>,
        pub chain_hash: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
