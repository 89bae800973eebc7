//! Passwords: argon2id with a random salt per hash. Hashing is the most expensive thing an
//! unauthenticated request can ask for, so it is a bounded resource: it runs on one dedicated
//! thread per core, fed by a short queue, and when the queue is full the answer is "busy" at once,
//! never an unbounded pile of 19 MiB argon2 states.
//!
//! Dedicated threads rather than tokio's blocking pool: that pool hands each hash to whichever of
//! its many threads is idle, and the allocator keeps a freed 19 MiB block in each thread's arena,
//! so a flood left the server at over 500 MiB resident (`benches/auth_flood.rs`); a fixed set of
//! threads keeps at most one block per core.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex, OnceLock};

/// The hashing queue is full; try again in a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("password hashing is busy")]
pub struct Busy;

/// Hashes run at once: one per core.
fn workers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

type Job = Box<dyn FnOnce() + Send>;

/// Worker threads and the queue in front of them.
struct Pool {
    queue: SyncSender<Job>,
}

impl Pool {
    /// `workers` threads and `waiting` places in the queue.
    fn new(workers: usize, waiting: usize) -> Pool {
        let (queue, jobs) = sync_channel::<Job>(waiting);
        let jobs = Arc::new(Mutex::new(jobs));
        for n in 0..workers {
            let jobs: Arc<Mutex<Receiver<Job>>> = jobs.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("password-{n}"))
                .spawn(move || {
                    loop {
                        let job = match jobs.lock() {
                            Ok(rx) => rx.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "a password hashing thread could not start");
            }
        }
        Pool { queue }
    }

    /// Runs `work` on a hashing thread, or answers [`Busy`] at once when the queue is full. Work
    /// whose request was abandoned (the client went away) before a thread took it is skipped.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Busy> {
        let (answer, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            if !answer.is_closed() {
                let _ = answer.send(work());
            }
        });
        match self.queue.try_send(job) {
            Ok(()) => result.await.map_err(|_| Busy),
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => Err(Busy),
        }
    }
}

/// The server's pool: one thread per core, four waiting places per core.
async fn bounded<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, Busy> {
    static POOL: OnceLock<Pool> = OnceLock::new();
    POOL.get_or_init(|| Pool::new(workers(), workers() * 4))
        .run(work)
        .await
}

/// Hashes a password (argon2id, default parameters, random salt) into a PHC string.
pub async fn hash(password: String) -> Result<anyhow::Result<String>, Busy> {
    bounded(move || hash_now(&password)).await
}

fn hash_now(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))
}

/// Checks a password against a stored hash; with no hash, spends the same time and fails, so
/// that unknown logins cannot be told from known ones by timing.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, Busy> {
    bounded(move || {
        let stored = stored.unwrap_or_else(|| dummy_hash().to_string());
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return false;
        };
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
    .await
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_now("dummy password for timing").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_salted_and_verify() {
        let a = hash("correct horse battery".into()).await.unwrap().unwrap();
        let b = hash("correct horse battery".into()).await.unwrap().unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b, "each hash has its own salt");
        assert!(
            verify("correct horse battery".into(), Some(a.clone()))
                .await
                .unwrap()
        );
        assert!(!verify("wrong".into(), Some(a)).await.unwrap());
        assert!(!verify("anything".into(), None).await.unwrap());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_flood_gets_busy_answers_instead_of_a_queue() {
        let pool = std::sync::Arc::new(Pool::new(2, 8));
        // Sixty requests at once for two workers and eight places, each holding its worker.
        let flood: Vec<_> = (0..60)
            .map(|_| {
                let pool = pool.clone();
                tokio::spawn(async move {
                    pool.run(|| std::thread::sleep(std::time::Duration::from_millis(50)))
                        .await
                })
            })
            .collect();
        let mut answers = Vec::new();
        for t in flood {
            answers.push(t.await.unwrap());
        }
        let busy = answers.iter().filter(|a| **a == Err(Busy)).count();
        assert!(busy > 0, "some of the flood was turned away");
        assert!(answers.len() - busy >= 2, "the pool still did work");
        // Everything accepted has run: the queue is empty again.
        assert_eq!(pool.run(|| 7).await, Ok(7));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn abandoned_work_is_skipped_and_leaves_no_place_taken() {
        let pool = Pool::new(1, 1);
        let (started_tx, started) = std::sync::mpsc::channel::<()>();
        let (release, gate) = std::sync::mpsc::channel::<()>();
        // The only worker is held…
        let mut holder = Box::pin(pool.run(move || {
            let _ = started_tx.send(());
            gate.recv().is_ok()
        }));
        assert!(futures::poll!(&mut holder).is_pending());
        while started.try_recv().is_err() {
            tokio::task::yield_now().await;
        }
        // …a second request takes the queue's one place, and its client goes away.
        let ran = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = ran.clone();
        let mut abandoned =
            Box::pin(pool.run(move || flag.store(true, std::sync::atomic::Ordering::SeqCst)));
        assert!(futures::poll!(&mut abandoned).is_pending());
        assert_eq!(pool.run(|| 1).await, Err(Busy), "the queue is full");
        drop(abandoned);
        release.send(()).unwrap();
        assert_eq!(holder.await, Ok(true));
        // The place comes back as soon as the worker passes the abandoned work by.
        let answer = loop {
            match pool.run(|| 7).await {
                Err(Busy) => tokio::task::yield_now().await,
                other => break other,
            }
        };
        assert_eq!(answer, Ok(7));
        assert!(
            !ran.load(std::sync::atomic::Ordering::SeqCst),
            "abandoned work was skipped"
        );
    }
}
