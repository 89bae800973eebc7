//! Shared commits (group commit). Concurrent writes of the same kind queue here instead of each
//! opening its own write transaction; a committer task takes every write waiting, runs each
//! between a savepoint and its release in one transaction, and commits once for all of them.
//! Each caller is answered only after that commit, so a write that was answered is as durable as
//! one committed alone; a write its rules refuse is rolled back to its savepoint and refused,
//! without touching the others. Checks stay atomic: every write sees the ones before it in the
//! batch, in the same transaction, exactly as if they had committed one after another.

use futures::FutureExt;
use futures::future::BoxFuture;
use sqlx::Executor;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use tokio::sync::{mpsc, oneshot};

use super::write_tx::WriteTx;
use super::{SqlStore, StoreError, StoreResult, Writes};

/// One write to run in a shared transaction. It must leave the transaction usable when it
/// fails (its savepoint is rolled back by the committer).
pub type Job = Box<dyn for<'t> FnOnce(&'t mut WriteTx) -> BoxFuture<'t, StoreResult<()>> + Send>;

/// Makes a [`Job`] of a closure (naming the type lets the closure's lifetimes be inferred).
pub fn job<F>(f: F) -> Job
where
    F: for<'t> FnOnce(&'t mut WriteTx) -> BoxFuture<'t, StoreResult<()>> + Send + 'static,
{
    Box::new(f)
}

/// A queued write and where its answer goes.
struct Queued {
    job: Job,
    answer: oneshot::Sender<StoreResult<()>>,
}

/// The most writes one commit carries; more wait for the next.
const MOST_PER_COMMIT: usize = 128;

/// The queue of a store's shared commits, its committer task started on first use.
#[derive(Clone, Default)]
pub struct SharedCommits {
    queue: Arc<OnceLock<mpsc::UnboundedSender<Queued>>>,
    counts: Arc<SharedCommitCounts>,
}

/// How much sharing there has been: writes queued, and commits that carried them.
#[derive(Debug, Default)]
pub struct SharedCommitCounts {
    pub queued: AtomicU64,
    pub commits: AtomicU64,
}

impl SqlStore {
    /// Runs `job` in a transaction shared with the writes queued beside it, and returns once
    /// that transaction has committed (or with the job's own refusal, once it is settled).
    pub async fn queue_shared_write(&self, job: Job) -> StoreResult<()> {
        let queue = self.shared.queue.get_or_init(|| self.start_committer());
        let (answer, answered) = oneshot::channel();
        queue
            .send(Queued { job, answer })
            .map_err(|_| StoreError::Corrupt("the shared-commit writer has stopped".into()))?;
        self.shared.counts.queued.fetch_add(1, Ordering::Relaxed);
        answered
            .await
            .map_err(|_| StoreError::Corrupt("the shared-commit writer dropped a write".into()))?
    }

    /// The writes queued for shared commits so far, and the commits that carried them.
    pub fn shared_commit_counts(&self) -> (u64, u64) {
        let c = &self.shared.counts;
        (
            c.queued.load(Ordering::Relaxed),
            c.commits.load(Ordering::Relaxed),
        )
    }

    /// Starts the committer, which ends when the store's last handle is dropped. One, on both
    /// backends: SQLite has a single writer anyway, and on PostgreSQL two batches holding row
    /// locks each would wait on the other's (a deadlock the database breaks after a second).
    fn start_committer(&self) -> mpsc::UnboundedSender<Queued> {
        let (tx, rx) = mpsc::unbounded_channel();
        // The task's handle on the store has no queue of its own: holding the queue would keep
        // the task alive for ever.
        let store = SqlStore {
            shared: SharedCommits::default(),
            ..self.clone()
        };
        tokio::spawn(committer(store, rx, self.shared.counts.clone()));
        tx
    }
}

