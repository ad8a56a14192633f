//! The LOAN_HISTORY import's rows, written by natural key (borrower, date, lender, amount): a second file with the
//! same loan updates it (the lender's name and its reported flag) instead of adding it twice.

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set};
use serde_json::Value;
use uuid::Uuid;
use xyd_domain::ImportJobId;
use xyd_domain::loan::LoanHistoryRow;

use super::entity::history;
use crate::error::AppResult;

pub async fn upsert(txn: &DatabaseTransaction, job: ImportJobId, rows: Vec<LoanHistoryRow>) -> AppResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    let models = rows.into_iter().map(|r| history::ActiveModel {
        id: Set(Uuid::now_v7()),
        uscc: Set(r.uscc.as_str().to_string()),
        lender_uscc: Set(r.lender_uscc.as_str().to_string()),
        lender_name: Set(r.lender_name),
        loan_date: Set(r.loan_date),
        amount: Set(r.amount.fen()),
        first_loan: Set(r.first_loan),
        import_job_id: Set(job),
        updated_at: Set(now),
    });
    let key = [history::Column::Uscc, history::Column::LoanDate, history::Column::LenderUscc, history::Column::Amount];
    let on_conflict = OnConflict::columns(key)
        .update_columns([
            history::Column::LenderName,
            history::Column::FirstLoan,
            history::Column::ImportJobId,
            history::Column::UpdatedAt,
        ])
        .to_owned();
    history::Entity::insert_many(models).on_conflict(on_conflict).exec_without_returning(txn).await?;
    Ok(())
}

/// The loans of the history that name `uscc` as the borrower, for the subject's copy of its data.
pub async fn copy(conn: &impl ConnectionTrait, uscc: &str) -> AppResult<Vec<(&'static str, Vec<Value>)>> {
    Ok(vec![(
        "loan_history",
        history::Entity::find().filter(history::Column::Uscc.eq(uscc)).into_json().all(conn).await?,
    )])
}
