//! The ceiling: closed-loop load from `wrk` (Debian package `wrk`) in its own process, as many
//! requests as the server answers, with wrk's own latency percentiles.

use std::process::Command;

/// Requests per second, p50 and p99 (as wrk prints them), or `None` without wrk.
pub fn ceiling(
    url: &str,
    token: &str,
    connections: u32,
    seconds: u32,
) -> Option<(f64, String, String)> {
    let out = Command::new("wrk")
        .args([
            "-t1",
            &format!("-c{connections}"),
            &format!("-d{seconds}s"),
            "--latency",
        ])
        .args(["-H", &format!("Authorization: Bearer {token}"), url])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let field = |prefix: &str| {
        text.lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix(prefix))
            .map(|v| v.trim().to_string())
    };
    let rate = field("Requests/sec:")?.parse().ok()?;
    Some((rate, field("50%")?, field("99%")?))
}
