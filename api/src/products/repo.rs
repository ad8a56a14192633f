//! Persistence of products, and the SQL form of the product filter (the search fallback).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use xyd_domain::product::{
    PreCreditRule, ProductFilter, ProductSpec, ProductSpecInput, ProductStatus, industry_prefixes_of,
    region_prefixes_of,
};
use xyd_domain::{InstitutionId, Money, ProductId, Rate, TagList};
use xyd_reasons::Reason;

use super::entity::{self, Column};
use crate::error::{AppError, AppResult};
use crate::tags::{self, contains_any};

pub struct ProductRepo;

/// A stored product, as [`ProductRepo`] reads it: other capabilities name the row by this, not by `entity`.
pub type ProductRow = entity::Model;

fn set_spec(row: &mut entity::ActiveModel, spec: &ProductSpec) {
    row.name = Set(spec.name().to_string());
    row.description = Set(spec.description().to_string());
    row.product_type = Set(spec.product_type());
    row.amount_min = Set(spec.amount_min().fen());
    row.amount_max = Set(spec.amount_max().fen());
    row.term_min = Set(i32::from(spec.term_months_min()));
    row.term_max = Set(i32::from(spec.term_months_max()));
    row.rate_min = Set(spec.rate_min().bp());
    row.rate_max = Set(spec.rate_max().bp());
    row.subject_kinds = Set(TagList::new(spec.subject_kinds().to_vec()));
    row.region_prefixes = Set(TagList::new(spec.region_prefixes().to_vec()));
    row.industry_codes = Set(TagList::new(spec.industry_codes().to_vec()));
    row.min_tax_grade = Set(spec.min_tax_grade());
    row.accepts_not_rated = Set(spec.accepts_not_rated());
    row.min_years = Set(spec.min_years_in_operation().map(i32::from));
    row.min_declared_years = Set(spec.min_declared_years().map(i32::from));
    row.requires_clean_record = Set(spec.requires_clean_record());
    row.requires_verified = Set(spec.requires_verified());
    row.required_consents = Set(TagList::new(spec.required_consents().to_vec()));
    row.tax_based = Set(spec.tax_based());
    row.trusted_discount = Set(spec.trusted_rate_discount().map(|r| r.bp()));
    row.pre_credit_rule = Set(spec.pre_credit().map(PreCreditRule::encode));
}

/// Rebuild the validated spec of a stored product.
pub fn spec_of(m: &entity::Model) -> AppResult<ProductSpec> {
    let bad = |e: xyd_domain::DomainError| AppError::internal("stored product", e);
    let input = ProductSpecInput {
        name: m.name.clone(),
        description: m.description.clone(),
        product_type: m.product_type,
        amount_min: Money::from_fen(m.amount_min),
        amount_max: Money::from_fen(m.amount_max),
        term_months_min: m.term_min,
        term_months_max: m.term_max,
        rate_min: Rate::from_bp(m.rate_min).map_err(bad)?,
        rate_max: Rate::from_bp(m.rate_max).map_err(bad)?,
        subject_kinds: m.subject_kinds.as_slice().to_vec(),
        region_prefixes: m.region_prefixes.iter().map(ToString::to_string).collect(),
        industry_codes: m.industry_codes.iter().map(ToString::to_string).collect(),
        min_tax_grade: m.min_tax_grade,
        accepts_not_rated: m.accepts_not_rated,
        min_years_in_operation: m.min_years,
        min_declared_years: m.min_declared_years,
        requires_clean_record: m.requires_clean_record,
        requires_verified: m.requires_verified,
        required_consents: m.required_consents.as_slice().to_vec(),
        tax_based: m.tax_based,
        trusted_rate_discount: m.trusted_discount.map(Rate::from_bp).transpose().map_err(bad)?,
        pre_credit: m.pre_credit_rule.as_deref().map(PreCreditRule::decode).transpose().map_err(bad)?,
    };
    ProductSpec::restore(input).map_err(bad)
}

/// The hard filters of `ProductFilter::matches`, in SQL, over published products.
pub fn published_matching(filter: &ProductFilter) -> Condition {
    let mut c = Condition::all().add(Column::Status.eq(ProductStatus::Published));
    if !filter.product_types.is_empty() {
        c = c.add(Column::ProductType.is_in(filter.product_types.iter().copied()));
    }
    if let Some(kind) = filter.subject_kind {
        c = c.add(contains_any(Column::SubjectKinds, &[kind.as_str().to_string()]));
    }
    if let Some(region) = &filter.region_code {
        c = c.add(contains_any(Column::RegionPrefixes, &region_prefixes_of(region)));
    }
    if let Some(industry) = &filter.industry_code {
        c = c.add(
            Condition::any()
                .add(tags::is_empty(Column::IndustryCodes))
                .add(contains_any(Column::IndustryCodes, &industry_prefixes_of(industry))),
        );
    }
    if let Some(amount) = filter.amount {
        c = c.add(Column::AmountMin.lte(amount.fen())).add(Column::AmountMax.gte(amount.fen()));
    }
    if let Some(term) = filter.term_months {
        c = c.add(Column::TermMin.lte(i32::from(term))).add(Column::TermMax.gte(i32::from(term)));
    }
    if let Some(rate) = filter.max_rate {
        c = c.add(Column::RateMin.lte(rate.bp()));
    }
    if let Some(tax_based) = filter.tax_based {
        c = c.add(Column::TaxBased.eq(tax_based));
    }
    if let Some(bank) = filter.bank_id {
        c = c.add(Column::BankId.eq(bank));
    }
    c
}

