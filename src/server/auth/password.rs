//! Passwords: argon2id with a random salt per hash. Hashing is the most expensive thing an
//! unauthenticated request can ask for, so it is a bounded resource: it runs on the blocking pool
//! behind a semaphore of one permit per core, and when too many requests already wait the answer
//! is "busy" at once, never an unbounded queue of 19 MiB argon2 states.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use tokio::sync::Semaphore;

/// The hashing queue is full; try again in a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("password hashing is busy")]
pub struct Busy;

/// Hashes run at once: one per core.
fn workers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// A semaphore of workers and a bound on how many requests may hold a place (running or waiting).
struct Pool {
    permits: Arc<Semaphore>,
    places: usize,
    taken: AtomicUsize,
}

/// A place in the pool, given back when dropped: also when the request is abandoned (the client
/// went away and its handler was dropped mid-wait).
struct Place<'a>(&'a AtomicUsize);

impl Drop for Place<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Pool {
    fn new(workers: usize, waiting: usize) -> Pool {
        Pool {
            permits: Arc::new(Semaphore::new(workers)),
            places: workers + waiting,
            taken: AtomicUsize::new(0),
        }
    }

    /// Runs `work` on the blocking pool once a worker is free, or answers [`Busy`] at once when
    /// every place is taken. The worker's permit travels with the work, so an abandoned request
    /// never lets more hashes run than there are workers.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Busy> {
        if self.taken.fetch_add(1, Ordering::SeqCst) >= self.places {
            self.taken.fetch_sub(1, Ordering::SeqCst);
            return Err(Busy);
        }
        let _place = Place(&self.taken);
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| Busy)?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(|_| Busy)
    }
}

/// The server's pool: one worker per core, four waiting places per core.
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
        let flood: Vec<_> = (0..60)
            .map(|_| {
                let pool = pool.clone();
                tokio::spawn(async move {
                    pool.run(|| std::thread::sleep(std::time::Duration::from_millis(50)))
                        .await
                })
            })
            .collect();
        let mut busy = 0;
        let mut done = 0;
        for t in flood {
            match t.await.unwrap() {
                Ok(()) => done += 1,
                Err(Busy) => busy += 1,
            }
        }
        assert!(busy > 0, "some of the flood was turned away");
        assert!(done >= 2, "the pool still did work");
        assert_eq!(
            pool.taken.load(Ordering::SeqCst),
            0,
            "no place is left taken"
        );
    }
}
