//! Latency figures from a set of samples.

use std::time::Duration;

/// The median, the 99th percentile and the rate of a run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Figures {
    pub p50: Duration,
    pub p99: Duration,
    /// Operations completed per second of the run.
    pub per_second: f64,
    /// Operations completed without error per second of the run.
    pub served_per_second: f64,
    pub errors: usize,
}

impl Figures {
    pub fn of(mut samples: Vec<Duration>, elapsed: Duration, errors: usize) -> Figures {
        samples.sort();
        let at = |q: f64| {
            samples
                .get(((samples.len() as f64 * q) as usize).min(samples.len().saturating_sub(1)))
                .copied()
                .unwrap_or_default()
        };
        let seconds = elapsed.as_secs_f64().max(1e-9);
        Figures {
            p50: at(0.50),
            p99: at(0.99),
            per_second: samples.len() as f64 / seconds,
            served_per_second: samples.len().saturating_sub(errors) as f64 / seconds,
            errors,
        }
    }
}

/// Milliseconds with three decimals.
pub fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1000.0)
}
