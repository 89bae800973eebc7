//! Operator commands that work on a store directly, with no server running: copying a store into
//! a new database, generating a large channel for benchmarks, and checking the usage counters
//! against a full recount.

use super::bootstrap::{AdminLogin, ensure_provider};
use super::config::ServerConfig;
use super::mail::Mailer;
use super::store::{CopyReport, Shape, SqlStore, UsageDrift, redact_url};
use crate::domain::policy::PlatformPolicy;

/// Copies the store at `from` into the empty store at `to` (its schema is created first), then
/// checks row counts and the rules in the copy. Stop every server on `from` first.
pub async fn migrate_store(
    from: &str,
    to: &str,
    policy: PlatformPolicy,
) -> anyhow::Result<CopyReport> {
    let source = SqlStore::connect(from, policy)
        .await
        .map_err(|e| anyhow::anyhow!("{}: {e}", redact_url(from)))?;
    let target = SqlStore::connect(to, policy)
        .await
        .map_err(|e| anyhow::anyhow!("{}: {e}", redact_url(to)))?;
    let report = source.copy_into(&target).await?;
    source.close().await;
    target.close().await;
    if !report.is_sound() {
        anyhow::bail!("the copy differs from the source: {}", describe(&report));
    }
    Ok(report)
}

/// One line per table, and any broken rule.
pub fn describe(report: &CopyReport) -> String {
    let mut lines: Vec<String> = report
        .tables
        .iter()
        .map(|(t, a, b)| format!("{t}: {a} → {b}"))
        .collect();
    lines.extend(report.violations.iter().map(|v| format!("broken: {v}")));
    lines.join("\n")
}

/// Generates a channel of `shape` under the provider of the configured store, creating the
/// provider first when the store is empty.
pub async fn generate(config: &ServerConfig, shape: Shape) -> anyhow::Result<(usize, usize)> {
    let store = SqlStore::connect(&config.database, config.policy).await?;
    let mailer = Mailer::from_config(config)?;
    ensure_provider(&store, config, &mailer, AdminLogin::from_env()).await?;
    let made = store.generate(shape).await?;
    store.close().await;
    Ok(made)
}

/// What `dev recount` found: the dealers whose counters differed from a full recount, and whether
/// they were rewritten.
pub struct Recount {
    pub drift: Vec<UsageDrift>,
    pub fixed: bool,
}

/// Recounts every dealer's usage in full and compares it with the counters; with `fix`, rewrites
/// the counters from the recount when any differ.
pub async fn recount(config: &ServerConfig, fix: bool) -> anyhow::Result<Recount> {
    let store = SqlStore::connect(&config.database, config.policy)
        .await
        .map_err(|e| anyhow::anyhow!("{}: {e}", redact_url(&config.database)))?;
    let drift = if fix {
        store.fix_usage().await?
    } else {
        store.usage_drift().await?
    };
    store.close().await;
    let fixed = fix && !drift.is_empty();
    Ok(Recount { drift, fixed })
}

/// One line per dealer whose counters differ: own and subtree use, stored then recounted.
pub fn describe_drift(drift: &[UsageDrift]) -> String {
    let show = |a: &crate::domain::capacity::Amounts| {
        format!(
            "tenants {} extensions {} calls {} recording {}",
            a.max_tenants, a.extensions, a.concurrent_calls, a.recording_minutes
        )
    };
    drift
        .iter()
        .map(|d| {
            let stored = match &d.stored {
                Some((own, sub)) => format!("own [{}] subtree [{}]", show(own), show(sub)),
                None => "no counters".to_string(),
            };
            format!(
                "{}: stored {stored}; recounted own [{}] subtree [{}]",
                d.dealer_id,
                show(&d.counted.0),
                show(&d.counted.1)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}