impl ProductRepo {
    pub async fn insert(
        conn: &impl ConnectionTrait,
        id: ProductId,
        bank: InstitutionId,
        spec: &ProductSpec,
        now: DateTime<Utc>,
    ) -> AppResult<entity::Model> {
        let mut row = entity::ActiveModel {
            id: Set(id),
            bank_id: Set(bank),
            status: Set(ProductStatus::Draft),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            published_at: Set(None),
            ..Default::default()
        };
        set_spec(&mut row, spec);
        Ok(row.insert(conn).await?)
    }

    pub async fn find(conn: &impl ConnectionTrait, id: ProductId) -> AppResult<Option<entity::Model>> {
        Ok(entity::Entity::find_by_id(id).one(conn).await?)
    }

    /// Products by id, in no particular order.
    pub async fn find_many(
        conn: &impl ConnectionTrait,
        ids: &[ProductId],
    ) -> AppResult<HashMap<ProductId, entity::Model>> {
        let rows = entity::Entity::find().filter(Column::Id.is_in(ids.iter().copied())).all(conn).await?;
        Ok(rows.into_iter().map(|m| (m.id, m)).collect())
    }

    /// Apply a change if the product is still at `version`; CONFLICT otherwise.
    pub async fn save(
        conn: &impl ConnectionTrait,
        current: &entity::Model,
        spec: Option<&ProductSpec>,
        status: ProductStatus,
    ) -> AppResult<entity::Model> {
        let now = Utc::now();
        let mut row = entity::ActiveModel {
            status: Set(status),
            version: Set(current.version + 1),
            updated_at: Set(now),
            ..Default::default()
        };
        if status == ProductStatus::Published && current.published_at.is_none() {
            row.published_at = Set(Some(now));
        }
        if let Some(spec) = spec {
            set_spec(&mut row, spec);
        }
        let updated = entity::Entity::update_many()
            .set(row)
            .filter(Column::Id.eq(current.id))
            .filter(Column::Version.eq(current.version))
            .exec(conn)
            .await?;
        if updated.rows_affected != 1 {
            return Err(AppError::refused(Reason::ProductChanged));
        }
        entity::Entity::find_by_id(current.id)
            .one(conn)
            .await?
            .ok_or_else(|| AppError::internal("product", "vanished after update"))
    }

    /// The SQL search: published products matching `filter` and, plainly, `query` in name or description.
    pub async fn search(
        conn: &impl ConnectionTrait,
        query: Option<&str>,
        filter: &ProductFilter,
        offset: u64,
        limit: u64,
    ) -> AppResult<(u64, Vec<entity::Model>)> {
        let mut condition = published_matching(filter);
        if let Some(q) = query.map(str::trim).filter(|q| !q.is_empty()) {
            let pattern = format!("%{}%", q.replace('\\', "").replace(['%', '_'], ""));
            condition = condition.add(
                Condition::any()
                    .add(Expr::col(Column::Name).like(pattern.clone()))
                    .add(Expr::col(Column::Description).like(pattern)),
            );
        }
        let select = entity::Entity::find().filter(condition);
        let total = select.clone().count(conn).await?;
        let rows =
            select.order_by_asc(Column::RateMin).order_by_asc(Column::Id).offset(offset).limit(limit).all(conn).await?;
        Ok((total, rows))
    }

    /// Of the products with `ids`, those on the shelf.
    pub async fn published_among(conn: &impl ConnectionTrait, ids: &[ProductId]) -> AppResult<Vec<entity::Model>> {
        Ok(entity::Entity::find()
            .filter(Column::Id.is_in(ids.iter().copied()))
            .filter(Column::Status.eq(ProductStatus::Published))
            .all(conn)
            .await?)
    }

    /// Of the products with `ids`, those `bank` owns.
    pub async fn of_bank_among(
        conn: &impl ConnectionTrait,
        bank: InstitutionId,
        ids: impl IntoIterator<Item = ProductId>,
    ) -> AppResult<Vec<entity::Model>> {
        Ok(entity::Entity::find().filter(Column::Id.is_in(ids)).filter(Column::BankId.eq(bank)).all(conn).await?)
    }

    /// Every published product (for reindex and verify).
    pub async fn all_published(conn: &impl ConnectionTrait) -> AppResult<Vec<entity::Model>> {
        Ok(entity::Entity::find().filter(Column::Status.eq(ProductStatus::Published)).all(conn).await?)
    }

    /// A bank's products, newest first.
    pub async fn of_bank(conn: &impl ConnectionTrait, bank: InstitutionId) -> AppResult<Vec<entity::Model>> {
        Ok(entity::Entity::find().filter(Column::BankId.eq(bank)).order_by_desc(Column::Id).all(conn).await?)
    }
}
