//! The `institutions` table.

use sea_orm::entity::prelude::*;
use xyd_domain::{InstitutionId, InstitutionKind};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "institutions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: InstitutionId,
    pub kind: InstitutionKind,
    pub name: String,
    /// For a bureau, its jurisdiction (a region code prefix); for a bank, the area it serves.
    pub region_code: String,
    pub created_at: DateTimeUtc,
    /// 统一社会信用代码, the code the institution reports loans under; null until the admin completes it.
    pub uscc: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
