//! Open-loop load at a fixed rate: request `i` is due at `start + i / rate` whether or not the
//! earlier ones have finished, and its latency counts from when it was due, so a stalled server
//! shows in the figures instead of slowing the load down (no coordinated omission).

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
