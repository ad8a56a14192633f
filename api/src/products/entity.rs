//! The `products` table.

use sea_orm::entity::prelude::*;
use xyd_domain::{
    DataCategory, IndustryCode, InstitutionId, ProductId, ProductStatus, ProductType, RegionPrefix, SubjectKind,
    TagList, TaxGrade,
};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "products")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: ProductId,
    pub bank_id: InstitutionId,
    pub name: String,
    pub description: String,
    pub product_type: ProductType,
    pub status: ProductStatus,
    /// Fen.
    pub amount_min: i64,
    pub amount_max: i64,
    /// Months.
    pub term_min: i32,
    pub term_max: i32,
    /// Basis points of annual percent.
    pub rate_min: i32,
    pub rate_max: i32,
    pub subject_kinds: TagList<SubjectKind>,
    pub region_prefixes: TagList<RegionPrefix>,
    pub industry_codes: TagList<IndustryCode>,
    pub min_tax_grade: Option<TaxGrade>,
    /// 接受未参评: a not-rated subject passes `min_tax_grade`.
    pub accepts_not_rated: bool,
    pub min_years: Option<i32>,
    /// 连续申报个人所得税年数 required, if any.
    pub min_declared_years: Option<i32>,
    pub requires_clean_record: bool,
    pub requires_verified: bool,
    pub required_consents: TagList<DataCategory>,
    pub tax_based: bool,
    pub trusted_discount: Option<i32>,
    /// 预授信规则 in its stored form (see `PreCreditRule::encode`).
    pub pre_credit_rule: Option<String>,
    /// Bumped by every change; optimistic concurrency and the index's staleness check use it.
    pub version: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub published_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
