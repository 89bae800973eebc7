//! The benchmark's world: a copy of the generated 1,000,000-tenant store, the real server binary
//! serving it on loopback as a separate process, and logins at a distributor and a reseller.

use anyhow::{Context, bail};
use dealerctl::client::ApiClient;
use dealerctl::model::*;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub const ADMIN_EMAIL: &str = "bench@example.net";
pub const ADMIN_PASSWORD: &str = "bench-password-1234";
pub const PASSWORD: &str = "bench-login-password";

/// The store a run works on: a copy of the generated channel, on SQLite or on PostgreSQL.
pub enum Store {
    /// A copy of the generated SQLite file.
    Sqlite(PathBuf),
    /// A database made from the generated one as its template, dropped at the end.
    Postgres {
        admin: String,
        name: String,
        url: String,
    },
}

impl Store {
    /// The database URL the server and the references open.
    pub fn url(&self) -> String {
        match self {
            Store::Sqlite(path) => format!("sqlite://{}", path.display()),
            Store::Postgres { url, .. } => url.clone(),
        }
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Store::Sqlite(_) => "SQLite",
            Store::Postgres { .. } => "PostgreSQL",
        }
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        if let Store::Postgres { admin, name, .. } = self {
            let admin = admin.clone();
            let name = name.clone();
            // Drop runs outside the runtime's reach: a thread of its own does the async call.
            let _ = std::thread::spawn(move || {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map(|rt| {
                        rt.block_on(postgres_execute(
                            &admin,
                            &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                        ))
                    })
            })
            .join();
        }
    }
}

/// The generated store, copied so that runs start alike. With `DEALERCTL_BENCH_DATABASE` (a
/// PostgreSQL administrative URL, `postgres://…/postgres`) the channel lives on PostgreSQL in the
/// database `dealerctl_bench_TENANTS` (made once by `benches/make-store TENANTS URL`), and each
/// run works on a database made from it as a template.
pub async fn fresh_store(tenants: usize, dir: &Path) -> anyhow::Result<Store> {
    let admin = std::env::var("DEALERCTL_BENCH_DATABASE")
        .ok()
        .filter(|u| !u.trim().is_empty());
    let mut make = Command::new("benches/make-store");
    make.arg(tenants.to_string());
    if let Some(admin) = &admin {
        make.arg(admin);
    }
    let out = make
        .stderr(Stdio::inherit())
        .output()
        .context("running benches/make-store")?;
    if !out.status.success() {
        bail!("benches/make-store failed");
    }
    let original = String::from_utf8(out.stdout)?.trim().to_string();
    if let Some(admin) = admin {
        let template = original
            .rsplit('/')
            .next()
            .context("the store's database name")?
            .to_string();
        let name = format!("dealerctl_bench_run_{}", std::process::id());
        // Copied file by file and checkpointed before the run: the default strategy writes the
        // whole gigabyte through the log, and the checkpoints after it landed in the first
        // measurements (p99 of 100 ms and more at 1,000 reads/s).
        postgres_execute(
            &admin,
            &format!("CREATE DATABASE {name} TEMPLATE {template} STRATEGY FILE_COPY"),
        )
        .await?;
        let url = original.replace(&format!("/{template}"), &format!("/{name}"));
        return Ok(Store::Postgres { admin, name, url });
    }
    let original = PathBuf::from(original);
    let copy = dir.join("store.db");
    std::fs::copy(&original, &copy)?;
    // Pages written since the last checkpoint live in the write-ahead log: they come along.
    let wal = original.with_extension("db-wal");
    if wal.exists() {
        std::fs::copy(&wal, dir.join("store.db-wal"))?;
    }
    Ok(Store::Sqlite(copy))
}

/// Runs one statement on the PostgreSQL server at `admin` (database creation and removal).
async fn postgres_execute(admin: &str, statement: &str) -> anyhow::Result<()> {
    use sqlx::Connection;
    let mut c = sqlx::PgConnection::connect(admin).await?;
    sqlx::Executor::execute(&mut c, statement).await?;
    c.close().await?;
    Ok(())
}

