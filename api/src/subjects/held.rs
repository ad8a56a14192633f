//! What this capability holds about one subject, for the subject's copy (`my_data`) and a person's erasure
//! (`erasure`): the subject's own row and its registry entries.

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::Value;
use xyd_domain::SubjectId;

use super::entity;
use super::registry::entry;
use crate::error::AppResult;

/// Stands in for an erased name.
pub const ERASED_NAME: &str = "（已删除）";

/// The subject's row and the registry entries of its code.
pub async fn copy(conn: &impl ConnectionTrait, s: &entity::Model) -> AppResult<Vec<(&'static str, Vec<Value>)>> {
    Ok(vec![
        ("subject", entity::Entity::find_by_id(s.id).into_json().all(conn).await?),
        (
            "registry_entries",
            entry::Entity::find().filter(entry::Column::Uscc.eq(s.filed_under())).into_json().all(conn).await?,
        ),
    ])
}

/// Erase a person's personal fields: the name (replaced), the ID number's keyed hash and mask, phone, review note.
pub async fn erase_person(conn: &impl ConnectionTrait, person: SubjectId) -> AppResult<()> {
    entity::Entity::update_many()
        .col_expr(entity::Column::Name, Expr::value(ERASED_NAME))
        .col_expr(entity::Column::LegalRepName, Expr::value(ERASED_NAME))
        .col_expr(entity::Column::Phone, Expr::value(Option::<String>::None))
        .col_expr(entity::Column::IdHash, Expr::value(Option::<String>::None))
        .col_expr(entity::Column::IdMasked, Expr::value(Option::<String>::None))
        .col_expr(entity::Column::VerificationNote, Expr::value(Option::<String>::None))
        .filter(entity::Column::Id.eq(person))
        .filter(entity::Column::Kind.eq(xyd_domain::SubjectKind::NaturalPerson))
        .exec(conn)
        .await?;
    Ok(())
}
