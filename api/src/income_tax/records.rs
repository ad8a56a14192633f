//! The income-tax summaries received under authorizations: written by the INCOME_TAX import only after the
//! row's grant code is checked against its authorization and grantor, read by the person and — under the
//! person's consent, while the authorization is not revoked — by banks.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;
use xyd_domain::credit::IncomeTaxRow;
use xyd_domain::demand::pre_credit::IncomeYear;
use xyd_domain::{ImportJobId, IncomeKind, Money, RowError, SubjectKind};
use xyd_reasons::Reason;

use super::authorizations;
use super::entity::{authorization, record};
use crate::crypto::FieldCipher;
use crate::error::AppResult;
use crate::institutions::Scope;
use crate::subjects::{SubjectRepo, SubjectRow};

/// Write the rows whose grant code is valid and names their person; refuse the others, each with its reason
/// (`GRANT_CODE_UNKNOWN`, `_EXPIRED`, `_REVOKED`, `_MISMATCH`, or a person outside `scope`). A refused row
/// stores nothing.
pub async fn upsert(
    txn: &DatabaseTransaction,
    job: ImportJobId,
    scope: &Scope,
    cipher: &FieldCipher,
    rows: Vec<(u64, IncomeTaxRow)>,
) -> AppResult<Vec<(u64, RowError)>> {
    let codes: HashSet<&str> = rows.iter().map(|(_, r)| r.grant_code.as_str()).collect();
    let grants: HashMap<String, authorization::Model> = authorization::Entity::find()
        .filter(authorization::Column::GrantCode.is_in(codes))
        .all(txn)
        .await?
        .into_iter()
        .map(|a| (a.grant_code.clone(), a))
        .collect();
    let grantors = SubjectRepo::find_many(txn, grants.values().map(|a| a.subject_id)).await?;
    let (now, mut refused, mut models) = (Utc::now(), Vec::new(), Vec::new());
    for (line, row) in rows {
        let grant = grants.get(&row.grant_code);
        let judged = match authorizations::refusal(grant, now) {
            Some(reason) => Err(reason),
            None => grant.and_then(|g| grantors.get(&g.subject_id).map(|s| (g, s))).ok_or(Reason::GrantCodeUnknown),
        }
        .and_then(|(grant, person)| {
            let same = person.id_hash.as_deref() == Some(cipher.keyed_hash(row.id_number.expose()).as_str())
                && person.name == row.name.trim();
            if !same {
                return Err(Reason::GrantCodeMismatch);
            }
            let region = person.region().map_err(|_| Reason::GrantCodeMismatch)?;
            if !scope.contains(&region) {
                return Err(Reason::RegionOutOfJurisdiction { region: region.to_string() });
            }
            Ok(grant)
        });
        match judged {
            Err(reason) => refused.push((line, RowError(reason))),
            Ok(grant) => models.push(record::ActiveModel {
                id: Set(Uuid::now_v7()),
                subject_id: Set(grant.subject_id),
                authorization_id: Set(grant.id),
                year: Set(row.year),
                kind: Set(row.kind),
                taxable_income: Set(row.taxable_income.fen()),
                tax_paid: Set(row.tax_paid.fen()),
                months_declared: Set(i16::from(row.months_declared)),
                uscc: Set(row.uscc.map(|u| u.as_str().to_string())),
                snapshot_date: Set(row.snapshot_date),
                import_job_id: Set(job),
                updated_at: Set(now),
            }),
        }
    }
    if !models.is_empty() {
        let on_conflict = OnConflict::columns([record::Column::SubjectId, record::Column::Year, record::Column::Kind])
            .update_columns([
                record::Column::AuthorizationId,
                record::Column::TaxableIncome,
                record::Column::TaxPaid,
                record::Column::MonthsDeclared,
                record::Column::Uscc,
                record::Column::SnapshotDate,
                record::Column::ImportJobId,
                record::Column::UpdatedAt,
            ])
            .to_owned();
        record::Entity::insert_many(models).on_conflict(on_conflict).exec_without_returning(txn).await?;
    }
    Ok(refused)
}

/// The last year of `rows` (as `of_subject` gives them, newest first), every kind of income summed: what an
/// income-based 预授信 rule is applied to.
pub fn last_year(rows: &[record::Model]) -> Option<IncomeYear> {
    let year = rows.first()?.year;
    let of_year = rows.iter().filter(|r| r.year == year);
    let (taxable, paid) = of_year.fold((0, 0), |(t, p), r| (t + r.taxable_income, p + r.tax_paid));
    Some(IncomeYear { year, taxable_income: Money::from_fen(taxable), tax_paid: Money::from_fen(paid) })
}

/// The income-tax rows `subject` has, newest year first: a person's own; an individual business's, the 经营所得
/// rows its owner's authorization brought under its USCC (they count for the business as well); `None` for
/// kinds without income tax. `for_institution`: only those whose authorization is not revoked (a revocation
/// hides what it brought from every bank at once).
pub async fn of_subject(
    conn: &impl ConnectionTrait,
    subject: &SubjectRow,
    for_institution: bool,
) -> AppResult<Option<Vec<record::Model>>> {
    let whose = match subject.kind {
        SubjectKind::NaturalPerson => Condition::all().add(record::Column::SubjectId.eq(subject.id)),
        SubjectKind::IndividualBusiness => Condition::all()
            .add(record::Column::Uscc.eq(subject.filed_under()))
            .add(record::Column::Kind.eq(IncomeKind::Business)),
        _ => return Ok(None),
    };
    let rows = record::Entity::find()
        .filter(whose)
        .order_by_desc(record::Column::Year)
        .order_by_asc(record::Column::Kind)
        .all(conn)
        .await?;
    if !for_institution || rows.is_empty() {
        return Ok(Some(rows));
    }
    let revoked = authorizations::revoked_among(conn, rows.iter().map(|r| r.authorization_id)).await?;
    Ok(Some(rows.into_iter().filter(|r| !revoked.contains(&r.authorization_id)).collect()))
}
