//! Server benchmarks at a million tenants: each operation under open-loop load at fixed rates
//! from this process against the real server binary on loopback, beside the same work done
//! directly in SQL on the same store (the overhead ratio), and the scoped read beside a bare
//! axum + sqlx server on the same store (`bare.rs`). Writes a table to
//! `target/bench/server-results.md` and ends with one `SUMMARY` line (`summary.rs`).
//!
//! `cargo bench --bench server` (first run builds the store: `benches/make-store`).
//! `DEALERCTL_BENCH_TENANTS` (default 1,000,000) and `DEALERCTL_BENCH_SECONDS` (every timed phase:
//! each rate, each `wrk` run, the closed loop of creations; default 5).
//! Words after `--` run only the operations whose names hold one of them
//! (`cargo bench --bench server -- search`). `DEALERCTL_BENCH_DATABASE` (a PostgreSQL
//! administrative URL) runs the same on PostgreSQL (`setup::fresh_store`).

mod bare;
mod load;
mod raw;
mod setup;
mod stats;
mod summary;
mod wrk;

use load::{closed_loop, fixed_rate};
use stats::{Figures, ms};
use std::fmt::Write as _;
use summary::Summary;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One line of the results: an operation, its reference, and the server at each rate.
struct Line {
    name: &'static str,
    reference: Figures,
    runs: Vec<(u32, Figures)>,
}

fn table(lines: &[Line]) -> String {
    let mut out = String::from(
        "| operation | SQL p50 / p99 ms (ops/s, 1 connection) | offered rate/s | server p50 / p99 ms | served/s | errors | p50 ratio |\n|---|---|---|---|---|---|---|\n",
    );
    for l in lines {
        for (i, (rate, f)) in l.runs.iter().enumerate() {
            let reference = if i == 0 {
                format!(
                    "{} / {} ({:.0})",
                    ms(l.reference.p50),
                    ms(l.reference.p99),
                    l.reference.per_second
                )
            } else {
                String::new()
            };
            let ratio = f.p50.as_secs_f64() / l.reference.p50.as_secs_f64().max(1e-9);
            let _ = writeln!(
                out,
                "| {} | {reference} | {rate} | {} / {} | {:.0} | {} | {ratio:.1}× |",
                if i == 0 { l.name } else { "" },
                ms(f.p50),
                ms(f.p99),
                f.per_second,
                f.errors
            );
        }
    }
    out
}

/// The server's answers at each rate, with a client that keeps connections open.
async fn at_rates(
    rates: &[u32],
    seconds: u32,
    request: impl Fn(u64) -> reqwest::RequestBuilder,
) -> Vec<(u32, Figures)> {
    let mut runs = Vec::new();
    for &rate in rates {
        let f = fixed_rate(rate, seconds, &request).await;
        eprintln!(
            "  {rate}/s: p50 {} ms, p99 {} ms, {} errors",
            ms(f.p50),
            ms(f.p99),
            f.errors
        );
        runs.push((rate, f));
    }
    runs
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some(bare::FLAG) {
        return bare::serve(&args[2..]);
    }
    // The load comes from one thread, leaving the other core to the server under test.
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(bench())
}

