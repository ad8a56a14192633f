//! The access log: every read of a subject's data by a bank or a bureau, one chained row per consent relied on
//! (and one for the public part). A read hands the log what it could return; the access log's sequencer
//! (`audit::Sequencer`) decides, for a whole batch of reads at once and under a share lock on the subjects'
//! consents, which categories each read is granted, writes its rows, and tells the read once they are
//! committed. So a read returns exactly what was logged for it, a revocation that committed before the batch is
//! always seen, and one that comes after waits for the batch.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Utc;
use sea_orm::{DatabaseTransaction, DbErr};
use uuid::Uuid;
use xyd_domain::{AccessPurpose, ConsentId, DataCategory, InstitutionId, SubjectId, TagList, UserId};

use super::chained::AccessLogRow;
use super::profile::{Grants, public_categories};
use crate::audit::{Decide, Decided, Sequencer};
use crate::consents::ConsentRow;
use crate::db::Db;
use crate::error::AppResult;
use crate::metrics::Metrics;

/// The access log's writer, one per process.
#[derive(Clone)]
pub struct AccessLog(Sequencer<AccessLogRow, ByConsent>);

/// One read to log: who read which subject for which purpose, and the authorized categories it would return
/// if granted (the public part is always returned).
pub struct Read {
    pub user: UserId,
    pub institution: InstitutionId,
    pub subject: SubjectId,
    pub purpose: AccessPurpose,
    pub wanted: Vec<DataCategory>,
}

impl AccessLog {
    pub fn spawn(db: Db, metrics: Metrics) -> Self {
        Self(Sequencer::spawn(db, metrics, ByConsent))
    }

    /// Log `read`: the categories of `read.wanted` it is granted, once its rows are committed.
    pub async fn log(&self, read: Read) -> AppResult<Vec<DataCategory>> {
        Ok(self.0.append(read).await?)
    }
}

/// Each read of a batch is granted what the consents in force for its institution cover (`Grants`), read once
/// for the whole batch.
pub struct ByConsent;

impl Decide<AccessLogRow> for ByConsent {
    type Entry = Read;
    type Outcome = Vec<DataCategory>;

    async fn decide(
        &self,
        txn: &DatabaseTransaction,
        reads: Vec<Read>,
    ) -> Result<Vec<Decided<AccessLogRow, Vec<DataCategory>>>, DbErr> {
        let now = Utc::now();
        let readers: BTreeSet<(SubjectId, InstitutionId)> =
            reads.iter().filter(|r| !r.wanted.is_empty()).map(|r| (r.subject, r.institution)).collect();
        let in_force =
            if readers.is_empty() { Vec::new() } else { crate::consents::in_force_among(txn, &readers, now).await? };
        // Each reader's consents, looked up once per read rather than scanned for each.
        let mut by_reader: BTreeMap<(SubjectId, InstitutionId), Vec<&ConsentRow>> = BTreeMap::new();
        for (institution, consent) in &in_force {
            by_reader.entry((consent.subject_id, *institution)).or_default().push(consent);
        }
        Ok(reads
            .into_iter()
            .map(|read| {
                let consents = by_reader.get(&(read.subject, read.institution)).into_iter().flatten().copied();
                let grants = Grants::decide(consents, read.purpose, now);
                let granted: Vec<DataCategory> = read.wanted.iter().copied().filter(|c| grants.covers(*c)).collect();
                let rows = grants.parts(&granted).into_iter().map(|(c, categories)| row(&read, Some(c), categories));
                (std::iter::once(row(&read, None, public_categories())).chain(rows).collect(), granted)
            })
            .collect())
    }
}

fn row(read: &Read, consent: Option<ConsentId>, categories: Vec<DataCategory>) -> AccessLogRow {
    AccessLogRow {
        id: Uuid::now_v7(),
        subject_id: read.subject,
        user_id: read.user,
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
