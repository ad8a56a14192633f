//! GraphQL types and operations of institutions.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use xyd_domain::Role;

use super::create::{self, NewInstitution};
use crate::auth::principal::require_principal;
use crate::error::AppResult;
use crate::graphql::GqlInstitutionKind;
use crate::state::AppState;

/// A bank or a bureau.
#[derive(Clone, Debug, SimpleObject)]
pub struct Institution {
    pub id: ID,
    pub kind: GqlInstitutionKind,
    pub name: String,
    /// A bureau's jurisdiction, or the area a bank serves (region code prefix).
    pub region_code: String,
}

#[derive(InputObject)]
pub struct CreateInstitutionInput {
    pub kind: GqlInstitutionKind,
    pub name: String,
    pub region_code: String,
    pub admin_email: String,
    pub admin_password: String,
}

#[derive(Default)]
pub struct InstitutionMutation;

#[Object]
impl InstitutionMutation {
    /// Onboard a bank or bureau together with its first staff account (platform administrator only).
    async fn create_institution(&self, ctx: &Context<'_>, input: CreateInstitutionInput) -> AppResult<Institution> {
        require_principal(ctx)?.require(Role::Admin)?;
        let new = NewInstitution::parse(input)?;
        create::create_institution(ctx.data_unchecked::<AppState>(), new).await
    }
}
