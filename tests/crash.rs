//! Crash test: the real `dealerctl serve` binary is killed with SIGKILL in the middle of a write
//! storm, restarted on the same database, and must still hold every write it acknowledged, none
//! it refused, and every capacity and tree rule. Several rounds on one database, each killed at a
//! random moment (a seeded count of acknowledged writes plus a short jitter); on SQLite always, on
//! PostgreSQL when `DEALERCTL_TEST_POSTGRES` is set.
//!
//! What the client learns is the only evidence: a success answer is an acknowledged write and must
//! survive; a refusal must leave no trace; a request cut by the kill may or may not have landed,
//! and the check allows exactly that much (one version step per such request, one object per such
//! creation). Replay a run's choices with `DEALERCTL_CRASH_SEED=<seed>` (the interleaving of
//! concurrent clients is up to the scheduler, so a replay repeats the operations, not the timing).

#[path = "support/backend.rs"]
#[allow(dead_code)]
mod backend;
#[path = "support/paging.rs"]
mod paging;

use dealerctl::client::{ApiClient, ClientError};
use dealerctl::domain::policy::PlatformPolicy;
use dealerctl::model::*;
use dealerctl::server::store::SqlStore;
use paging::every_page;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_dealerctl");
const ADMIN_EMAIL: &str = "crash-admin@example.net";
const ADMIN_PASSWORD: &str = "a crash test admin password";
/// Crash rounds on one database.
const ROUNDS: usize = 6;
/// Concurrent clients in the storm, each with its own connection pool.
const CLIENTS: usize = 12;
/// A round is killed after this many acknowledged writes (drawn per round from the seed).
const KILL_AFTER_ACKS: std::ops::RangeInclusive<usize> = 15..=120;
/// If the storm acknowledges too little in this long, the server is killed anyway and the round
/// fails: a stalled server is a finding too.
const ROUND_LIMIT: Duration = Duration::from_secs(30);
/// The platform subscription: tight, so the storm keeps running into the provider's limits.
const SUBSCRIPTION: &str = "[server]
provider_name = \"Crash provider\"

[server.subscription]
max_tenants = 90
extensions = 2400
concurrent_calls = 500
recording_minutes = 12000
high_availability = false
";
/// Refusals a storm operation may meet; any other answer fails the test.
const EXPECTED: &[&str] = &[
    "capacity_exceeded",
    "package_below_usage",
    "not_found",
    "has_children",
    "name_taken",
    "domain_taken",
    "invalid_field",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_keeps_every_acknowledged_write_across_sigkills() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("crash.db").display());
    crash_rounds(dir.path(), &url, "sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    no_test_postgres,
    ignore = "PostgreSQL half skipped: set DEALERCTL_TEST_POSTGRES to run it"
)]
async fn postgres_keeps_every_acknowledged_write_across_sigkills() {
    if !backend::postgres_available("postgres_keeps_every_acknowledged_write_across_sigkills") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let url = backend::fresh_postgres().await;
    crash_rounds(dir.path(), &url, "postgres").await;
}

fn seed() -> u64 {
    let seed = std::env::var("DEALERCTL_CRASH_SEED")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(rand::random);
    println!("crash seed {seed} (replay with DEALERCTL_CRASH_SEED={seed})");
    seed
}

