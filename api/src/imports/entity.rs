//! The `import_jobs` and `import_errors` tables.

pub mod import_job {
    use sea_orm::entity::prelude::*;
    use xyd_domain::{ImportJobId, ImportKind, ImportStatus, InstitutionId, UserId};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "import_jobs")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: ImportJobId,
        pub kind: ImportKind,
        pub status: ImportStatus,
        pub file_name: String,
        /// The importing bureau (none for the CLI).
        pub institution_id: Option<InstitutionId>,
        pub user_id: Option<UserId>,
        pub total_rows: i64,
        pub accepted_rows: i64,
        pub rejected_rows: i64,
        /// Rows whose USCC failed validation.
        pub invalid_code_rows: i64,
        /// Rows whose USCC repeated another row's with a different name (重错码).
        pub duplicate_code_rows: i64,
        pub failure: Option<String>,
        pub created_at: DateTimeUtc,
        pub finished_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod import_error {
    use sea_orm::entity::prelude::*;
    use xyd_domain::ImportJobId;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "import_errors")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub job_id: ImportJobId,
        pub line: i64,
        pub code: String,
        pub message: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
