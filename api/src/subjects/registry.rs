//! 存续主体名录: registry snapshots, their table and the queries over them.

use std::collections::{BTreeMap, HashSet};

use chrono::{NaiveDate, Utc};
use sea_orm::entity::prelude::*;
use sea_orm::sea_query::OnConflict;
use sea_orm::{DatabaseBackend, QueryOrder, QuerySelect, QueryTrait, Set, Statement};
use xyd_domain::demand::local_date;
use xyd_domain::registry::RegistryFacts;
use xyd_domain::{ImportJobId, RegionCode, RegistryRow, Uscc};

use crate::crypto::FieldCipher;
use crate::error::AppResult;
use crate::institutions::Scope;

pub mod entry {
    use sea_orm::entity::prelude::*;
    use xyd_domain::{ImportJobId, RegistryStatus, SubjectKind};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "registry_entries")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub uscc: String,
        pub snapshot_date: Date,
        pub name: String,
        pub kind: SubjectKind,
        pub region_code: String,
        pub industry_code: Option<String>,
        pub legal_rep_name: Option<String>,
        /// HMAC of the legal representative's ID number under the data key; never the number itself.
        pub legal_rep_id_hash: Option<String>,
        pub established_on: Option<Date>,
        pub status: RegistryStatus,
        pub import_job_id: Option<ImportJobId>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The registry record of `uscc` in the latest snapshot dated no later than today (Asia/Shanghai), if any.
pub async fn latest(conn: &impl ConnectionTrait, uscc: &Uscc) -> AppResult<Option<entry::Model>> {
    Ok(entry::Entity::find()
        .filter(entry::Column::Uscc.eq(uscc.as_str()))
        .filter(entry::Column::SnapshotDate.lte(local_date(Utc::now())))
        .order_by_desc(entry::Column::SnapshotDate)
        .one(conn)
        .await?)
}

/// What the register says about `uscc` for verification: its latest record, and whether the code also
/// stands in another county's latest snapshot (a cross-region 重错码, never verified automatically).
pub async fn facts_of<'e>(
    conn: &impl ConnectionTrait,
    uscc: &Uscc,
    latest: &'e entry::Model,
) -> AppResult<RegistryFacts<'e>> {
    let counties = standing_counties(conn, &[uscc.as_str()]).await?;
    let own = county_of(&latest.region_code);
    let cross_region = counties.iter().any(|(code, county)| code == uscc.as_str() && county != own);
    Ok(RegistryFacts {
        name: &latest.name,
        legal_rep_name: latest.legal_rep_name.as_deref(),
        legal_rep_id_hash: latest.legal_rep_id_hash.as_deref(),
        status: latest.status,
        cross_region,
    })
}

/// Of `codes`, those standing in the latest snapshot of a jurisdiction other than the importing one: a county
/// other than `row_county`'s that lies outside `scope`. Returns the codes to refuse as `CROSS_REGION_USCC`.
pub async fn standing_elsewhere(
    conn: &impl ConnectionTrait,
    scope: &Scope,
    rows: &[(&str, &RegionCode)],
) -> AppResult<HashSet<String>> {
    // Nothing lies outside an importer that may import everywhere: no query to make.
    if matches!(scope, Scope::All) {
        return Ok(HashSet::new());
    }
    let codes: Vec<&str> = rows.iter().map(|(code, _)| *code).collect();
    let standing = standing_counties(conn, &codes).await?;
    let mut refused = HashSet::new();
    for (code, region) in rows {
        let elsewhere = standing.iter().any(|(c, county)| {
            c == code
                && county != region.county()
                && RegionCode::parse(county).is_ok_and(|county| !scope.contains(&county))
        });
        if elsewhere {
            refused.insert((*code).to_string());
        }
    }
    Ok(refused)
}

