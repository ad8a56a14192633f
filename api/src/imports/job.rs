//! Import job records: created when an import starts; closed with their counters and rejected rows when the
//! file is applied (in the same transaction, so they always match what was written), or, for a file that could
//! not be read to its end, with the failure.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use xyd_domain::{ImportJobId, ImportKind, ImportStatus, InstitutionId, UserId};

use super::entity::{import_error, import_job};
use crate::error::AppResult;

/// One rejected row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RejectedRow {
    pub line: u64,
    pub code: &'static str,
    pub message: String,
}

/// The counts a batch adds to its job.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub total: i64,
    pub accepted: i64,
    pub rejected: i64,
    pub invalid_codes: i64,
    pub duplicate_codes: i64,
}

impl Counts {
    /// 重错码率: rows with an invalid or a repeated code over all rows; none for an empty file.
    pub fn erroneous_code_rate(&self) -> Option<f64> {
        xyd_domain::registry::erroneous_code_rate(self.total, self.invalid_codes + self.duplicate_codes)
    }
}

pub async fn create(
    conn: &impl ConnectionTrait,
    kind: ImportKind,
    file_name: &str,
    institution: Option<InstitutionId>,
    user: Option<UserId>,
) -> AppResult<import_job::Model> {
    let name: String = file_name.chars().take(255).collect();
    Ok(import_job::ActiveModel {
        id: Set(ImportJobId::new()),
        kind: Set(kind),
        status: Set(ImportStatus::Running),
        file_name: Set(name),
        institution_id: Set(institution),
        user_id: Set(user),
        total_rows: Set(0),
        accepted_rows: Set(0),
        rejected_rows: Set(0),
        invalid_code_rows: Set(0),
        duplicate_code_rows: Set(0),
        failure: Set(None),
        created_at: Set(Utc::now()),
        finished_at: Set(None),
    }
    .insert(conn)
    .await?)
}

pub async fn find(conn: &impl ConnectionTrait, id: ImportJobId) -> AppResult<Option<import_job::Model>> {
    Ok(import_job::Entity::find_by_id(id).one(conn).await?)
}

/// The registry import that completed last, of any institution or the CLI, or only of the institutions in
/// `by`.
pub async fn latest_registry(
    conn: &impl ConnectionTrait,
    by: Option<Vec<InstitutionId>>,
) -> AppResult<Option<import_job::Model>> {
    let mut jobs = import_job::Entity::find()
        .filter(import_job::Column::Kind.eq(ImportKind::Registry))
        .filter(import_job::Column::Status.eq(ImportStatus::Completed))
        .filter(import_job::Column::FinishedAt.is_not_null());
    if let Some(institutions) = by {
        jobs = jobs.filter(import_job::Column::InstitutionId.is_in(institutions));
    }
    Ok(jobs.order_by_desc(import_job::Column::FinishedAt).one(conn).await?)
}

/// Close the job: its counts and the first `keep` of its rejected rows, and COMPLETED, or FAILED with a reason.
/// Called once per job, so the counts are set, not added.
pub async fn close(
    conn: &impl ConnectionTrait,
    job: ImportJobId,
    counts: Counts,
    rejected: &[RejectedRow],
    keep: usize,
    failure: Option<&str>,
) -> AppResult<()> {
    let status = if failure.is_some() { ImportStatus::Failed } else { ImportStatus::Completed };
    import_job::Entity::update_many()
        .col_expr(import_job::Column::TotalRows, Expr::value(counts.total))
        .col_expr(import_job::Column::AcceptedRows, Expr::value(counts.accepted))
        .col_expr(import_job::Column::RejectedRows, Expr::value(counts.rejected))
        .col_expr(import_job::Column::InvalidCodeRows, Expr::value(counts.invalid_codes))
        .col_expr(import_job::Column::DuplicateCodeRows, Expr::value(counts.duplicate_codes))
        .col_expr(import_job::Column::Status, Expr::value(status))
        .col_expr(import_job::Column::Failure, Expr::value(failure.map(|f| f.chars().take(500).collect::<String>())))
        .col_expr(import_job::Column::FinishedAt, Expr::value(Utc::now()))
        .filter(import_job::Column::Id.eq(job))
        .exec(conn)
        .await?;
    let rows: Vec<import_error::ActiveModel> = rejected
        .iter()
        .take(keep)
        .map(|r| import_error::ActiveModel {
            job_id: Set(job),
            line: Set(r.line as i64),
            code: Set(r.code.to_string()),
            message: Set(r.message.chars().take(500).collect()),
            ..Default::default()
        })
        .collect();
    if !rows.is_empty() {
        import_error::Entity::insert_many(rows).exec_without_returning(conn).await?;
    }
    Ok(())
}

/// The first `limit` rejected rows of a job, by line.
pub async fn errors(conn: &impl ConnectionTrait, job: ImportJobId, limit: u64) -> AppResult<Vec<import_error::Model>> {
    Ok(import_error::Entity::find()
        .filter(import_error::Column::JobId.eq(job))
        .order_by_asc(import_error::Column::Line)
        .limit(limit)
        .all(conn)
        .await?)
}