/// Takes what is waiting (at least one write, at most [`MOST_PER_COMMIT`]) and commits it as
/// one transaction, until the queue closes.
async fn committer(
    store: SqlStore,
    mut queue: mpsc::UnboundedReceiver<Queued>,
    counts: Arc<SharedCommitCounts>,
) {
    while let Some(first) = queue.recv().await {
        let mut batch = vec![first];
        while batch.len() < MOST_PER_COMMIT {
            match queue.try_recv() {
                Ok(q) => batch.push(q),
                Err(_) => break,
            }
        }
        if commit_batch(&store, batch).await {
            counts.commits.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Runs a batch in one transaction and answers every caller after its commit; true if it
/// committed.
async fn commit_batch(store: &SqlStore, batch: Vec<Queued>) -> bool {
    let mut tx = match store.write().await {
        Ok(tx) => tx,
        Err(e) => {
            fail_all(batch.into_iter().map(|q| q.answer), &e);
            return false;
        }
    };
    let mut settled = Vec::with_capacity(batch.len());
    let mut waiting = batch.into_iter();
    while let Some(Queued { job, answer }) = waiting.next() {
        match run_one(&mut tx, job).await {
            Ok(outcome) => settled.push((answer, outcome)),
            Err(e) => {
                // The transaction itself failed (a savepoint could not be undone): nothing of
                // the batch is kept, and every caller hears why.
                drop(tx);
                let answers = settled.into_iter().map(|(a, _)| a);
                let rest = std::iter::once(answer).chain(waiting.map(|q| q.answer));
                fail_all(answers.chain(rest), &e);
                return false;
            }
        }
    }
    match tx.commit().await {
        Ok(()) => {
            for (answer, outcome) in settled {
                let _ = answer.send(outcome);
            }
            true
        }
        Err(e) => {
            fail_all(settled.into_iter().map(|(a, _)| a), &e);
            false
        }
    }
}

/// Runs one job between a savepoint and its release. `Ok` carries the job's own outcome (its
/// refusal undone); `Err` means the transaction can no longer be trusted.
async fn run_one(tx: &mut WriteTx, job: Job) -> StoreResult<StoreResult<()>> {
    (&mut *tx.tx).execute("SAVEPOINT shared_write").await?;
    let usage_before = tx.usage.clone();
    let outcome = match AssertUnwindSafe(job(tx)).catch_unwind().await {
        Ok(r) => r,
        Err(_) => Err(StoreError::Corrupt("a write failed unexpectedly".into())),
    };
    match outcome {
        Ok(()) => {
            (&mut *tx.tx)
                .execute("RELEASE SAVEPOINT shared_write")
                .await?;
            Ok(Ok(()))
        }
        Err(e) => {
            (&mut *tx.tx)
                .execute("ROLLBACK TO SAVEPOINT shared_write")
                .await?;
            (&mut *tx.tx)
                .execute("RELEASE SAVEPOINT shared_write")
                .await?;
            tx.usage = usage_before;
            Ok(Err(e))
        }
    }
}

fn fail_all(answers: impl Iterator<Item = oneshot::Sender<StoreResult<()>>>, e: &StoreError) {
    for answer in answers {
        let _ = answer.send(Err(copy_error(e)));
    }
}

/// The same failure for each caller of a batch. A database error is not `Clone`; what the
/// callers need of it is whether a retry may succeed, and the words.
fn copy_error(e: &StoreError) -> StoreError {
    match e {
        StoreError::NotFound => StoreError::NotFound,
        StoreError::VersionMismatch { current } => {
            StoreError::VersionMismatch { current: *current }
        }
        StoreError::Refused(r) => StoreError::Refused(r.clone()),
        StoreError::Corrupt(m) => StoreError::Corrupt(m.clone()),
        StoreError::Db(db) => StoreError::SharedCommit {
            message: db.to_string(),
            busy: is_busy(db),
        },
        StoreError::SharedCommit { message, busy } => StoreError::SharedCommit {
            message: message.clone(),
            busy: *busy,
        },
    }
}

/// Whether a retry may get past a database error: PostgreSQL's serialization failure and
/// deadlock, which roll a transaction back whole.
pub fn is_busy(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| matches!(d.code().as_deref(), Some("40001" | "40P01")))
}

#[cfg(test)]
mod tests {
    use super::super::sql::Sql;
    use super::*;
    use crate::domain::policy::PlatformPolicy;

    /// A write that records `version` in `schema_migrations` (a table every store has).
    fn note(version: i64) -> Job {
        job(move |tx| {
            Box::pin(async move {
                Sql::new("INSERT INTO schema_migrations (version, applied_at) VALUES (")
                    .bind(version)
                    .push(", 0)")
                    .execute(&mut *tx.tx)
                    .await?;
                Ok(())
            })
        })
    }

    async fn noted(store: &SqlStore, version: i64) -> bool {
        Sql::new("SELECT version FROM schema_migrations WHERE version = ")
            .bind(version)
            .fetch_optional(&store.read)
            .await
            .unwrap()
            .is_some()
    }

    /// Writes that queue while the writer is busy commit together, a refused one is undone
    /// alone, and every caller is answered after the commit that carried its write.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn queued_writes_share_one_commit_and_a_refusal_is_undone_alone() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("s.db").display());
        let store = SqlStore::connect(&url, PlatformPolicy::default())
            .await
            .unwrap();
        // Hold the single writer, so that everything queued meanwhile waits for it.
        let held = store.write().await.unwrap();
        let mut answers = Vec::new();
        for v in 1000..1020 {
            let s = store.clone();
            answers.push(tokio::spawn(
                async move { s.queue_shared_write(note(v)).await },
            ));
        }
        // 1005 again: its unique key refuses it, and only it.
        let s = store.clone();
        answers.push(tokio::spawn(async move {
            s.queue_shared_write(note(1005)).await
        }));
        while store.shared_commit_counts().0 < 21 {
            tokio::task::yield_now().await;
        }
        assert!(
            !noted(&store, 1000).await,
            "nothing commits while the writer is held"
        );
        drop(held);
        let mut refused = 0;
        for a in answers {
            if a.await.unwrap().is_err() {
                refused += 1;
            }
        }
        assert_eq!(refused, 1, "only the duplicate is refused");
        for v in 1000..1020 {
            assert!(
                noted(&store, v).await,
                "write {v} was answered, so it is stored"
            );
        }
        let (queued, commits) = store.shared_commit_counts();
        assert_eq!(queued, 21);
        // The first write was taken before the writer was free; the other twenty waited
        // together and shared the next commit.
        assert!(
            (1..=2).contains(&commits),
            "21 writes took {commits} commits"
        );
    }

    /// A refused write's pending changes of the usage counters are undone with it: the next
    /// write in the same batch does not see them, and the commit does not apply them.
    #[tokio::test(flavor = "current_thread")]
    async fn a_refused_write_leaves_no_pending_usage_behind() {
        use crate::domain::capacity::Amounts;
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("s.db").display());
        let store = SqlStore::connect(&url, PlatformPolicy::default())
            .await
            .unwrap();
        let refused = job(|tx| {
            Box::pin(async move {
                let seven = Amounts {
                    extensions: 7,
                    ..Default::default()
                };
                tx.usage.0.insert("d1".into(), seven);
                Err(StoreError::NotFound)
            })
        });
        let next = job(|tx| {
            Box::pin(async move {
                let seen = tx.usage.of("d1").extensions;
                Sql::new("INSERT INTO schema_migrations (version, applied_at) VALUES (")
                    .bind(3000 + seen)
                    .push(", 0)")
                    .execute(&mut *tx.tx)
                    .await?;
                Ok(())
            })
        });
        // On one thread both are queued before the committer first runs: one batch.
        let (a, b) = (store.clone(), store.clone());
        let first = tokio::spawn(async move { a.queue_shared_write(refused).await });
        let second = tokio::spawn(async move { b.queue_shared_write(next).await });
        assert!(first.await.unwrap().is_err());
        second.await.unwrap().unwrap();
        assert_eq!(store.shared_commit_counts(), (2, 1), "one batch of two");
        assert!(
            noted(&store, 3000).await,
            "the second write saw no pending usage"
        );
    }
}
