//! Use case: onboard an institution and its first staff account in one transaction.

use xyd_domain::{Email, InstitutionKind, Password, RegionPrefix, Role};
use xyd_reasons::Reason;

use super::graphql::CreateInstitutionInput;
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
}

impl NewInstitution {
    pub fn parse(input: CreateInstitutionInput) -> AppResult<Self> {
        let name = input.name.trim().to_string();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(AppError::input("input.name", Reason::InvalidInstitutionName));
        }
        Ok(Self {
            kind: input.kind.into(),
            name,
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
    let institution = InstitutionRepo::insert(&*txn, new.kind, &new.name, &new.region).await?;
    let id = xyd_domain::InstitutionId::parse(institution.id.as_str())?;
    UserRepo::insert(&*txn, &new.admin_email, hash, role, Some(id), None)
        .await
        .map_err(|e| e.at("input.adminEmail"))?;
    txn.commit().await?;
    Ok(institution)
}
