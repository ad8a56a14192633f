//! Appending to a chain in batches. Writers hand their entries to the chain's sequencer and wait; the sequencer
//! takes every entry queued meanwhile as one batch and writes it in one transaction: what each entry becomes
//! decided once for the batch (`Decide`, e.g. which consents cover each read), the head locked once,
//! the links computed in memory, the rows inserted by one statement, the head moved once. Writers no longer
//! wait on each other's row locks and commits one by one: a batch costs about what one entry did (the way a
//! transparency log's sequencer assigns positions to queued leaves in batches).
//!
//! An entry's `append` returns after its batch has committed, so a caller that answers only then never answers
//! with something the log could lose. Entries are linked in the order they were queued; a chain written by
//! several processes (replicas) still takes one batch at a time under the head's lock. Two batches are in flight
//! at most: the next is prepared (its entries decided, its rows linked after the head the first will leave)
//! while the first commits. What it costs: an append waits for the batch being prepared when it arrives, then
//! for its own.

use chrono::{SubsecRound, Utc};
use sea_orm::{DatabaseTransaction, DbErr, EntityTrait, IntoActiveModel};
use tokio::sync::{mpsc, oneshot};

use super::chain::{Chain, Chained, advance, link_hash, lock_head, move_head};
use crate::db::{Db, WriteTxn};
use crate::metrics::Metrics;

/// Entries taken into one batch at most.
const MAX_BATCH: usize = 256;
/// Rows inserted per statement (bind parameters stay far below either database's limit).
const INSERT_CHUNK: usize = 500;

/// What a chain's entries become, decided for a whole batch in the batch's transaction: each entry's rows and
/// what its writer is told.
pub trait Decide<M>: Send + Sync + 'static {
    /// What a writer hands in.
    type Entry: Send + 'static;
    /// What its writer is told once the batch has committed.
    type Outcome: Send + 'static;
    /// For each entry, in order, the rows to link (none: nothing of it is written) and its outcome. Whatever the
    /// decision rests on is read (and, where needed, locked) in `txn`, so it still holds when the batch commits.
    fn decide(
        &self,
        txn: &DatabaseTransaction,
        entries: Vec<Self::Entry>,
    ) -> impl Future<Output = Result<Vec<Decided<M, Self::Outcome>>, DbErr>> + Send;
}

/// An entry decided: the rows to link for it, and what its writer is told.
pub type Decided<M, O> = (Vec<M>, O);

struct Pending<E, O> {
    entry: E,
    done: oneshot::Sender<Result<O, String>>,
}

/// The queue of one chain's sequencer. Cheap to clone; the sequencer stops when the last clone is dropped.
pub struct Sequencer<M, D: Decide<M>> {
    queue: mpsc::UnboundedSender<Pending<D::Entry, D::Outcome>>,
}

impl<M, D: Decide<M>> Clone for Sequencer<M, D> {
    fn clone(&self) -> Self {
        Self { queue: self.queue.clone() }
    }
}

impl<M: Chained + Send + 'static, D: Decide<M>> Sequencer<M, D> {
    /// Start the chain's sequencer on `db`, deciding entries by `decide`. It counts its batches and the entries
    /// they held (`xyd_audit_batches_total`, `xyd_audit_batched_entries_total`).
    pub fn spawn(db: Db, metrics: Metrics, decide: D) -> Self {
        let (queue, received) = mpsc::unbounded_channel();
        tokio::spawn(run(db, metrics, decide, received));
        Self { queue }
    }

    /// Hand in `entry`; its outcome once its batch has committed (its rows linked, if it had any).
    pub async fn append(&self, entry: D::Entry) -> Result<D::Outcome, DbErr> {
        let stopped = || DbErr::Custom(format!("the {} sequencer has stopped", M::CHAIN.name()));
        let (done, answer) = oneshot::channel();
        self.queue.send(Pending { entry, done }).map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?.map_err(DbErr::Custom)
    }
}

