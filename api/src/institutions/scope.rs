//! Jurisdiction: which subjects an official (platform admin or bureau) may act on.

use xyd_domain::{RegionCode, RegionPrefix, Role};

use super::entity;
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use sea_orm::{ConnectionTrait, EntityTrait};

/// The region an official may act in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The platform administrator: everywhere.
    All,
    /// A bureau: its jurisdiction (region code prefix).
    Within(RegionPrefix),
}

impl Scope {
    /// The scope of an ADMIN or BUREAU caller; FORBIDDEN for anyone else.
    pub async fn of_official(conn: &impl ConnectionTrait, principal: &Principal) -> AppResult<Scope> {
        match principal.role {
            Role::Admin => Ok(Scope::All),
            Role::Bureau => Ok(Scope::Within(region_of(conn, principal).await?)),
            _ => Err(AppError::forbidden("此操作仅限平台管理员或主管部门")),
        }
    }

    /// The scope of a BUREAU caller only.
    pub async fn of_bureau(conn: &impl ConnectionTrait, principal: &Principal) -> AppResult<Scope> {
        principal.require(Role::Bureau)?;
        Ok(Scope::Within(region_of(conn, principal).await?))
    }

    /// The calling bank's service area (its institution's region prefix); FORBIDDEN for anyone else.
    pub async fn bank_area(conn: &impl ConnectionTrait, principal: &Principal) -> AppResult<RegionPrefix> {
        principal.require(Role::Bank)?;
        region_of(conn, principal).await
    }

    pub fn contains(&self, region: &RegionCode) -> bool {
        match self {
            Scope::All => true,
            Scope::Within(prefix) => prefix.contains(region),
        }
    }

    /// Whether the scope contains the jurisdiction `owner` (a region prefix).
    pub fn covers_jurisdiction(&self, owner: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Within(prefix) => !owner.is_empty() && owner.starts_with(prefix.as_str()),
        }
    }

    /// The jurisdiction that owns a record about `uscc` written in this scope: the bureau's own; for the
    /// platform operator (the CLI), the code's registering county, as if its bureau had imported it.
    pub fn jurisdiction_of(&self, uscc: &xyd_domain::Uscc) -> String {
        match self {
            Scope::All => uscc.county_code().to_string(),
            Scope::Within(prefix) => prefix.as_str().to_string(),
        }
    }

    /// FORBIDDEN unless the record owned by jurisdiction `owner` is inside the scope.
    pub fn ensure_jurisdiction(&self, owner: &str) -> AppResult<()> {
        if self.covers_jurisdiction(owner) {
            Ok(())
        } else {
            Err(AppError::forbidden("该信用信息由其他辖区归集，本部门无权处理"))
        }
    }

    /// FORBIDDEN unless `region` is inside the scope.
    pub fn ensure(&self, region: &RegionCode) -> AppResult<()> {
        if self.contains(region) { Ok(()) } else { Err(AppError::forbidden("该主体不在本部门辖区内")) }
    }

    /// The prefix to filter by, if any.
    pub fn prefix(&self) -> Option<&RegionPrefix> {
        match self {
            Scope::All => None,
            Scope::Within(prefix) => Some(prefix),
        }
    }
}

async fn region_of(conn: &impl ConnectionTrait, principal: &Principal) -> AppResult<RegionPrefix> {
    let id = principal.institution()?;
    let row = entity::Entity::find_by_id(id).one(conn).await?.ok_or_else(|| AppError::forbidden("所属机构不存在"))?;
    RegionPrefix::parse(&row.region_code).map_err(|e| AppError::internal("institution region", e))
}
