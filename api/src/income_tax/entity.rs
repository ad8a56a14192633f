//! The `tax_collection_authorizations` and `income_tax_records` tables.

pub mod authorization {
    use sea_orm::entity::prelude::*;
    use xyd_domain::{AuthorizationId, SubjectId, UserId};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "tax_collection_authorizations")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: AuthorizationId,
        /// The person (a NATURAL_PERSON subject).
        pub subject_id: SubjectId,
        /// 16 characters of `xyd_domain::credit::GRANT_CODE_ALPHABET`, unique.
        pub grant_code: String,
        pub valid_from: DateTimeUtc,
        pub valid_until: DateTimeUtc,
        pub revoked_at: Option<DateTimeUtc>,
        /// The collection text signed, and the SHA-256 of its body.
        pub text_version: String,
        pub text_sha256: String,
        pub signed_by: UserId,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod record {
    use sea_orm::entity::prelude::*;
    use xyd_domain::{AuthorizationId, ImportJobId, IncomeKind, SubjectId};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "income_tax_records")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub subject_id: SubjectId,
        /// The authorization it arrived under (the latest row's, on an update).
        pub authorization_id: AuthorizationId,
        pub year: i32,
        pub kind: IncomeKind,
        /// Fen.
        pub taxable_income: i64,
        /// Fen.
        pub tax_paid: i64,
        pub months_declared: i16,
        /// The individual business whose 经营所得 this is, if the row named it.
        pub uscc: Option<String>,
        pub snapshot_date: Date,
        pub import_job_id: ImportJobId,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
