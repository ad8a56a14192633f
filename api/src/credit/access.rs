//! The access log: every read of a subject's data by a bank or a bureau, one chained row per consent relied on
//! (and one for the public part). Reads are logged through the chain's sequencer (`audit::Sequencer`), which
//! admits a read only if every consent it relied on is still in force when its batch is written — a consent
//! revoked or ended between the read's decision and its log refuses the read, and the reader decides again.

use std::collections::BTreeSet;

use chrono::Utc;
use sea_orm::{DatabaseTransaction, DbErr};
use uuid::Uuid;
use xyd_domain::{AccessPurpose, ConsentId, DataCategory, InstitutionId, SubjectId, TagList};

use super::chained::AccessLogRow;
use crate::audit::{Admission, Appended, Sequencer};
use crate::auth::Principal;
use crate::db::Db;
use crate::error::AppResult;
use crate::metrics::Metrics;

/// The access log's writer, one per process.
#[derive(Clone)]
pub struct AccessLog(Sequencer<AccessLogRow>);

/// One read to log: who read what of which subject, for which purpose.
pub struct Read<'a> {
    pub principal: &'a Principal,
    pub institution: InstitutionId,
    pub subject: SubjectId,
    pub purpose: AccessPurpose,
}

impl AccessLog {
    pub fn spawn(db: Db, metrics: Metrics) -> Self {
        Self(Sequencer::spawn(db, metrics, ConsentsInForce))
    }

    /// Log `read`: one row per `(consent, categories)` part (`None` for the public part), linked together.
    /// `Ok(false)` when a consent it relied on is no longer in force: nothing was logged, and nothing may be
    /// answered.
    pub async fn write(&self, read: &Read<'_>, parts: Vec<(Option<ConsentId>, Vec<DataCategory>)>) -> AppResult<bool> {
        let rows = parts.into_iter().map(|(consent, categories)| row(read, consent, categories)).collect();
        Ok(self.0.append(rows).await? == Appended::Logged)
    }
}

fn row(read: &Read<'_>, consent: Option<ConsentId>, categories: Vec<DataCategory>) -> AccessLogRow {
    AccessLogRow {
        id: Uuid::now_v7(),
        subject_id: read.subject,
        user_id: read.principal.user_id,
        institution_id: read.institution,
        categories: TagList::new(categories),
        purpose: read.purpose,
        consent_id: consent,
        // Stamped by the sequencer when linked.
        at: Utc::now(),
        chain_seq: None,
        chain_hash: None,
    }
}

/// A logged read is admitted while every consent it relied on is still in force for its institution (decided
/// for the whole batch, with the consents share-locked until the batch commits).
struct ConsentsInForce;

impl Admission<AccessLogRow> for ConsentsInForce {
    async fn admit(&self, txn: &DatabaseTransaction, entries: &[Vec<AccessLogRow>]) -> Result<Vec<bool>, DbErr> {
        let relied: BTreeSet<(InstitutionId, ConsentId)> =
            entries.iter().flatten().filter_map(|row| Some((row.institution_id, row.consent_id?))).collect();
        let in_force = if relied.is_empty() {
            BTreeSet::new()
        } else {
            crate::consents::still_in_force(txn, &relied, Utc::now()).await?
        };
        Ok(entries
            .iter()
            .map(|rows| rows.iter().all(|r| r.consent_id.is_none_or(|c| in_force.contains(&(r.institution_id, c)))))
            .collect())
    }
}