async fn crash_rounds(dir: &Path, url: &str, label: &str) {
    let seed = seed();
    let mut rng = StdRng::seed_from_u64(seed);
    std::fs::write(dir.join("server.toml"), SUBSCRIPTION).unwrap();
    let log = dir.join("server.log");

    let mut server = Server::start(dir, url).await;
    // Sessions are stored: the storm keeps this first one across every restart, so a session
    // lost in a crash shows up as a 401 in the storm.
    let token = server.admin_token().await;
    let world = Arc::new(Mutex::new(World::default()));
    setup(&server.client(&token), &world).await;
    let mut figures = Figures::default();

    for round in 1..=ROUNDS {
        let started = Instant::now();
        let target = rng.random_range(KILL_AFTER_ACKS);
        let shared = Arc::new(Shared {
            world: world.clone(),
            acked: AtomicUsize::new(0),
            target,
            reached: tokio::sync::Notify::new(),
            stop: AtomicBool::new(false),
            busy: AtomicUsize::new(0),
        });
        let workers: Vec<_> = (0..CLIENTS)
            .map(|i| {
                let worker = Worker {
                    client: server.client(&token),
                    rng: StdRng::seed_from_u64(seed ^ ((round as u64) << 32) ^ i as u64),
                    tag: format!("r{round}c{i}s{:x}", seed & 0xffff_ffff),
                    shared: shared.clone(),
                };
                tokio::spawn(worker.run())
            })
            .collect();

        // The moment of the kill: after a drawn number of acknowledged writes, plus a jitter of
        // up to 3 ms so that the kill lands at any point of a request, not only between them.
        let in_time = tokio::time::timeout(ROUND_LIMIT, shared.reached.notified())
            .await
            .is_ok();
        tokio::time::sleep(Duration::from_micros(rng.random_range(0..3000))).await;
        // Clients stop starting requests first, so that what the kill cuts is what was really
        // in flight rather than a flood of refused connections.
        shared.stop.store(true, Ordering::SeqCst);
        server.kill();
        for w in workers {
            w.await.unwrap();
        }
        let acked = shared.acked.load(Ordering::SeqCst);
        assert!(
            in_time,
            "{label} round {round}: only {acked} of {target} writes acknowledged in {ROUND_LIMIT:?} (seed {seed}); the server log:\n{}",
            tail(&log)
        );

        // The rules must hold in the state the kill left, before any restart touches it.
        let crashed = violations(url).await;
        assert!(
            crashed.is_empty(),
            "{label} round {round}: the database the kill left breaks rules: {crashed:?} (seed {seed})"
        );

        server = Server::start(dir, url).await;
        let token_after = server.admin_token().await;
        let client = server.client(&token_after);
        let report = verify(&client, &world).await;
        let after = violations(url).await;
        let problems: Vec<String> = world.lock().unwrap().failures.drain(..).collect();
        assert!(
            problems.is_empty() && report.lost.is_empty() && after.is_empty(),
            "{label} round {round} (seed {seed}):\n  storm: {problems:#?}\n  lost or wrong after restart: {:#?}\n  rules after restart: {after:?}",
            report.lost
        );
        figures.rounds += 1;
        figures.acked += acked;
        figures.checked += report.checked;
        figures.in_flight += report.in_flight;
        figures.landed += report.landed;
        let busy = shared.busy.load(Ordering::SeqCst);
        figures.busy += busy;
        println!(
            "{label} round {round}: killed after {acked} acknowledged writes (target {target}) in {:.2?}; \
             checked {} acknowledged writes over {} objects; {} requests cut by the kill, {} of them landed; \
             {busy} answered 503 busy",
            started.elapsed(),
            report.checked,
            report.objects,
            report.in_flight,
            report.landed
        );
    }
    println!(
        "{label}: {} crash rounds survived, {} writes acknowledged, {} acknowledged writes checked present after restart, \
         {} requests cut by a kill ({} landed), {} answered 503 busy (left no trace), 0 rule violations",
        figures.rounds,
        figures.acked,
        figures.checked,
        figures.in_flight,
        figures.landed,
        figures.busy
    );
    assert_eq!(
        figures.acked, figures.checked,
        "every acknowledged write was checked"
    );
}

#[derive(Default)]
struct Figures {
    rounds: usize,
    acked: usize,
    checked: usize,
    in_flight: usize,
    landed: usize,
    busy: usize,
}

