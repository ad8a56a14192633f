//! The store of the engine's recent answers to product searches, each under the [`Revision`] it was given at.
//! When an answer may be kept and reused is [`super::service`]'s rule; this store holds each part of it:
//! [`Answers::get`] serves only an answer given at the revision read now, [`Answers::keep`] keeps one only if
//! the revision read before the question is the one read with the answer, index caught up, and a newer revision
//! seen by either drops every kept answer.
//!
//! Bounds: at most [`CAPACITY`] answers, the oldest out first, so endless distinct searches only turn hits into
//! misses; each lives [`TTL`] at most, a backstop against changes made to the index behind the platform's back
//! (a reindex bumps the counter, so it needs none).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use xyd_domain::product::ProductFilter;
use xyd_search::SearchPage;

use super::revision::Revision;

/// How many answers are kept.
pub const CAPACITY: usize = 1024;
/// How long an answer is kept at most.
pub const TTL: Duration = Duration::from_secs(60);

/// A search as the engine sees it: what it is asked, not how the GraphQL request spelled it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) struct Question {
    pub(super) query: Option<String>,
    pub(super) filter: ProductFilter,
    pub(super) offset: u64,
    pub(super) limit: u64,
}

impl Question {
    pub(super) fn new(query: Option<&str>, filter: &ProductFilter, offset: u64, limit: u64) -> Self {
        // The engine ignores surrounding blanks and treats a blank query as none.
        let query = query.map(str::trim).filter(|q| !q.is_empty()).map(str::to_string);
        Self { query, filter: filter.clone(), offset, limit }
    }
}

/// The kept answers and the revision they belong to.
#[derive(Default)]
pub(super) struct Answers {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    /// The newest revision seen; every kept answer was given at it.
    revision: Option<Revision>,
    answers: HashMap<Question, (Arc<SearchPage>, Instant)>,
    /// Questions in the order they were first kept, for eviction.
    order: VecDeque<Question>,
}

impl Inner {
    /// Move on to `seen` if it is newer than the kept answers' revision (dropping them): the catalogue changed.
    fn observe(&mut self, seen: Revision) {
        if self.revision.is_none_or(|r| r < seen) {
            self.revision = Some(seen);
            self.answers.clear();
            self.order.clear();
        }
    }
}

impl Answers {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // The map is consistent after every statement that holds the lock, so a poisoned lock is still usable.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether an answer to `question` is kept (at [`Answers::revision`]): the search then reads the current
    /// revision first and asks the engine only if the two differ.
    pub(super) fn holds(&self, question: &Question) -> bool {
        self.lock().answers.contains_key(question)
    }

    /// The newest revision an earlier, finished search read (none yet at start).
    pub(super) fn revision(&self) -> Option<Revision> {
        self.lock().revision
    }

    /// The answer to `question` if it was kept at `current`, not yet expired.
    pub(super) fn get(&self, question: &Question, current: Revision) -> Option<Arc<SearchPage>> {
        let mut inner = self.lock();
        inner.observe(current);
        if inner.revision != Some(current) {
            return None;
        }
        inner.answers.get(question).filter(|(_, at)| at.elapsed() < TTL).map(|(page, _)| page.clone())
    }

    /// Keep the engine's `answer` to `question`, asked when `before` was the newest revision read and finished
    /// with the catalogue at `after`: only if the two are the same revision and the index had caught up by then.
    pub(super) fn keep(&self, question: Question, before: Option<Revision>, after: Revision, answer: Arc<SearchPage>) {
        let mut inner = self.lock();
        inner.observe(after);
        if before != Some(after) || !after.indexed || inner.revision != Some(after) {
            return;
        }
        let now = Instant::now();
        if let Some(kept) = inner.answers.get_mut(&question) {
            *kept = (answer, now);
            return;
        }
        if inner.order.len() >= CAPACITY
            && let Some(oldest) = inner.order.pop_front()
        {
            inner.answers.remove(&oldest);
        }
        inner.order.push_back(question.clone());
        inner.answers.insert(question, (answer, now));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(n: usize) -> Arc<SearchPage> {
        Arc::new(SearchPage { ids: vec![format!("p{n}")], total: n })
    }

    fn at(changes: i64, indexed: bool) -> Revision {
        Revision { changes, indexed }
    }

    fn question(offset: u64) -> Question {
        Question::new(Some(" 经营贷 "), &ProductFilter::default(), offset, 20)
    }

    #[test]
    fn an_answer_is_kept_only_when_the_revision_held_from_before_the_question_to_after_the_answer() {
        let answers = Answers::default();
        let q = question(0);
        // No revision read before: the engine may have answered for an older catalogue.
        answers.keep(q.clone(), None, at(1, true), page(1));
        assert!(answers.get(&q, at(1, true)).is_none());
        // The counter moved while the engine answered.
        answers.keep(q.clone(), Some(at(1, true)), at(2, true), page(1));
        assert!(answers.get(&q, at(2, true)).is_none());
        // The index had not caught up.
        answers.keep(q.clone(), Some(at(3, false)), at(3, false), page(1));
        assert!(answers.get(&q, at(3, false)).is_none());
        answers.keep(q.clone(), Some(at(3, true)), at(3, true), page(3));
        assert_eq!(answers.get(&q, at(3, true)).map(|p| p.total), Some(3));
        assert!(answers.holds(&q));
        assert_eq!(answers.revision(), Some(at(3, true)));
        assert_eq!(
            answers.get(&question(0), at(3, true)).map(|p| p.total),
            Some(3),
            "the same question, spelled alike"
        );
    }

    #[test]
    fn a_newer_revision_drops_every_kept_answer_and_an_older_one_changes_nothing() {
        let answers = Answers::default();
        let q = question(0);
        answers.keep(q.clone(), Some(at(5, true)), at(5, true), page(5));
        assert!(answers.get(&q, at(4, true)).is_none(), "a stale read is not served the newer answer");
        assert_eq!(answers.revision(), Some(at(5, true)));
        assert!(answers.get(&q, at(6, false)).is_none());
        assert!(answers.get(&q, at(5, true)).is_none(), "the answer went with the revision it was given at");
        assert_eq!(answers.revision(), Some(at(6, false)));
        assert!(!answers.holds(&q));
    }

    #[test]
    fn distinct_questions_beyond_the_capacity_push_out_the_oldest() {
        let answers = Answers::default();
        let r = at(1, true);
        for n in 0..CAPACITY as u64 + 10 {
            answers.keep(question(n * 20), Some(r), r, page(n as usize));
        }
        let inner = answers.lock();
        assert_eq!(inner.answers.len(), CAPACITY);
        assert_eq!(inner.order.len(), CAPACITY);
        drop(inner);
        assert!(answers.get(&question(0), r).is_none(), "the oldest went first");
        assert!(answers.get(&question((CAPACITY as u64 + 9) * 20), r).is_some());
    }
}
