//! An unauthenticated flood against the real server binary: 64 clients hammer `/auth/login`
//! (wrong passwords for made-up logins) and `/auth/activate` (made-up link tokens), each request
//! from a different forwarded address so that throttling never steps in and every sign-in costs
//! an argon2 check, the worst case. Meanwhile a signed-in client asks `GET /me` every 10 ms and
//! the server's resident memory is sampled every 50 ms.
//!
//! `cargo bench --bench auth_flood` (`FLOOD_SECONDS`, default 20; `FLOOD_CLIENTS`, default 64).
//! Targets: `/me` p99 under 50 ms, resident memory under 256 MB.

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use dealerctl::client::ApiClient;

const ADMIN_EMAIL: &str = "flood-admin@example.net";
const ADMIN_PASSWORD: &str = "flood-admin-password";

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Resident memory of a process in MiB, from /proc.
fn rss_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// `GET /me` latencies for `for_how_long`, one request every 10 ms.
async fn probe_me(me: ApiClient, stop: Arc<AtomicBool>) -> (Vec<Duration>, usize) {
    let mut laps = Vec::new();
    let mut failures = 0;
    while !stop.load(Ordering::SeqCst) {
        let began = Instant::now();
        match me.me().await {
            Ok(_) => laps.push(began.elapsed()),
            Err(_) => failures += 1,
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    laps.sort();
    (laps, failures)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let seconds = env_num("FLOOD_SECONDS", 20);
    let clients = env_num("FLOOD_CLIENTS", 64) as usize;
    let dir = tempfile::tempdir()?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_dealerctl"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .arg("--database")
        .arg(format!(
            "sqlite://{}",
            dir.path().join("flood.db").display()
        ))
        .arg("--mail-outbox")
        .arg(dir.path().join("outbox"))
        // The flood comes "through a proxy" from many addresses, so no throttle applies.
        .args(["--trusted-proxies", "127.0.0.1/32"])
        .env("DEALERCTL_ADMIN_EMAIL", ADMIN_EMAIL)
        .env("DEALERCTL_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("DEALERCTL_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let pid = child.id();
    let url = format!("http://127.0.0.1:{port}");
    let anon = ApiClient::new(&url)?;
    let mut up = false;
    for _ in 0..600 {
        if anon.healthy().await {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    anyhow::ensure!(up, "the server did not come up");
    let me = anon.with_token(anon.login(ADMIN_EMAIL, ADMIN_PASSWORD).await?.token);

    // Quiet: the reference.
    let stop = Arc::new(AtomicBool::new(false));
    let quiet = tokio::spawn(probe_me(me.clone(), stop.clone()));
    tokio::time::sleep(Duration::from_secs(3)).await;
    stop.store(true, Ordering::SeqCst);
    let (quiet, _) = quiet.await?;
    let rss_quiet = rss_mib(pid).unwrap_or(0.0);

    // The flood.
    let stop = Arc::new(AtomicBool::new(false));
    let probe = tokio::spawn(probe_me(me.clone(), stop.clone()));
    let sampler = {
        let stop = stop.clone();
        tokio::spawn(async move {
            let mut peak: f64 = 0.0;
            while !stop.load(Ordering::SeqCst) {
                peak = peak.max(rss_mib(pid).unwrap_or(0.0));
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            peak
        })
    };
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .build()?;
    let mut flood = Vec::new();
    for c in 0..clients {
        let (http, url, stop) = (http.clone(), url.clone(), stop.clone());
        flood.push(tokio::spawn(async move {
            let mut statuses: BTreeMap<(&'static str, u16), usize> = BTreeMap::new();
            let mut n: u64 = 0;
            while !stop.load(Ordering::SeqCst) {
                n += 1;
                let from = format!("198.18.{}.{}", (c * 7 + n as usize) % 256, n % 256);
                let (route, body) = if c % 2 == 0 {
                    (
                        "login",
                        serde_json::json!({ "email": format!("flood{c}-{n}@example.net"), "password": "a wrong password" }),
                    )
                } else {
                    (
                        "activate",
                        serde_json::json!({ "token": format!("made-up-{c}-{n}"), "password": "a new long password" }),
                    )
                };
                let r = http
                    .post(format!("{url}/api/v1/auth/{route}"))
                    .header("x-forwarded-for", from)
                    .json(&body)
                    .send()
                    .await;
                let status = r.map(|r| r.status().as_u16()).unwrap_or(0);
                *statuses.entry((route, status)).or_default() += 1;
            }
            statuses
        }));
    }
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::SeqCst);
    let mut statuses: BTreeMap<(&'static str, u16), usize> = BTreeMap::new();
    for f in flood {
        for (k, v) in f.await? {
            *statuses.entry(k).or_default() += v;
        }
    }
    let (busy, me_failures) = probe.await?;
    let peak = sampler.await?;
    let _ = child.kill();
    let _ = child.wait();

    println!("auth flood: {clients} clients for {seconds} s, every request from another address");
    println!(
        "  GET /me quiet:   p50 {}  p99 {}  ({} requests)",
        ms(percentile(&quiet, 0.5)),
        ms(percentile(&quiet, 0.99)),
        quiet.len()
    );
    println!(
        "  GET /me flooded: p50 {}  p99 {}  max {}  ({} requests, {} failed)",
        ms(percentile(&busy, 0.5)),
        ms(percentile(&busy, 0.99)),
        ms(busy.last().copied().unwrap_or_default()),
        busy.len(),
        me_failures
    );
    println!("  resident memory: {rss_quiet:.0} MiB quiet, peak {peak:.0} MiB flooded");
    for ((route, status), n) in &statuses {
        println!(
            "  /auth/{route} {status}: {n} ({:.0}/s)",
            *n as f64 / seconds as f64
        );
    }
    Ok(())
}