/// One running `dealerctl serve`; killed when dropped, so no process outlives a failed test.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts the binary on `url` and waits until `/readyz` answers (a fresh port each time; a
    /// port taken between choosing and binding it is simply tried again).
    async fn start(dir: &Path, url: &str) -> Server {
        let log_path = dir.join("server.log");
        for _ in 0..5 {
            let port = free_port();
            let log = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&log_path)
                .unwrap();
            let child = Command::new(BIN)
                .arg("serve")
                .arg("--config")
                .arg(dir.join("server.toml"))
                .args(["--listen", &format!("127.0.0.1:{port}"), "--database", url])
                .arg("--mail-outbox")
                .arg(dir.join("outbox"))
                .env("DEALERCTL_ADMIN_EMAIL", ADMIN_EMAIL)
                .env("DEALERCTL_ADMIN_PASSWORD", ADMIN_PASSWORD)
                .env("DEALERCTL_LOG", "warn")
                .env_remove("DEALERCTL_PUBLIC_URL")
                .env_remove("DEALERCTL_TLS_CERT")
                .env_remove("DEALERCTL_TLS_KEY")
                .env_remove("DEALERCTL_SEED_DEMO")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(log)
                .spawn()
                .unwrap();
            let mut server = Server {
                child,
                base: format!("http://127.0.0.1:{port}"),
            };
            if server.wait_ready().await {
                return server;
            }
        }
        panic!("the server did not come up on {url}:\n{}", tail(&log_path));
    }

    /// Polls `/readyz` (the database answers) for up to 30 s; false if the process exited.
    async fn wait_ready(&mut self) -> bool {
        let http = reqwest::Client::new();
        for _ in 0..600 {
            if self.child.try_wait().unwrap().is_some() {
                return false;
            }
            if let Ok(r) = http.get(format!("{}/readyz", self.base)).send().await
                && r.status().is_success()
            {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{} did not become ready within 30 s", self.base);
    }

    async fn admin_token(&self) -> String {
        ApiClient::new(&self.base)
            .unwrap()
            .login(ADMIN_EMAIL, ADMIN_PASSWORD)
            .await
            .expect("the administrator signs in")
            .token
    }

    /// A client with its own connection pool.
    fn client(&self, token: &str) -> ApiClient {
        ApiClient::new(&self.base).unwrap().with_token(token)
    }

    /// SIGKILL (what `Child::kill` sends on Unix), then reap the process.
    fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let start = text.len().saturating_sub(4000);
    let start = (start..text.len())
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(text.len());
    text[start..].to_string()
}

/// The store's own rule checks, on a connection of the test's own.
async fn violations(url: &str) -> Vec<String> {
    let store = SqlStore::connect(url, PlatformPolicy::default())
        .await
        .expect("the database opens after the crash");
    let found = store.violations().await.unwrap();
    store.close().await;
    found
}

// What the clients were told

/// What a dealer looks like, as far as the storm changes it.
#[derive(Debug, Clone, PartialEq)]
struct DealerState {
    parent_id: Option<String>,
    level: Level,
    name: String,
    package: Package,
}

impl From<&Dealer> for DealerState {
    fn from(d: &Dealer) -> Self {
        DealerState {
            parent_id: d.parent_id.clone().map(Into::into),
            level: d.level,
            name: d.name.clone(),
            package: d.package,
        }
    }
}

/// What a tenant looks like, as far as the storm changes it.
#[derive(Debug, Clone, PartialEq)]
struct TenantState {
    dealer_id: String,
    domain: String,
    extensions: i64,
    concurrent_calls: i64,
    recording_minutes: i64,
}

impl From<&Tenant> for TenantState {
    fn from(t: &Tenant) -> Self {
        TenantState {
            dealer_id: t.dealer_id.to_string(),
            domain: t.domain.clone(),
            extensions: t.extensions,
            concurrent_calls: t.concurrent_calls,
            recording_minutes: t.recording_minutes,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Deletion {
    None,
    /// A delete was sent and got no answer: the object may be there or not.
    InFlight,
    Acked,
}

/// One object's history since the last check: the version it was checked (or created) at, the
/// newest acknowledged state, and how many updates were acknowledged or left without an answer.
#[derive(Debug, Clone)]
struct Tracked<S> {
    base_version: i64,
    last_version: i64,
    last: S,
    acked_updates: i64,
    in_flight_updates: i64,
    deletion: Deletion,
    /// Acknowledged writes (creation, updates, deletion) this check covers.
    acked_writes: usize,
}

impl<S> Tracked<S> {
    fn new(version: i64, state: S, acked_writes: usize) -> Self {
        Tracked {
            base_version: version,
            last_version: version,
            last: state,
            acked_updates: 0,
            in_flight_updates: 0,
            deletion: Deletion::None,
            acked_writes,
        }
    }

    fn live(&self) -> bool {
        self.deletion == Deletion::None
    }

    fn acked_update(&mut self, version: i64, state: S) {
        self.acked_updates += 1;
        self.acked_writes += 1;
        if version > self.last_version {
            self.last_version = version;
            self.last = state;
        }
    }
}

#[derive(Default)]
struct World {
    provider_id: String,
    dealers: BTreeMap<String, Tracked<DealerState>>,
    tenants: BTreeMap<String, Tracked<TenantState>>,
    /// Names of dealers and domains of tenants whose creation got no answer.
    in_flight_dealers: BTreeSet<String>,
    in_flight_tenants: BTreeSet<String>,
    /// Answers no storm operation may get.
    failures: Vec<String>,
}

/// Three distributors with tight packages that together nearly exhaust the subscription.
async fn setup(admin: &ApiClient, world: &Mutex<World>) {
    let me = admin.me().await.unwrap();
    let provider_id = me.user.dealer_id.clone();
    world.lock().unwrap().provider_id = provider_id.to_string();
    for i in 0..3 {
        let d = admin
            .create_dealer(&NewDealer {
                parent_id: provider_id.clone(),
                level: Level::Distributor,
                name: format!("crash-distributor-{i}"),
                package: Some(Package {
                    max_tenants: Some(28),
                    extensions: Some(700),
                    concurrent_calls: Some(140),
                    recording_minutes: Some(3500),
                    high_availability: false,
                    min_extensions_per_tenant: 0,
                }),
                ..NewDealer::default()
            })
            .await
            .unwrap();
        world
            .lock()
            .unwrap()
            .dealers
            .insert(d.id.to_string(), Tracked::new(d.version, (&d).into(), 0));
    }
}

// The storm

struct Shared {
    world: Arc<Mutex<World>>,
    acked: AtomicUsize,
    target: usize,
    reached: tokio::sync::Notify,
    stop: AtomicBool,
    /// Answers `503 busy`.
    busy: AtomicUsize,
}

struct Worker {
    client: ApiClient,
    rng: StdRng,
    tag: String,
    shared: Arc<Shared>,
}

enum Plan {
    CreateTenant(NewTenant),
    DeleteTenant(String),
    UpdateTenant(String, TenantPatch),
    CreateDealer(NewDealer),
    SetPackage(String, Package),
    DeleteDealer(String),
}

/// How a request ended, as the client saw it.
enum Outcome<T> {
    Acked(T),
    Refused,
    /// No answer (the kill cut it, or the answer could not be read): it may have landed.
    InFlight,
}

impl Worker {
    async fn run(mut self) {
        let mut n = 0usize;
        while !self.shared.stop.load(Ordering::SeqCst) {
            n += 1;
            let plan = {
                let shared = self.shared.clone();
                let world = shared.world.lock().unwrap();
                self.plan(&world, n)
            };
            self.execute(plan).await;
        }
    }

    fn plan(&mut self, world: &World, n: usize) -> Plan {
        let rng = &mut self.rng;
        let dealers: Vec<(&String, &Tracked<DealerState>)> =
            world.dealers.iter().filter(|(_, t)| t.live()).collect();
        let tenants: Vec<&String> = world
            .tenants
            .iter()
            .filter(|(_, t)| t.live())
            .map(|(id, _)| id)
            .collect();
        let roll = rng.random_range(0..100);
        if (30..55).contains(&roll) && !tenants.is_empty() {
            let id = tenants[rng.random_range(0..tenants.len())].clone();
            if roll < 45 {
                return Plan::DeleteTenant(id);
            }
            let patch = TenantPatch {
                extensions: Some(rng.random_range(1..=60)),
                concurrent_calls: rng.random_bool(0.5).then(|| rng.random_range(0..=12)),
                ..TenantPatch::default()
            };
            return Plan::UpdateTenant(id, patch);
        }
        if (55..67).contains(&roll) {
            let parents: Vec<_> = dealers
                .iter()
                .filter(|(_, t)| matches!(t.last.level, Level::Distributor | Level::SubDistributor))
                .collect();
            if !parents.is_empty() {
                let (parent_id, parent) = parents[rng.random_range(0..parents.len())];
                let level = if parent.last.level == Level::Distributor && rng.random_bool(0.5) {
                    Level::SubDistributor
                } else {
                    Level::Reseller
                };
                return Plan::CreateDealer(NewDealer {
                    parent_id: (*parent_id).clone().into(),
                    level,
                    name: format!("crash-{}-{n}", self.tag),
                    package: Some(Package {
                        max_tenants: Some(rng.random_range(1..=6)),
                        extensions: Some(rng.random_range(10..=150)),
                        concurrent_calls: Some(rng.random_range(2..=30)),
                        recording_minutes: Some(rng.random_range(0..=1500)),
                        high_availability: false,
                        min_extensions_per_tenant: 0,
                    }),
                    ..NewDealer::default()
                });
            }
        }
        if (67..92).contains(&roll) && !dealers.is_empty() {
            let (id, t) = dealers[rng.random_range(0..dealers.len())];
            // Raise or cut every dimension from the newest acknowledged package.
            let raise = rng.random_bool(0.5);
            let mut step = |v: Option<i64>| {
                let v = v.unwrap_or(0);
                let by = rng.random_range(1..=(v / 4).max(2));
                Some(if raise { v + by } else { (v - by).max(0) })
            };
            let p = t.last.package;
            let package = Package {
                max_tenants: step(p.max_tenants),
                extensions: step(p.extensions),
                concurrent_calls: step(p.concurrent_calls),
                recording_minutes: step(p.recording_minutes),
                ..p
            };
            return Plan::SetPackage(id.clone(), package);
        }
        if roll >= 92 {
            let below: Vec<_> = dealers
                .iter()
                .filter(|(_, t)| t.last.level != Level::Distributor)
                .collect();
            if !below.is_empty() {
                return Plan::DeleteDealer(below[rng.random_range(0..below.len())].0.clone());
            }
        }
        // Otherwise a tenant, at any dealer (the provider included).
        let pick = rng.random_range(0..=dealers.len());
        let dealer_id = match dealers.get(pick) {
            Some((id, _)) => (*id).clone(),
            None => world.provider_id.clone(),
        };
        let domain = format!("{}-{n}.crash.example", self.tag.to_lowercase());
        Plan::CreateTenant(NewTenant {
            dealer_id: dealer_id.into(),
            name: format!("Crash tenant {}-{n}", self.tag),
            domain,
            extensions: rng.random_range(1..=40),
            concurrent_calls: rng.random_range(0..=8),
            recording_minutes: [0, 0, 300, 700, 1200][rng.random_range(0..5)],
            ..NewTenant::default()
        })
    }

    async fn execute(&self, plan: Plan) {
        let c = &self.client;
        match plan {
            Plan::CreateTenant(new) => {
                let outcome = self.outcome(c.create_tenant(&new).await, "create tenant");
                let mut w = self.shared.world.lock().unwrap();
                match outcome {
                    Outcome::Acked(t) => {
                        w.tenants
                            .insert(t.id.to_string(), Tracked::new(t.version, (&t).into(), 1));
                    }
                    Outcome::InFlight => {
                        w.in_flight_tenants.insert(new.domain);
                    }
                    Outcome::Refused => {}
                }
            }
            Plan::CreateDealer(new) => {
                let outcome = self.outcome(c.create_dealer(&new).await, "create dealer");
                let mut w = self.shared.world.lock().unwrap();
                match outcome {
                    Outcome::Acked(d) => {
                        w.dealers
                            .insert(d.id.to_string(), Tracked::new(d.version, (&d).into(), 1));
                    }
                    Outcome::InFlight => {
                        w.in_flight_dealers.insert(new.name);
                    }
                    Outcome::Refused => {}
                }
            }
            Plan::UpdateTenant(id, patch) => {
                let outcome =
                    self.outcome(c.update_tenant(&id, None, &patch).await, "update tenant");
                let mut w = self.shared.world.lock().unwrap();
                let t = w.tenants.get_mut(&id).expect("a tracked tenant");
                match outcome {
                    Outcome::Acked(after) => t.acked_update(after.version, (&after).into()),
                    Outcome::InFlight => t.in_flight_updates += 1,
                    Outcome::Refused => {}
                }
            }
            Plan::SetPackage(id, package) => {
                let outcome = self.outcome(c.set_package(&id, None, &package).await, "set package");
                let mut w = self.shared.world.lock().unwrap();
                let t = w.dealers.get_mut(&id).expect("a tracked dealer");
                match outcome {
                    Outcome::Acked(after) => t.acked_update(after.version, (&after).into()),
                    Outcome::InFlight => t.in_flight_updates += 1,
                    Outcome::Refused => {}
                }
            }
            Plan::DeleteTenant(id) => {
                let outcome = self.outcome(c.delete_tenant(&id, None).await, "delete tenant");
                let mut w = self.shared.world.lock().unwrap();
                let t = w.tenants.get_mut(&id).expect("a tracked tenant");
                deleted(t, outcome);
            }
            Plan::DeleteDealer(id) => {
                let outcome = self.outcome(c.delete_dealer(&id, None).await, "delete dealer");
                let mut w = self.shared.world.lock().unwrap();
                let t = w.dealers.get_mut(&id).expect("a tracked dealer");
                deleted(t, outcome);
            }
        }
    }

    /// Classifies an answer, counts acknowledgements towards the kill, and records any answer a
    /// storm must never get (an unexpected refusal, a 5xx).
    fn outcome<T>(&self, r: Result<T, ClientError>, what: &str) -> Outcome<T> {
        match r {
            Ok(v) => {
                let acked = self.shared.acked.fetch_add(1, Ordering::SeqCst) + 1;
                if acked == self.shared.target {
                    self.shared.reached.notify_one();
                }
                Outcome::Acked(v)
            }
            // PostgreSQL rolled the transaction back (a deadlock) and the server's own retries ran
            // out: a refusal, so the checks after the restart hold it to leaving no trace.
            Err(e) if e.status() == Some(503) && e.code() == Some("busy") => {
                self.shared.busy.fetch_add(1, Ordering::SeqCst);
                Outcome::Refused
            }
            Err(e @ ClientError::Api { .. }) => {
                let status = e.status().unwrap_or_default();
                let expected = status < 500 && e.code().is_some_and(|c| EXPECTED.contains(&c));
                if !expected {
                    self.shared.world.lock().unwrap().failures.push(format!(
                        "{what}: {status} {}: {e}",
                        e.code().unwrap_or_default()
                    ));
                }
                // A 5xx may have been sent after a commit: it is no refusal.
                if status >= 500 {
                    Outcome::InFlight
                } else {
                    Outcome::Refused
                }
            }
            Err(_) => Outcome::InFlight,
        }
    }
}

fn deleted<S, T>(t: &mut Tracked<S>, outcome: Outcome<T>) {
    match outcome {
        Outcome::Acked(_) => {
            t.deletion = Deletion::Acked;
            t.acked_writes += 1;
        }
        Outcome::InFlight => t.deletion = t.deletion.max(Deletion::InFlight),
        Outcome::Refused => {}
    }
}

// The check after a restart

#[derive(Default)]
struct Report {
    /// Acknowledged writes found in place.
    checked: usize,
    /// Objects compared.
    objects: usize,
    /// Requests that got no answer, and how many of them turned out to have landed.
    in_flight: usize,
    landed: usize,
    lost: Vec<String>,
}

/// Compares everything the restarted server lists with what the storm was told, then takes the
/// listed state as the base of the next round.
async fn verify(client: &ApiClient, world: &Mutex<World>) -> Report {
    let dealers =
        every_page(|p| async move { client.list_dealers(&DealerFilter::default(), &p).await })
            .await
            .unwrap();
    let tenants =
        every_page(|p| async move { client.list_tenants(&TenantFilter::default(), &p).await })
            .await
            .unwrap();
    let mut w = world.lock().unwrap();
    let mut report = Report::default();
    let provider_id = w.provider_id.clone();
    let listed_dealers: BTreeMap<String, (i64, DealerState)> = dealers
        .iter()
        .filter(|d| d.id != provider_id)
        .map(|d| (d.id.to_string(), (d.version, d.into())))
        .collect();
    let listed_tenants: BTreeMap<String, (i64, TenantState)> = tenants
        .iter()
        .map(|t| (t.id.to_string(), (t.version, t.into())))
        .collect();
    let in_flight_dealers = std::mem::take(&mut w.in_flight_dealers);
    let in_flight_tenants = std::mem::take(&mut w.in_flight_tenants);
    report.in_flight = in_flight_dealers.len() + in_flight_tenants.len();
    let w = &mut *w;
    compare(
        "dealer",
        &mut w.dealers,
        &listed_dealers,
        &in_flight_dealers,
        |s: &DealerState| s.name.clone(),
        &mut report,
    );
    compare(
        "tenant",
        &mut w.tenants,
        &listed_tenants,
        &in_flight_tenants,
        |s: &TenantState| s.domain.clone(),
        &mut report,
    );
    report
}

fn compare<S: Clone + PartialEq + std::fmt::Debug>(
    kind: &str,
    tracked: &mut BTreeMap<String, Tracked<S>>,
    listed: &BTreeMap<String, (i64, S)>,
    in_flight_creations: &BTreeSet<String>,
    key: impl Fn(&S) -> String,
    report: &mut Report,
) {
    for (id, t) in tracked.iter() {
        report.objects += 1;
        report.in_flight +=
            t.in_flight_updates as usize + usize::from(t.deletion == Deletion::InFlight);
        let Some((version, state)) = listed.get(id) else {
            match t.deletion {
                Deletion::None => report.lost.push(format!(
                    "acknowledged {kind} {id} is missing (last acknowledged: {:?})",
                    t.last
                )),
                Deletion::InFlight => {
                    report.landed += 1;
                    report.checked += t.acked_writes;
                }
                Deletion::Acked => report.checked += t.acked_writes,
            }
            continue;
        };
        let mut ok = true;
        if t.deletion == Deletion::Acked {
            report.lost.push(format!(
                "{kind} {id} is back after its deletion was acknowledged"
            ));
            ok = false;
        }
        // Every acknowledged update is one version step; a request cut by the kill may add one.
        let least = t.base_version + t.acked_updates;
        let most = least + t.in_flight_updates;
        if *version < least || *version > most || *version < t.last_version {
            report.lost.push(format!(
                "{kind} {id} is at version {version}; acknowledged: base {} + {} updates (newest {}), {} cut by the kill",
                t.base_version, t.acked_updates, t.last_version, t.in_flight_updates
            ));
            ok = false;
        } else {
            report.landed += (*version - least) as usize;
            if *version == t.last_version && *state != t.last {
                report.lost.push(format!(
                    "{kind} {id} at version {version} is {state:?}, acknowledged as {:?}",
                    t.last
                ));
                ok = false;
            }
        }
        if ok {
            report.checked += t.acked_writes;
        }
    }
    // Anything listed that the storm was not told about must come from a request cut by the kill.
    for (id, (_, state)) in listed {
        if !tracked.contains_key(id) {
            if in_flight_creations.contains(&key(state)) {
                report.landed += 1;
            } else {
                report.lost.push(format!(
                    "{kind} {id} ({state:?}) exists, but its creation was refused or never sent"
                ));
            }
        }
    }
    // The next round starts from what is there now.
    *tracked = listed
        .iter()
        .map(|(id, (version, state))| (id.clone(), Tracked::new(*version, state.clone(), 0)))
        .collect();
}
