//! What a copy holds: every section of the data about one subject, as JSON (an array of rows) and as CSV (the
//! same rows, one column per field), zipped with `manifest.json` (each file's SHA-256 and size). Secrets the
//! subject never gave as such are left out: password hashes, keyed hashes of ID numbers, encrypted numbers
//! (the masks stay), the PDFs of reports (their digests stay).

use std::io::{Cursor, Write};

use sea_orm::ConnectionTrait;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::subjects::SubjectRow;

/// Fields never copied out.
const WITHHELD: [&str; 5] = ["password_hash", "id_hash", "legal_rep_id_cipher", "legal_rep_id_hash", "pdf"];

/// One section of the copy: its name and rows, as the capability that holds them gives them.
type Section = (&'static str, Vec<Value>);

/// The ZIP of `s`'s copy and its SHA-256.
pub async fn zip_of(state: &AppState, s: &SubjectRow) -> AppResult<(Vec<u8>, String)> {
    let sections = sections(state.db.conn(), s).await?;
    let zip = write_zip(s, &sections).map_err(|e| AppError::internal("data copy zip", e))?;
    let sha = hex::encode(Sha256::digest(&zip));
    Ok((zip, sha))
}

/// Every capability's part: each says what it holds about a subject (its `held` module).
async fn sections(conn: &impl ConnectionTrait, s: &SubjectRow) -> AppResult<Vec<Section>> {
    let users = crate::auth::held::users_of(conn, s.id).await?;
    let mut all = crate::subjects::held::copy(conn, s).await?;
    all.extend(crate::auth::held::copy(conn, s.id).await?);
    all.extend(crate::consents::held::copy(conn, s.id).await?);
    all.extend(crate::income_tax::held::copy(conn, s.id).await?);
    all.extend(crate::credit::held::copy(conn, s).await?);
    all.extend(crate::demands::held::copy(conn, s.id).await?);
    all.extend(crate::loans::history::copy(conn, s.filed_under()).await?);
    all.extend(crate::renewals::held::copy(conn, s.id).await?);
    all.extend(crate::reports::held::copy(conn, s.id).await?);
    all.extend(crate::notifications::held::copy(conn, &users).await?);
    Ok(all)
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

fn write_zip(s: &SubjectRow, sections: &[Section]) -> Result<Vec<u8>, Box<dyn std::error::Error + Send + Sync>> {
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
    for (name, rows) in sections {
        let rows = kept(rows);
        add(&mut zip, format!("{name}.json"), &serde_json::to_vec_pretty(&rows)?)?;
        add(&mut zip, format!("{name}.csv"), &csv_of(&rows)?)?;
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
