//! Open-loop load at a fixed rate: request `i` is due at `start + i / rate` whether or not the
//! earlier ones have finished, and its latency counts from when it was due, so a stalled server
//! shows in the figures instead of slowing the load down (no coordinated omission). And the
//! closed loop that finds a ceiling: a fixed number of callers, each sending its next request
//! when its last one is answered.

use crate::stats::Figures;
use std::time::{Duration, Instant};

/// Sends `rate` requests per second for `seconds`, each built by `request(i)`; a request fails
/// when it errs or answers anything but 2xx.
pub async fn fixed_rate(
    rate: u32,
    seconds: u32,
    request: impl Fn(u64) -> reqwest::RequestBuilder,
) -> Figures {
    let n = u64::from(rate) * u64::from(seconds);
    let interval = Duration::from_secs_f64(1.0 / f64::from(rate));
    let start = Instant::now() + Duration::from_millis(20);
    let mut tasks = Vec::with_capacity(n as usize);
    for i in 0..n {
        let due = start + interval.mul_f64(i as f64);
        tokio::time::sleep_until(due.into()).await;
        let req = request(i);
        tasks.push(tokio::spawn(async move {
            let ok = match req.send().await {
                Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                Err(_) => false,
            };
            (due.elapsed(), ok)
        }));
    }
    let mut samples = Vec::with_capacity(tasks.len());
    let mut errors = 0;
    for t in tasks {
        if let Ok((latency, ok)) = t.await {
            samples.push(latency);
            errors += usize::from(!ok);
        }
    }
    Figures::of(samples, start.elapsed(), errors)
}

/// `callers` callers for `seconds`, each sending `request(i)` as soon as its previous request is
/// answered (closed loop): what the server completes at saturation. Latency counts from sending.
pub async fn closed_loop(
    callers: u32,
    seconds: u32,
    request: impl Fn(u64) -> reqwest::RequestBuilder,
) -> Figures {
    let start = Instant::now();
    let until = start + Duration::from_secs(u64::from(seconds));
    let next = std::sync::atomic::AtomicU64::new(0);
    let caller = || async {
        let mut samples = Vec::new();
        let mut errors = 0;
        while Instant::now() < until {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let began = Instant::now();
            let ok = match request(i).send().await {
                Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                Err(_) => false,
            };
            samples.push(began.elapsed());
            errors += usize::from(!ok);
        }
        (samples, errors)
    };
    let results = futures::future::join_all((0..callers).map(|_| caller())).await;
    let errors = results.iter().map(|(_, e)| e).sum();
    let samples = results.into_iter().flat_map(|(s, _)| s).collect();
    Figures::of(samples, start.elapsed(), errors)
}

/// Times operations run back to back on one thread of work: the reference's latency and rate.
pub struct Stopwatch {
    samples: Vec<Duration>,
    errors: usize,
    start: Instant,
}

impl Stopwatch {
    pub fn new(n: usize) -> Stopwatch {
        Stopwatch {
            samples: Vec::with_capacity(n),
            errors: 0,
            start: Instant::now(),
        }
    }

    /// Records one operation that began at `began`.
    pub fn lap<T, E>(&mut self, began: Instant, result: Result<T, E>) {
        self.samples.push(began.elapsed());
        self.errors += usize::from(result.is_err());
    }

    pub fn figures(self) -> Figures {
        Figures::of(self.samples, self.start.elapsed(), self.errors)
    }
}
