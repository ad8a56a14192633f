//! What a copy holds: every section of the data about one subject, as JSON (an array of rows) and as CSV (the
//! same rows, one column per field), zipped with `manifest.json` (each file's SHA-256 and size). Secrets the
//! subject never gave as such are left out: password hashes, keyed hashes of ID numbers, encrypted numbers
//! (the masks stay), the PDFs of reports (their digests stay).

use std::io::{Cursor, Write};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;

use crate::auth::entities::user;
use crate::consents::entity as consent;
use crate::credit::entity::{access_log, credit_record, objection, tax_record};
use crate::demands::entity::{demand, response};
use crate::error::{AppError, AppResult};
use crate::income_tax::entity::{authorization, record as income_record};
use crate::notifications::entity as notification;
use crate::renewals::entity as renewal;
use crate::reports::entity as report;
use crate::state::AppState;
use crate::subjects::entity as subject;
use crate::subjects::registry::entry as registry_entry;

/// Fields never copied out.
const WITHHELD: [&str; 5] = ["password_hash", "id_hash", "legal_rep_id_cipher", "legal_rep_id_hash", "pdf"];

/// One section of the copy.
struct Section {
    name: &'static str,
    rows: Vec<Value>,
}

/// The ZIP of `s`'s copy and its SHA-256.
pub async fn zip_of(state: &AppState, s: &subject::Model) -> AppResult<(Vec<u8>, String)> {
    let sections = sections(state.db.conn(), s).await?;
    let zip = write_zip(s, &sections).map_err(|e| AppError::internal("data copy zip", e))?;
    let sha = hex::encode(Sha256::digest(&zip));
    Ok((zip, sha))
}

async fn sections(conn: &impl ConnectionTrait, s: &subject::Model) -> AppResult<Vec<Section>> {
    let id = s.id;
    let code = s.filed_under().to_string();
    let users = user::Entity::find().filter(user::Column::SubjectId.eq(id)).order_by_asc(user::Column::Id);
    let user_ids: Vec<_> =
        users.clone().select_only().column(user::Column::Id).into_tuple::<xyd_domain::UserId>().all(conn).await?;
    let demands: Vec<_> = demand::Entity::find()
        .filter(demand::Column::SubjectId.eq(id))
        .select_only()
        .column(demand::Column::Id)
        .into_tuple::<xyd_domain::DemandId>()
        .all(conn)
        .await?;
    let section = |name, rows| Section { name, rows };
    Ok(vec![
        section("subject", subject::Entity::find_by_id(id).into_json().all(conn).await?),
        section("users", users.into_json().all(conn).await?),
        section(
            "registry_entries",
            registry_entry::Entity::find().filter(registry_entry::Column::Uscc.eq(&code)).into_json().all(conn).await?,
        ),
        section(
            "consents",
            consent::Entity::find().filter(consent::Column::SubjectId.eq(id)).into_json().all(conn).await?,
        ),
        section(
            "tax_collection_authorizations",
            authorization::Entity::find().filter(authorization::Column::SubjectId.eq(id)).into_json().all(conn).await?,
        ),
        section(
            "access_log",
            access_log::Entity::find().filter(access_log::Column::SubjectId.eq(id)).into_json().all(conn).await?,
        ),
        section(
            "credit_records",
            credit_record::Entity::find().filter(credit_record::Column::Uscc.eq(&code)).into_json().all(conn).await?,
        ),
        section(
            "objections",
            objection::Entity::find().filter(objection::Column::SubjectId.eq(id)).into_json().all(conn).await?,
        ),
        section(
            "tax_records",
            tax_record::Entity::find().filter(tax_record::Column::Uscc.eq(&code)).into_json().all(conn).await?,
        ),
        section(
            "income_tax_records",
            income_record::Entity::find().filter(income_record::Column::SubjectId.eq(id)).into_json().all(conn).await?,
        ),
        section(
            "demands",
            demand::Entity::find().filter(demand::Column::SubjectId.eq(id)).into_json().all(conn).await?,
        ),
        section(
            "bank_responses",
            response::Entity::find().filter(response::Column::DemandId.is_in(demands)).into_json().all(conn).await?,
        ),
        section(
            "renewals",
            renewal::Entity::find().filter(renewal::Column::SubjectId.eq(id)).into_json().all(conn).await?,
        ),
        section(
            "credit_reports",
            report::Entity::find().filter(report::Column::SubjectId.eq(id)).into_json().all(conn).await?,
        ),
        section(
            "notifications",
            notification::Entity::find()
                .filter(notification::Column::UserId.is_in(user_ids))
                .into_json()
                .all(conn)
                .await?,
        ),
    ])
}

/// The rows of a section without the withheld fields.
fn kept(rows: &[Value]) -> Vec<Map<String, Value>> {
    rows.iter()
        .filter_map(Value::as_object)
        .map(|row| {
            row.iter().filter(|(k, _)| !WITHHELD.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect()
        })
        .collect()
}

/// CSV of `rows`: the columns of the first row, in its order; text as it is, other values as JSON, null empty.
fn csv_of(rows: &[Map<String, Value>]) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let columns: Vec<&String> = rows.first().map(|r| r.keys().collect()).unwrap_or_default();
    out.write_record(&columns)?;
    for row in rows {
        out.write_record(columns.iter().map(|c| match row.get(*c) {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(text)) => text.clone(),
            Some(other) => other.to_string(),
        }))?;
    }
    out.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

fn write_zip(s: &subject::Model, sections: &[Section]) -> Result<Vec<u8>, Box<dyn std::error::Error + Send + Sync>> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut manifest = Vec::new();
    let mut add = |zip: &mut zip::ZipWriter<Cursor<Vec<u8>>>,
                   name: String,
                   bytes: &[u8]|
     -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        zip.start_file(name.as_str(), options)?;
        zip.write_all(bytes)?;
        manifest.push(json!({ "file": name, "sha256": hex::encode(Sha256::digest(bytes)), "bytes": bytes.len() }));
        Ok(())
    };
    for section in sections {
        let rows = kept(&section.rows);
        add(&mut zip, format!("{}.json", section.name), &serde_json::to_vec_pretty(&rows)?)?;
        add(&mut zip, format!("{}.csv", section.name), &csv_of(&rows)?)?;
    }
    let manifest = json!({
        "subject": s.id.to_string(),
        "generatedAt": chrono::Utc::now().to_rfc3339(),
        "note": "本副本包含平台保存的关于本主体的全部信息；每个文件的 SHA-256 列于 files。",
        "files": manifest,
    });
    zip.start_file("manifest.json", options)?;
    zip.write_all(&serde_json::to_vec_pretty(&manifest)?)?;
    Ok(zip.finish()?.into_inner())
}
