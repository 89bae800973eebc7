//! The run in one line, for comparing runs and machines: the real server beside the bare
//! baseline and the SQL references, `-` for what this run did not measure.

use std::time::Duration;

/// The figures the summary line names; `None` when the run did not measure one.
#[derive(Debug, Default)]
pub struct Summary {
    /// The real server's closed-loop ceiling of the scoped read (wrk).
    pub read_rps: Option<f64>,
    /// The bare axum + sqlx server's ceiling of the same read (wrk).
    pub bare_rps: Option<f64>,
    /// The real server's p99 of the scoped read at 1,000 requests/s, open loop.
    pub read_p99_at_1k: Option<Duration>,
    /// Tenant creations the real server completes per second at saturation.
    pub create_per_s: Option<f64>,
    /// Single-row tenant inserts per second straight into SQLite, one writer, same durability.
    pub raw_create_per_s: Option<f64>,
    /// The real server's capacity roll-up of a distributor's subtree, p50.
    pub rollup: Option<Duration>,
    /// The same roll-up done directly in SQL, p50.
    pub rollup_bare: Option<Duration>,
    /// `GET /search` at the server, p50.
    pub search_p50: Option<Duration>,
}

fn count(v: Option<f64>) -> String {
    v.map_or("-".into(), |v| format!("{v:.0}"))
}

fn ratio(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.2}", a / b),
        _ => "-".into(),
    }
}

fn millis(d: Option<Duration>) -> String {
    d.map_or("-".into(), |d| format!("{:.3}", d.as_secs_f64() * 1000.0))
}

impl Summary {
    /// `SUMMARY read_rps=N bare_rps=N read_ratio=R read_p99_ms_at_1k=X create_per_s=N
    /// raw_create_per_s=N create_ratio=R rollup_ms=X rollup_bare_ms=X search_p50_ms=X`.
    pub fn line(&self) -> String {
        format!(
            "SUMMARY read_rps={} bare_rps={} read_ratio={} read_p99_ms_at_1k={} create_per_s={} \
             raw_create_per_s={} create_ratio={} rollup_ms={} rollup_bare_ms={} search_p50_ms={}",
            count(self.read_rps),
            count(self.bare_rps),
            ratio(self.read_rps, self.bare_rps),
            millis(self.read_p99_at_1k),
            count(self.create_per_s),
            count(self.raw_create_per_s),
            ratio(self.create_per_s, self.raw_create_per_s),
            millis(self.rollup),
            millis(self.rollup_bare),
            millis(self.search_p50),
        )
    }
}