async fn run<M: Chained + Send + 'static, D: Decide<M>>(
    db: Db,
    metrics: Metrics,
    decide: D,
    mut received: mpsc::UnboundedReceiver<Pending<D::Entry, D::Outcome>>,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut last = None;
    // The batch before, committing while the next one is prepared: one commit in flight, in order.
    let mut committing: Option<tokio::task::JoinHandle<()>> = None;
    while received.recv_many(&mut batch, MAX_BATCH).await > 0 {
        metrics.incr("xyd_audit_batches_total", 1);
        metrics.incr("xyd_audit_batched_entries_total", batch.len() as u64);
        let (entries, waiting): (Vec<_>, Vec<_>) = batch.drain(..).map(|p| (p.entry, p.done)).unzip();
        let prepared = prepare(&db, &decide, entries, &mut last).await;
        if let Some(previous) = committing.take() {
            let _ = previous.await;
        }
        match prepared {
            Ok((txn, outcomes)) => committing = Some(tokio::spawn(commit(txn, outcomes, waiting, M::CHAIN))),
            Err(e) => answer(waiting, Err(e), M::CHAIN),
        }
    }
    if let Some(previous) = committing {
        let _ = previous.await;
    }
}

type Waiting<O> = Vec<oneshot::Sender<Result<O, String>>>;

/// Commit a prepared batch, then answer its writers.
async fn commit<O>(txn: WriteTxn, outcomes: Vec<O>, waiting: Waiting<O>, chain: Chain) {
    let committed = txn.commit().await.map(|()| outcomes);
    answer(waiting, committed, chain);
}

fn answer<O>(waiting: Waiting<O>, outcomes: Result<Vec<O>, DbErr>, chain: Chain) {
    match outcomes {
        Ok(outcomes) => {
            for (done, outcome) in waiting.into_iter().zip(outcomes) {
                // A writer that stopped waiting (its request was cancelled) needs no answer.
                let _ = done.send(Ok(outcome));
            }
        }
        Err(e) => {
            tracing::error!(chain = chain.name(), error = %e, "audit batch failed");
            for done in waiting {
                let _ = done.send(Err(e.to_string()));
            }
        }
    }
}

/// The head as this sequencer last moved it: its place and hash.
type Head = (i64, String);

/// Prepare one batch, up to its commit: the decision, the rows linked in queue order after the head, one
/// insert. The head this sequencer moved last (`last`, perhaps by a batch still committing) is tried first:
/// moving it on condition that it still stands there takes its lock — waiting for that commit — and checks it in
/// one statement; only when another writer (a replica, an objection) moved it since, or the batch before failed,
/// is it read under lock and the batch linked again. `last` becomes this batch's head.
async fn prepare<M: Chained, D: Decide<M>>(
    db: &Db,
    decide: &D,
    entries: Vec<D::Entry>,
    last: &mut Option<Head>,
) -> Result<(WriteTxn, Vec<D::Outcome>), DbErr> {
    let before = last.take();
    let txn = db.begin_write().await?;
    let decided: Vec<Decided<M, D::Outcome>> = decide.decide(&txn, entries).await?;
    let mut outcomes = Vec::with_capacity(decided.len());
    let mut rows = Vec::new();
    for (entry_rows, outcome) in decided {
        rows.extend(entry_rows);
        outcomes.push(outcome);
    }
    if rows.is_empty() {
        *last = before;
        return Ok((txn, outcomes));
    }
    let at = Utc::now().trunc_subsecs(6);
    rows.iter_mut().for_each(|row| row.stamp(at));
    let moved = match before {
        Some(head) => {
            let next = link(&mut rows, &head);
            advance(&*txn, M::CHAIN, head.0, &next).await?.then_some(next)
        }
        None => None,
    };
    let next = match moved {
        Some(next) => next,
        None => {
            let head = lock_head(&*txn, M::CHAIN).await?;
            let next = link(&mut rows, &(head.seq, head.hash));
            move_head(&*txn, M::CHAIN, next.0, next.1.clone()).await?;
            next
        }
    };
    let mut linked: Vec<M::Active> = rows.into_iter().map(IntoActiveModel::into_active_model).collect();
    while !linked.is_empty() {
        let rest = linked.split_off(linked.len().min(INSERT_CHUNK));
        M::Entity::insert_many(std::mem::replace(&mut linked, rest)).exec_without_returning(&*txn).await?;
    }
    *last = Some(next);
    Ok((txn, outcomes))
}

/// Link `rows` one after another after `head`; the new head.
fn link<M: Chained>(rows: &mut [M], head: &Head) -> Head {
    let (mut seq, mut hash) = head.clone();
    for row in rows {
        seq += 1;
        hash = link_hash(&hash, seq, row);
        row.set_link(seq, hash.clone());
    }
    (seq, hash)
}
