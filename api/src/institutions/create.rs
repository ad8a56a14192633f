//! Use cases: onboard an institution and its first staff account in one transaction; complete or correct its
//! code and name (the admin).

use xyd_domain::{Email, InstitutionId, InstitutionKind, Password, RegionPrefix, Role, Uscc};
use xyd_reasons::Reason;

use super::graphql::{CreateInstitutionInput, InstitutionUpdate};
use super::{Institution, InstitutionRepo};
use crate::auth::password;
use crate::auth::user::UserRepo;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// A validated `CreateInstitutionInput`.
pub struct NewInstitution {
    kind: InstitutionKind,
    name: String,
    region: RegionPrefix,
    admin_email: Email,
    admin_password: Password,
    uscc: Option<Uscc>,
}

/// The institution's name, trimmed, 1 to 100 characters.
fn name(raw: &str) -> AppResult<String> {
    let name = raw.trim().to_string();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::input("input.name", Reason::InvalidInstitutionName));
    }
    Ok(name)
}

/// An institution's code, checked like any USCC.
fn uscc(raw: Option<&str>) -> AppResult<Option<Uscc>> {
    raw.map(|u| Uscc::parse(u).map_err(|e| AppError::from(e).at("input.uscc"))).transpose()
}

impl NewInstitution {
    pub fn parse(input: CreateInstitutionInput) -> AppResult<Self> {
        Ok(Self {
            kind: input.kind.into(),
            name: name(&input.name)?,
            uscc: uscc(input.uscc.as_deref())?,
            region: xyd_divisions::parse_area(&input.region_code)
                .map_err(|e| AppError::from(e).at("input.regionCode"))?,
            admin_email: Email::parse(&input.admin_email).map_err(|e| AppError::from(e).at("input.adminEmail"))?,
            admin_password: Password::parse(&input.admin_password)
                .map_err(|e| AppError::from(e).at("input.adminPassword"))?,
        })
    }
}

pub async fn create_institution(state: &AppState, new: NewInstitution) -> AppResult<Institution> {
    let role = match new.kind {
        InstitutionKind::Bank => Role::Bank,
        InstitutionKind::Bureau => Role::Bureau,
    };
    let hash = password::hash(&new.admin_password).await?;
    let txn = state.db.begin_write().await?;
    let institution = InstitutionRepo::insert(&*txn, new.kind, &new.name, &new.region, new.uscc.as_ref()).await?;
    let id = xyd_domain::InstitutionId::parse(institution.id.as_str())?;
    UserRepo::insert(&*txn, &new.admin_email, hash, role, Some(id), None)
        .await
        .map_err(|e| e.at("input.adminEmail"))?;
    txn.commit().await?;
    Ok(institution)
}

/// A validated `InstitutionUpdate`: the fields to change.
pub struct Change {
    uscc: Option<Uscc>,
    name: Option<String>,
}

impl Change {
    pub fn parse(input: InstitutionUpdate) -> AppResult<Self> {
        Ok(Self { uscc: uscc(input.uscc.as_deref())?, name: input.name.as_deref().map(name).transpose()? })
    }
}

/// Change an institution's code or name: NOT_FOUND for an unknown one, CONFLICT for a code or name another
/// institution holds.
pub async fn update_institution(state: &AppState, id: InstitutionId, change: Change) -> AppResult<Institution> {
    let txn = state.db.begin_write().await?;
    let updated = InstitutionRepo::update(&*txn, id, change.uscc.as_ref(), change.name.as_deref()).await?;
    txn.commit().await?;
    state.institutions.forget(id).await;
    Ok(updated)
}
