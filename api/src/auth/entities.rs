//! Database rows of accounts and sessions. Never exposed through GraphQL directly.

pub mod user {
    use sea_orm::entity::prelude::*;
    use xyd_domain::{InstitutionId, Role, SubjectId, UserId};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: UserId,
        #[sea_orm(unique)]
        pub email: String,
        pub password_hash: String,
        pub role: Role,
        pub institution_id: Option<InstitutionId>,
        pub created_at: DateTimeUtc,
        /// The market subject an enterprise user acts for.
        pub subject_id: Option<SubjectId>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod refresh_token {
    use sea_orm::entity::prelude::*;
    use xyd_domain::{RefreshTokenId, UserId};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "refresh_tokens")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: RefreshTokenId,
        pub user_id: UserId,
        /// Every token rotated from one login shares a family; reuse of a spent token revokes the family.
        pub family_id: Uuid,
        /// SHA-256 of the token, hex: the token itself is never stored.
        #[sea_orm(unique)]
        pub token_hash: String,
        pub created_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
        pub used_at: Option<DateTimeUtc>,
        pub revoked_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