/// The server binary, running until dropped.
pub struct Server {
    child: Child,
    pub url: String,
    pub outbox: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub async fn serve(store: &Store, dir: &Path) -> anyhow::Result<Server> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let outbox = dir.join("outbox");
    let child = Command::new(env!("CARGO_BIN_EXE_dealerctl"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .arg("--database")
        .arg(store.url())
        .arg("--mail-outbox")
        .arg(&outbox)
        .env("DEALERCTL_ADMIN_EMAIL", ADMIN_EMAIL)
        .env("DEALERCTL_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("starting the server")?;
    let server = Server {
        child,
        url: format!("http://127.0.0.1:{port}"),
        outbox,
    };
    let probe = ApiClient::new(&server.url)?;
    for _ in 0..600 {
        if probe.healthy().await {
            return Ok(server);
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    bail!("the server did not come up")
}

/// What the benchmarks act on: a distributor (a 50,000-tenant subtree), one of its
/// sub-distributors, a reseller under that, a tenant of the reseller, and signed-in tokens.
pub struct Cast {
    pub admin: ApiClient,
    pub admin_token: String,
    pub distributor: Dealer,
    pub sub_distributor: Dealer,
    pub reseller: Dealer,
    pub tenant: Tenant,
    pub distributor_token: String,
    pub reseller_token: String,
    pub reseller_email: String,
}

async fn first(c: &ApiClient, filter: DealerFilter) -> anyhow::Result<Dealer> {
    let page = PageParams {
        limit: Some(1),
        ..PageParams::default()
    };
    c.list_dealers(&filter, &page)
        .await?
        .items
        .pop()
        .context("no such dealer in the store")
}

pub async fn cast(server: &Server) -> anyhow::Result<Cast> {
    let anon = ApiClient::new(&server.url)?;
    let admin_token = anon.login(ADMIN_EMAIL, ADMIN_PASSWORD).await?.token;
    let admin = anon.with_token(admin_token.clone());
    let distributor = first(
        &admin,
        DealerFilter {
            level: Some(Level::Distributor),
            ..DealerFilter::default()
        },
    )
    .await?;
    let sub_distributor = first(
        &admin,
        DealerFilter {
            parent_id: Some(distributor.id.clone()),
            ..DealerFilter::default()
        },
    )
    .await?;
    let reseller = first(
        &admin,
        DealerFilter {
            parent_id: Some(sub_distributor.id.clone()),
            ..DealerFilter::default()
        },
    )
    .await?;
    let filter = TenantFilter {
        dealer_id: Some(reseller.id.clone()),
        ..TenantFilter::default()
    };
    let page = PageParams {
        limit: Some(1),
        ..PageParams::default()
    };
    let tenant = admin
        .list_tenants(&filter, &page)
        .await?
        .items
        .pop()
        .context("the reseller has no tenant")?;
    let (distributor_token, _) = login_at(&admin, server, &distributor.id).await?;
    let (reseller_token, reseller_email) = login_at(&admin, server, &reseller.id).await?;
    Ok(Cast {
        admin,
        admin_token,
        distributor,
        sub_distributor,
        reseller,
        tenant,
        distributor_token,
        reseller_token,
        reseller_email,
    })
}

/// A dealer administrator at `dealer`: invited, activated from the mailed link, signed in.
async fn login_at(
    admin: &ApiClient,
    server: &Server,
    dealer: &str,
) -> anyhow::Result<(String, String)> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_nanos();
    let group = admin
        .create_group(&NewGroup {
            dealer_id: dealer.into(),
            name: format!("Bench administrators {stamp}"),
            template: Some("dealer_admin".into()),
            ..NewGroup::default()
        })
        .await?;
    let email = format!("bench-{stamp}@example.net");
    admin
        .create_user(&NewUser {
            dealer_id: dealer.into(),
            email: email.clone(),
            display_name: "Bench".into(),
            group_ids: vec![group.id],
        })
        .await?;
    let anon = ApiClient::new(&server.url)?;
    anon.activate(&mailed_token(&server.outbox, &email)?, PASSWORD)
        .await?;
    Ok((anon.login(&email, PASSWORD).await?.token, email))
}

fn mailed_token(outbox: &Path, email: &str) -> anyhow::Result<String> {
    for entry in std::fs::read_dir(outbox)? {
        let text = std::fs::read_to_string(entry?.path())?;
        if text.contains(&format!("To: {email}")) {
            let start = text.find("token=").context("a link in the mail")? + "token=".len();
            return Ok(text[start..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect());
        }
    }
    bail!("no mail to {email}")
}

/// Room for the creation benchmark: every package on the path to the reseller grows by `n`.
pub async fn make_room(cast: &Cast, n: i64) -> anyhow::Result<()> {
    for d in [&cast.distributor, &cast.sub_distributor, &cast.reseller] {
        let current = cast.admin.get_dealer(&d.id).await?.package;
        let grow = |v: Option<i64>| v.map(|v| v + n);
        let package = Package {
            max_tenants: grow(current.max_tenants),
            extensions: grow(current.extensions),
            concurrent_calls: grow(current.concurrent_calls),
            recording_minutes: grow(current.recording_minutes),
            ..current
        };
        cast.admin.set_package(&d.id, None, &package).await?;
    }
    Ok(())
}
