//! Persistence of institutions.

use async_graphql::ID;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
use xyd_domain::{InstitutionId, InstitutionKind, RegionPrefix};

use super::Institution;
use super::entity;
use crate::db::is_unique_violation;
use crate::error::{AppError, AppResult};

pub struct InstitutionRepo;

impl InstitutionRepo {
    pub async fn find(conn: &impl ConnectionTrait, id: InstitutionId) -> AppResult<Option<Institution>> {
        entity::Entity::find_by_id(id.as_uuid()).one(conn).await?.map(Institution::try_from).transpose()
    }

    /// The institution of `kind` named `name`, if any.
    pub async fn find_by_name(
        conn: &impl ConnectionTrait,
        kind: InstitutionKind,
        name: &str,
    ) -> AppResult<Option<InstitutionId>> {
        use sea_orm::{ColumnTrait, QueryFilter};
        let row = entity::Entity::find()
            .filter(entity::Column::Kind.eq(kind.as_str()))
            .filter(entity::Column::Name.eq(name))
            .one(conn)
            .await?;
        Ok(row.map(|r| InstitutionId::from_uuid(r.id)))
    }

    /// Institutions by id.
    pub async fn find_many(
        conn: &impl ConnectionTrait,
        ids: impl IntoIterator<Item = uuid::Uuid>,
    ) -> AppResult<std::collections::HashMap<uuid::Uuid, Institution>> {
        use sea_orm::{ColumnTrait, QueryFilter};
        let rows = entity::Entity::find().filter(entity::Column::Id.is_in(ids)).all(conn).await?;
        rows.into_iter().map(|m| Ok((m.id, Institution::try_from(m)?))).collect()
    }

    pub async fn insert(
        conn: &impl ConnectionTrait,
        kind: InstitutionKind,
        name: &str,
        region: &RegionPrefix,
    ) -> AppResult<Institution> {
        let row = entity::ActiveModel {
            id: Set(InstitutionId::new().as_uuid()),
            kind: Set(kind.as_str().to_string()),
            name: Set(name.to_string()),
            region_code: Set(region.as_str().to_string()),
            created_at: Set(Utc::now()),
        }
        .insert(conn)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                AppError::conflict("INSTITUTION_EXISTS", "同名机构已存在")
            } else {
                e.into()
            }
        })?;
        Institution::try_from(row)
    }
}

impl TryFrom<entity::Model> for Institution {
    type Error = AppError;
    fn try_from(m: entity::Model) -> AppResult<Self> {
        let kind: InstitutionKind = m.kind.parse().map_err(|_| AppError::internal("institution kind", &m.kind))?;
        Ok(Institution { id: ID(m.id.to_string()), kind: kind.into(), name: m.name, region_code: m.region_code })
    }
}