/// (code, county) for each county in whose latest snapshot (per the snapshot summaries) one of `codes` stands.
async fn standing_counties(conn: &impl ConnectionTrait, codes: &[&str]) -> AppResult<Vec<(String, String)>> {
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<(String, String, NaiveDate)> = entry::Entity::find()
        .select_only()
        .column(entry::Column::Uscc)
        .column(entry::Column::RegionCode)
        .column(entry::Column::SnapshotDate)
        .filter(entry::Column::Uscc.is_in(codes.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    // The newest entry of each code per county, then whether that is the county's latest snapshot.
    let mut newest: BTreeMap<(String, String), NaiveDate> = BTreeMap::new();
    for (code, region, date) in found {
        let county = county_of(&region).to_string();
        let slot = newest.entry((code, county)).or_insert(date);
        *slot = (*slot).max(date);
    }
    let mut latest_of_county: BTreeMap<String, Option<NaiveDate>> = BTreeMap::new();
    let mut standing = Vec::new();
    for ((code, county), date) in newest {
        if !latest_of_county.contains_key(&county) {
            let latest = latest_snapshot(conn, &county).await?;
            latest_of_county.insert(county.clone(), latest);
        }
        let latest = latest_of_county.get(&county).copied().flatten();
        if latest.is_none_or(|latest| date >= latest) {
            standing.push((code, county));
        }
    }
    Ok(standing)
}

/// Where a market subject stands in the register: the snapshot date of the entry it was last seen in, and
/// whether it is missing from its county's latest snapshot (false when the county has none).
pub async fn standing(conn: &impl ConnectionTrait, uscc: &Uscc, region: &str) -> AppResult<(Option<NaiveDate>, bool)> {
    let seen = latest(conn, uscc).await?.map(|e| e.snapshot_date);
    let county = latest_snapshot(conn, county_of(region)).await?;
    let missing = county.is_some_and(|latest| seen.is_none_or(|day| day < latest));
    Ok((seen, missing))
}

/// The county (first six digits) of a stored region code.
fn county_of(region: &str) -> &str {
    region.get(..6).unwrap_or(region)
}

/// The newest snapshot date summarized for a county (`registry_counts`, recounted when an import ends).
async fn latest_snapshot(conn: &impl ConnectionTrait, county: &str) -> AppResult<Option<NaiveDate>> {
    let sql = "SELECT CAST(MAX(snapshot_date) AS TEXT) AS latest FROM registry_counts WHERE region_code LIKE $1";
    let statement = crate::db::numbered(conn.get_database_backend(), sql, vec![format!("{county}%").into()]);
    let Some(row) = conn.query_one_raw(statement).await? else { return Ok(None) };
    let latest: Option<String> = row.try_get("", "latest")?;
    Ok(latest.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()))
}

/// The statement that inserts or updates rows on their natural key (uscc, snapshot_date) — importing the same
/// rows again changes nothing — or none for no rows. ID numbers are stored only as keyed hashes. Pure work (no
/// database), so an import builds it while the previous batch is written.
pub fn upsert_statement(
    backend: DatabaseBackend,
    job: ImportJobId,
    rows: Vec<RegistryRow>,
    cipher: &FieldCipher,
) -> Option<Statement> {
    if rows.is_empty() {
        return None;
    }
    let rows = crate::db::last_per_key(rows, |r| (r.uscc.as_str().to_string(), r.snapshot_date));
    let models = rows.into_iter().map(|r| entry::ActiveModel {
        id: Set(Uuid::now_v7()),
        uscc: Set(r.uscc.as_str().to_string()),
        snapshot_date: Set(r.snapshot_date),
        name: Set(r.name),
        kind: Set(r.kind),
        region_code: Set(r.region.as_str().to_string()),
        industry_code: Set(r.industry.map(|i| i.as_str().to_string())),
        legal_rep_name: Set(r.legal_rep_name),
        legal_rep_id_hash: Set(r.legal_rep_id_number.as_ref().map(|id| cipher.keyed_hash(id.expose()))),
        established_on: Set(r.established_on),
        status: Set(r.status),
        import_job_id: Set(Some(job)),
    });
    let on_conflict = OnConflict::columns([entry::Column::Uscc, entry::Column::SnapshotDate])
        .update_columns([
            entry::Column::Name,
            entry::Column::Kind,
            entry::Column::RegionCode,
            entry::Column::IndustryCode,
            entry::Column::LegalRepName,
            entry::Column::LegalRepIdHash,
            entry::Column::EstablishedOn,
            entry::Column::Status,
        ])
        .to_owned();
    Some(entry::Entity::insert_many(models).on_conflict(on_conflict).build(backend))
}
