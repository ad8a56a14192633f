//! The chains' heads and their daily anchors.

pub mod audit_head {
    use sea_orm::entity::prelude::*;

    /// The last link of one chain, locked by every append so writers keep one order.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_heads")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub chain: String,
        pub seq: i64,
        pub hash: String,
        /// Whether the rows written before the chain existed have been linked (once, at migration).
        pub sealed: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod audit_anchor {
    use sea_orm::entity::prelude::*;

    /// A chain's head as the day's anchoring found it.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_anchors")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub chain: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub day: Date,
        pub seq: i64,
        pub hash: String,
        pub anchored_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
