//! Persistence of credit and tax records, and the recomputation of subject flags.

use std::collections::{BTreeSet, HashMap};

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use uuid::Uuid;
use xyd_domain::credit::{CreditRow, FlagPolicy, RecordFact, TaxRow, flags};
use xyd_domain::{DataCategory, ImportJobId, RecordId, RecordStatus, RowError, TaxGrade, Uscc};
use xyd_reasons::Reason;

use super::entity::{credit_record, objection, tax_record};
use crate::error::{AppError, AppResult};
use crate::institutions::Scope;
use crate::subjects::SubjectRepo;

/// The outcome of writing a batch of imported rows: rows refused, and the codes whose flags must be recomputed.
pub struct Written {
    pub refused: Vec<(u64, RowError)>,
    pub touched: Vec<Uscc>,
}

/// Insert or update credit rows on (source, doc_number). A record's status is never overwritten by an
/// import: objections and repairs own it. A record belongs to the jurisdiction that first imported it: rows
/// for another jurisdiction's records are refused (`OUT_OF_JURISDICTION`) and change nothing. The codes
/// touched include a corrected record's previous subject.
pub async fn upsert_credit(
    conn: &impl ConnectionTrait,
    job: ImportJobId,
    scope: &Scope,
    rows: Vec<(u64, CreditRow)>,
) -> AppResult<Written> {
    if rows.is_empty() {
        return Ok(Written { refused: Vec::new(), touched: Vec::new() });
    }
    let existing = existing_records(conn, rows.iter().map(|(_, r)| r)).await?;
    let (accepted, written) = owned_by(scope, &existing, rows);
    if accepted.is_empty() {
        return Ok(written);
    }
    let now = Utc::now();
    let today = xyd_domain::demand::calendar::local_date(now);
    let rows = crate::db::last_per_key(accepted, |r| (r.source.clone(), r.doc_number.clone()));
    let models = rows.into_iter().map(|r| credit_record::ActiveModel {
        id: Set(RecordId::new()),
        uscc: Set(r.uscc.as_str().to_string()),
        category: Set(r.category),
        source: Set(r.source),
        doc_number: Set(r.doc_number),
        title: Set(r.title),
        decided_at: Set(r.decided_at),
        valid_until: Set(r.valid_until),
        status: Set(RecordStatus::Active),
        jurisdiction: Set(scope.jurisdiction_of(&r.uscc)),
        import_job_id: Set(Some(job)),
        created_at: Set(now),
        updated_at: Set(now),
        imported_on: Set(Some(today)),
    });
    let on_conflict = OnConflict::columns([credit_record::Column::Source, credit_record::Column::DocNumber])
        .update_columns([
            credit_record::Column::Uscc,
            credit_record::Column::Category,
            credit_record::Column::Title,
            credit_record::Column::DecidedAt,
            credit_record::Column::ValidUntil,
            credit_record::Column::ImportJobId,
            credit_record::Column::ImportedOn,
        ])
        .to_owned();
    credit_record::Entity::insert_many(models).on_conflict(on_conflict).exec_without_returning(conn).await?;
    Ok(written)
}

/// Split `rows` into those `scope` may write and those it may not (another jurisdiction's records), noting
/// the codes touched: each row's, and a corrected record's previous one.
fn owned_by(
    scope: &Scope,
    existing: &HashMap<(String, String), credit_record::Model>,
    rows: Vec<(u64, CreditRow)>,
) -> (Vec<CreditRow>, Written) {
    let mut written = Written { refused: Vec::new(), touched: Vec::new() };
    let mut accepted = Vec::with_capacity(rows.len());
    for (line, row) in rows {
        match existing.get(&(row.source.clone(), row.doc_number.clone())) {
            Some(owned) if !scope.covers_jurisdiction(&owned.jurisdiction) => {
                let reason = Reason::RecordOutOfJurisdiction { doc_number: row.doc_number.clone() };
                written.refused.push((line, RowError(reason)));
                continue;
            }
            Some(owned) => written.touched.extend(Uscc::parse(&owned.uscc).ok()),
            None => {}
        }
        written.touched.push(row.uscc.clone());
        accepted.push(row);
    }
    (accepted, written)
}

/// The stored records with the natural keys of `rows`.
async fn existing_records<'r>(
    conn: &impl ConnectionTrait,
    rows: impl Iterator<Item = &'r CreditRow>,
) -> AppResult<HashMap<(String, String), credit_record::Model>> {
    let (mut sources, mut docs) = (BTreeSet::new(), BTreeSet::new());
    for r in rows {
        sources.insert(r.source.clone());
        docs.insert(r.doc_number.clone());
    }
    let found = credit_record::Entity::find()
        .filter(credit_record::Column::Source.is_in(sources))
        .filter(credit_record::Column::DocNumber.is_in(docs))
        .all(conn)
        .await?;
    Ok(found.into_iter().map(|m| ((m.source.clone(), m.doc_number.clone()), m)).collect())
}

