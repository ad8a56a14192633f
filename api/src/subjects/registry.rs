//! 存续主体名录: registry snapshots, their table and the queries over them.

use sea_orm::entity::prelude::*;
use sea_orm::sea_query::OnConflict;
use sea_orm::{QueryOrder, Set};
use xyd_domain::{RegistryRow, RegistryStatus, Uscc};

use crate::error::{AppError, AppResult};

pub mod entry {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "registry_entries")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub uscc: String,
        pub snapshot_date: Date,
        pub name: String,
        pub kind: String,
        pub region_code: String,
        pub industry_code: Option<String>,
        pub legal_rep_name: Option<String>,
        pub established_on: Option<Date>,
        /// ACTIVE (存续), CANCELLED (注销) or REVOKED (吊销).
        pub status: String,
        pub import_job_id: Option<Uuid>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The latest registry record of `uscc`, if any snapshot has it.
pub async fn latest(conn: &impl ConnectionTrait, uscc: &Uscc) -> AppResult<Option<entry::Model>> {
    Ok(entry::Entity::find()
        .filter(entry::Column::Uscc.eq(uscc.as_str()))
        .order_by_desc(entry::Column::SnapshotDate)
        .one(conn)
        .await?)
}

/// The status of a stored registry record.
pub fn status_of(row: &entry::Model) -> AppResult<RegistryStatus> {
    RegistryStatus::parse(&row.status).map_err(|e| AppError::internal("registry status", e))
}

/// Insert or update rows on their natural key (uscc, snapshot_date): importing the same rows again
/// changes nothing.
pub async fn upsert(conn: &impl ConnectionTrait, job: Uuid, rows: Vec<RegistryRow>) -> AppResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let rows = crate::db::last_per_key(rows, |r| (r.uscc.as_str().to_string(), r.snapshot_date));
    let models = rows.into_iter().map(|r| entry::ActiveModel {
        id: Set(Uuid::now_v7()),
        uscc: Set(r.uscc.as_str().to_string()),
        snapshot_date: Set(r.snapshot_date),
        name: Set(r.name),
        kind: Set(r.kind.as_str().to_string()),
        region_code: Set(r.region.as_str().to_string()),
        industry_code: Set(r.industry.map(|i| i.as_str().to_string())),
        legal_rep_name: Set(r.legal_rep_name),
        established_on: Set(r.established_on),
        status: Set(r.status.as_str().to_string()),
        import_job_id: Set(Some(job)),
    });
    let on_conflict = OnConflict::columns([entry::Column::Uscc, entry::Column::SnapshotDate])
        .update_columns([
            entry::Column::Name,
            entry::Column::Kind,
            entry::Column::RegionCode,
            entry::Column::IndustryCode,
            entry::Column::LegalRepName,
            entry::Column::EstablishedOn,
            entry::Column::Status,
        ])
        .to_owned();
    entry::Entity::insert_many(models).on_conflict(on_conflict).exec_without_returning(conn).await?;
    Ok(())
}
