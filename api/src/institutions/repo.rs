//! Persistence of institutions.

use async_graphql::ID;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
use xyd_domain::{InstitutionId, InstitutionKind, RegionPrefix, Uscc};
use xyd_reasons::Reason;

use super::Institution;
use super::entity;
use crate::db::duplicate_as;
use crate::error::{AppError, AppResult};

pub struct InstitutionRepo;

impl InstitutionRepo {
    pub async fn find(conn: &impl ConnectionTrait, id: InstitutionId) -> AppResult<Option<Institution>> {
        Ok(entity::Entity::find_by_id(id).one(conn).await?.map(Institution::from))
    }

    /// The institution of `kind` named `name`, if any.
    pub async fn find_by_name(
        conn: &impl ConnectionTrait,
        kind: InstitutionKind,
        name: &str,
    ) -> AppResult<Option<InstitutionId>> {
        use sea_orm::{ColumnTrait, QueryFilter};
        let row = entity::Entity::find()
            .filter(entity::Column::Kind.eq(kind))
            .filter(entity::Column::Name.eq(name))
            .one(conn)
            .await?;
        Ok(row.map(|r| r.id))
    }

    /// Institutions by id.
    pub async fn find_many(
        conn: &impl ConnectionTrait,
        ids: impl IntoIterator<Item = InstitutionId>,
    ) -> AppResult<std::collections::HashMap<InstitutionId, Institution>> {
        use sea_orm::{ColumnTrait, QueryFilter};
        let rows = entity::Entity::find().filter(entity::Column::Id.is_in(ids)).all(conn).await?;
        Ok(rows.into_iter().map(|m| (m.id, Institution::from(m))).collect())
    }

    /// The ids of the bureaus whose jurisdiction lies inside `region`.
    pub async fn bureaus_in(conn: &impl ConnectionTrait, region: &RegionPrefix) -> AppResult<Vec<InstitutionId>> {
        use sea_orm::{ColumnTrait, QueryFilter, QuerySelect};
        Ok(entity::Entity::find()
            .select_only()
            .column(entity::Column::Id)
            .filter(entity::Column::Kind.eq(InstitutionKind::Bureau))
            .filter(entity::Column::RegionCode.starts_with(region.as_str()))
            .into_tuple()
            .all(conn)
            .await?)
    }

    pub async fn insert(
        conn: &impl ConnectionTrait,
        kind: InstitutionKind,
        name: &str,
        region: &RegionPrefix,
        uscc: Option<&Uscc>,
    ) -> AppResult<Institution> {
        let row = entity::ActiveModel {
            id: Set(InstitutionId::new()),
            kind: Set(kind),
            name: Set(name.to_string()),
            region_code: Set(region.as_str().to_string()),
            created_at: Set(Utc::now()),
            uscc: Set(uscc.map(|u| u.as_str().to_string())),
        }
        .insert(conn)
        .await
        .map_err(duplicate_as(|| AppError::refused(Reason::InstitutionExists)))?;
        Ok(Institution::from(row))
    }

    /// Set the code and/or the name of institution `id`.
    pub async fn update(
        conn: &impl ConnectionTrait,
        id: InstitutionId,
        uscc: Option<&Uscc>,
        name: Option<&str>,
    ) -> AppResult<Institution> {
        let found = entity::Entity::find_by_id(id).one(conn).await?.ok_or_else(|| AppError::not_found("机构不存在"))?;
        let mut row: entity::ActiveModel = found.into();
        if let Some(uscc) = uscc {
            row.uscc = Set(Some(uscc.as_str().to_string()));
        }
        if let Some(name) = name {
            row.name = Set(name.to_string());
        }
        let row = row.update(conn).await.map_err(duplicate_as(|| AppError::refused(Reason::InstitutionExists)))?;
        Ok(Institution::from(row))
    }
}

impl From<entity::Model> for Institution {
    fn from(m: entity::Model) -> Self {
        Institution {
            id: ID(m.id.to_string()),
            kind: m.kind.into(),
            name: m.name,
            region_code: m.region_code,
            uscc: m.uscc,
        }
    }
}