async fn bench() -> anyhow::Result<()> {
    if std::env::args().any(|a| a == "--list") {
        return Ok(());
    }
    // `cargo bench` passes `--bench`; other words choose operations.
    let chosen: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let wanted = |name: &str| chosen.is_empty() || chosen.iter().any(|w| name.contains(w.as_str()));
    let tenants = env_or("DEALERCTL_BENCH_TENANTS", 1_000_000);
    let seconds = env_or("DEALERCTL_BENCH_SECONDS", 5) as u32;
    let dir = tempfile::tempdir()?;
    let store = setup::fresh_store(tenants, dir.path()).await?;
    eprintln!("store: {} tenants on {}", tenants, store.backend());
    let server = setup::serve(&store, dir.path()).await?;
    let cast = setup::cast(&server).await?;
    setup::make_room(&cast, 1_000_000).await?;
    let api = format!("{}/api/v1", server.url);
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(512)
        .build()?;
    let as_reseller = |r: reqwest::RequestBuilder| r.bearer_auth(&cast.reseller_token);
    let as_distributor = |r: reqwest::RequestBuilder| r.bearer_auth(&cast.distributor_token);
    let (d, s, r, t) = (
        &cast.distributor.id,
        &cast.sub_distributor.id,
        &cast.reseller.id,
        &cast.tenant.id,
    );
    let mut sql = raw::connect(&store).await?;
    let mut lines = Vec::new();
    let mut ceiling = None;
    let mut bare_ceiling = None;
    let mut summary = Summary::default();
    let mut creation_ceiling = None;

    if wanted("scoped tenant read by id") {
        eprintln!("scoped tenant read by id (reseller)");
        let reference = raw::tenant_by_id(&mut sql, 20_000, r, t).await;
        let url = format!("{api}/tenants/{t}");
        let runs = at_rates(&[1_000, 3_000, 10_000], seconds, |_| {
            as_reseller(http.get(&url))
        })
        .await;
        summary.read_p99_at_1k = runs.first().map(|(_, f)| f.p99);
        lines.push(Line {
            name: "scoped tenant read by id",
            reference,
            runs,
        });
        ceiling = wrk::ceiling(&url, &cast.reseller_token, 32, seconds);
        summary.read_rps = ceiling.as_ref().map(|c| c.0);

        // The same read from the bare stack, measured the same way (the token is sent and
        // ignored, so that the requests are the same bytes).
        eprintln!("the same read, bare axum + sqlx (no token, session or permission)");
        let bare = bare::start(&store, r, t).await?;
        let bare_url = format!("{}/api/v1/tenants/{t}", bare.url);
        let runs = at_rates(&[1_000, 3_000, 10_000], seconds, |_| {
            as_reseller(http.get(&bare_url))
        })
        .await;
        lines.push(Line {
            name: "the same read, bare axum + sqlx (no token, session or permission)",
            reference,
            runs,
        });
        bare_ceiling = wrk::ceiling(&bare_url, &cast.reseller_token, 32, seconds);
        summary.bare_rps = bare_ceiling.as_ref().map(|c| c.0);
        drop(bare);
    }

    if wanted("page of a reseller's tenants") {
        eprintln!("a page of a reseller's tenants");
        let reference = raw::tenant_page(&mut sql, 2_000, r).await;
        let url = format!("{api}/tenants?limit=100");
        let runs = at_rates(&[500, 2_000], seconds, |_| as_reseller(http.get(&url))).await;
        lines.push(Line {
            name: "page of a reseller's tenants (100)",
            reference,
            runs,
        });
    }

    if wanted("page of a distributor's subtree") {
        eprintln!("a page of a distributor's subtree");
        let reference = raw::tenant_page(&mut sql, 50, d).await;
        let url = format!("{api}/tenants?limit=100");
        let runs = at_rates(&[20, 100], seconds, |_| as_distributor(http.get(&url))).await;
        lines.push(Line {
            name: "page of a distributor's subtree (100 of 50,000)",
            reference,
            runs,
        });
    }

    if wanted("capacity roll-up") {
        eprintln!("capacity roll-up of a 50,000-tenant subtree");
        let reference = raw::capacity(&mut sql, 50, d).await;
        let url = format!("{api}/dealers/{d}/capacity");
        let runs = at_rates(&[20, 100], seconds, |_| as_distributor(http.get(&url))).await;
        summary.rollup = runs.first().map(|(_, f)| f.p50);
        summary.rollup_bare = Some(reference.p50);
        lines.push(Line {
            name: "capacity roll-up (distributor, 50,520 nodes)",
            reference,
            runs,
        });
    }

    if wanted("tree expansion") {
        eprintln!("tree expansion");
        let reference = raw::tree_level(&mut sql, 2_000, s).await;
        let url = format!("{api}/tree?root={s}&depth=1");
        let runs = at_rates(&[500, 2_000], seconds, |_| as_distributor(http.get(&url))).await;
        lines.push(Line {
            name: "tree expansion (a sub-distributor's 25 resellers)",
            reference,
            runs,
        });
    }

    if wanted("search") {
        // A different tenant each time (`Tenant N` is the generator's naming), as typed: the
        // channel-wide search and a table's `/` at the server, both as the provider.
        let as_admin = |r: reqwest::RequestBuilder| r.bearer_auth(&cast.admin_token);
        let typed = |i: u64| format!("tenant {}", 100_000 + (i * 7_919) % 900_000);
        eprintln!("search");
        let reference =
            raw::tenant_search(&mut sql, 200, &cast.admin.me().await?.dealer.id, &typed(1)).await;
        let runs = at_rates(&[20, 100], seconds, |i| {
            as_admin(
                http.get(format!("{api}/search"))
                    .query(&[("q", typed(i)), ("limit", "20".into())]),
            )
        })
        .await;
        summary.search_p50 = runs.first().map(|(_, f)| f.p50);
        lines.push(Line {
            name: "search, every kind, provider scope (GET /search)",
            reference,
            runs,
        });
        eprintln!("tenant list search");
        let runs = at_rates(&[20, 100], seconds, |i| {
            as_admin(
                http.get(format!("{api}/tenants"))
                    .query(&[("q", typed(i)), ("limit", "100".into())]),
            )
        })
        .await;
        lines.push(Line {
            name: "search of the tenant list, provider scope (GET /tenants?q=)",
            reference,
            runs,
        });
    }

    if wanted("creation") || wanted("sign-in") {
        eprintln!("tenant creation");
        let url = format!("{api}/tenants");
        let stamp = std::process::id();
        let made = std::sync::atomic::AtomicU64::new(0);
        let create = |_: u64| {
            let i = made.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            as_reseller(http.post(&url)).json(&serde_json::json!({
                "dealer_id": r, "name": format!("load {stamp} {i}"),
                "domain": format!("load{stamp}-{i}.bench.example"), "extensions": 4, "concurrent_calls": 2,
            }))
        };
        let creation_runs = at_rates(&[100, 300, 1_000], seconds, &create).await;
        // Saturation whatever the server's pace: as many creations as 32 callers waiting for
        // their answers get done (an open-loop rate above the pace would only pile up requests).
        let saturated = closed_loop(32, seconds, &create).await;
        eprintln!(
            "  closed loop, 32 callers: {:.0} created/s, p50 {} ms, p99 {} ms, {} errors",
            saturated.served_per_second,
            ms(saturated.p50),
            ms(saturated.p99),
            saturated.errors
        );
        creation_ceiling = Some(saturated);
        summary.create_per_s = Some(saturated.served_per_second);

        eprintln!("sign-in");
        let url = format!("{api}/auth/login");
        let body = serde_json::json!({ "email": cast.reseller_email, "password": setup::PASSWORD });
        let sign_in_runs = at_rates(&[10, 30], seconds, |_| http.post(&url).json(&body)).await;
        drop(server);

        // The writers' references run with the server stopped, as the only writer.
        let reference = raw::tenant_inserts(&mut sql, 2_000, r).await;
        summary.raw_create_per_s = Some(reference.served_per_second);
        lines.push(Line {
            name: "tenant creation (single-row insert per transaction)",
            reference,
            runs: creation_runs,
        });
        let reference =
            raw::password_checks(&mut sql, 20, &cast.reseller_email, setup::PASSWORD).await;
        lines.push(Line {
            name: "sign-in (argon2id check alone)",
            reference,
            runs: sign_in_runs,
        });
    }

    let mut text = format!("Store: {tenants} tenants on {}.\n\n", store.backend());
    text.push_str(&table(&lines));
    if let Some((rate, p50, p99)) = ceiling {
        let _ = writeln!(
            text,
            "\nScoped read by id, closed loop (wrk -t1 -c32, {seconds} s): {rate:.0} requests/s, p50 {p50}, p99 {p99}."
        );
    }
    if let Some((rate, p50, p99)) = bare_ceiling {
        let _ = writeln!(
            text,
            "\nThe same read, bare axum + sqlx, closed loop (wrk -t1 -c32, {seconds} s): {rate:.0} requests/s, p50 {p50}, p99 {p99}."
        );
    }
    if let Some(f) = creation_ceiling {
        let _ = writeln!(
            text,
            "\nTenant creation, closed loop (32 callers, {seconds} s): {:.0} created/s, p50 {} ms, p99 {} ms, {} errors.",
            f.served_per_second,
            ms(f.p50),
            ms(f.p99),
            f.errors
        );
    }
    let summary = summary.line();
    let _ = writeln!(text, "\n{summary}");
    // The summary is the last line of the output, for scripts that compare runs.
    print!("{text}");
    std::fs::create_dir_all("target/bench")?;
    std::fs::write("target/bench/server-results.md", &text)?;
    Ok(())
}