/// Insert or update tax rows on (uscc, year).
pub async fn upsert_tax(conn: &impl ConnectionTrait, job: ImportJobId, rows: Vec<TaxRow>) -> AppResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let rows = crate::db::last_per_key(rows, |r| (r.uscc.as_str().to_string(), r.year));
    let today = xyd_domain::demand::calendar::local_date(chrono::Utc::now());
    let models = rows.into_iter().map(|r| tax_record::ActiveModel {
        id: Set(Uuid::now_v7()),
        uscc: Set(r.uscc.as_str().to_string()),
        year: Set(r.year),
        grade: Set(r.grade),
        tax_paid: Set(r.tax_paid.fen()),
        vat_sales: Set(r.vat_sales.map(|v| v.fen())),
        import_job_id: Set(Some(job)),
        snapshot_date: Set(Some(r.snapshot_date.unwrap_or(today))),
    });
    let on_conflict = OnConflict::columns([tax_record::Column::Uscc, tax_record::Column::Year])
        .update_columns([
            tax_record::Column::Grade,
            tax_record::Column::TaxPaid,
            tax_record::Column::VatSales,
            tax_record::Column::ImportJobId,
            tax_record::Column::SnapshotDate,
        ])
        .to_owned();
    tax_record::Entity::insert_many(models).on_conflict(on_conflict).exec_without_returning(conn).await?;
    Ok(())
}

pub async fn find_record(conn: &impl ConnectionTrait, id: RecordId) -> AppResult<credit_record::Model> {
    credit_record::Entity::find_by_id(id).one(conn).await?.ok_or_else(|| AppError::not_found("信用信息不存在"))
}

/// A subject's credit records, newest decision first.
pub async fn records_of(conn: &impl ConnectionTrait, uscc: &str) -> AppResult<Vec<credit_record::Model>> {
    Ok(credit_record::Entity::find()
        .filter(credit_record::Column::Uscc.eq(uscc))
        .order_by_desc(credit_record::Column::DecidedAt)
        .order_by_asc(credit_record::Column::Id)
        .all(conn)
        .await?)
}

/// The objections against the records with `ids`, in no particular order.
pub async fn objections_on(
    conn: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = RecordId>,
) -> AppResult<Vec<objection::Model>> {
    Ok(objection::Entity::find().filter(objection::Column::RecordId.is_in(ids)).all(conn).await?)
}

/// A subject's tax records, newest year first.
pub async fn tax_of(conn: &impl ConnectionTrait, uscc: &str) -> AppResult<Vec<tax_record::Model>> {
    Ok(tax_record::Entity::find()
        .filter(tax_record::Column::Uscc.eq(uscc))
        .order_by_desc(tax_record::Column::Year)
        .all(conn)
        .await?)
}

/// Recompute 失信惩戒 / 守信激励 for the subjects with these codes: the domain rule (`credit::flags`) over their
/// records and latest tax grades, written back with at most four statements whatever the number of codes.
pub async fn recompute_flags(conn: &impl ConnectionTrait, usccs: &[&Uscc], policy: FlagPolicy) -> AppResult<()> {
    if usccs.is_empty() {
        return Ok(());
    }
    let codes: Vec<String> = usccs.iter().map(|u| u.as_str().to_string()).collect();
    let mut records: HashMap<String, Vec<RecordFact>> = HashMap::new();
    let facts: Vec<(String, DataCategory, RecordStatus)> = credit_record::Entity::find()
        .select_only()
        .column(credit_record::Column::Uscc)
        .column(credit_record::Column::Category)
        .column(credit_record::Column::Status)
        .filter(credit_record::Column::Uscc.is_in(codes.clone()))
        .into_tuple()
        .all(conn)
        .await?;
    for (uscc, category, status) in facts {
        records.entry(uscc).or_default().push(RecordFact { category, status });
    }
    let latest = latest_grades(conn, &codes).await?;
    let (mut restricted, mut trusted) = (Vec::new(), Vec::new());
    for code in &codes {
        let f = flags(records.get(code).map_or(&[][..], Vec::as_slice), latest.get(code).copied(), policy);
        restricted.push((code.clone(), f.restricted));
        trusted.push((code.clone(), f.trusted));
    }
    SubjectRepo::set_credit_flags(conn, &restricted, &trusted).await
}

/// The grade of the latest tax year of each of `codes` that has one, in one query.
pub async fn latest_grades(conn: &impl ConnectionTrait, codes: &[String]) -> AppResult<HashMap<String, TaxGrade>> {
    let rows: Vec<(String, i32, TaxGrade)> = tax_record::Entity::find()
        .select_only()
        .column(tax_record::Column::Uscc)
        .column(tax_record::Column::Year)
        .column(tax_record::Column::Grade)
        .filter(tax_record::Column::Uscc.is_in(codes.iter().cloned()))
        .into_tuple()
        .all(conn)
        .await?;
    let mut latest: HashMap<String, (i32, TaxGrade)> = HashMap::new();
    for (uscc, year, grade) in rows {
        let slot = latest.entry(uscc).or_insert((year, grade));
        if year > slot.0 {
            *slot = (year, grade);
        }
    }
    Ok(latest.into_iter().map(|(uscc, (_, grade))| (uscc, grade)).collect())
}
