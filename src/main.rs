//! The `dealerctl` command: wiring only. Which room runs, with what configuration.

use clap::{Args, Parser, Subcommand};
use std::io::Read;
use std::path::PathBuf;

use dealerctl::client::ApiClient;
use dealerctl::console::Launch;
use dealerctl::credentials::CredentialStore;
use dealerctl::server;
use dealerctl::server::config::ServerConfig;

#[derive(Parser)]
#[command(
    name = "dealerctl",
    version,
    about = "Console and management API server for the dealer channel of a cloud PBX"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    console: ConsoleArgs,
}

/// How the console looks and which profile it opens.
#[derive(Args)]
struct ConsoleArgs {
    /// The profile of config.toml to open.
    #[arg(long, global = true, env = "DEALERCTL_PROFILE")]
    profile: Option<String>,
    /// The server's URL (overrides the profile's).
    #[arg(long, global = true)]
    server: Option<String>,
    /// The configuration file (default: the user's config directory).
    #[arg(long, global = true, env = "DEALERCTL_CONFIG")]
    config: Option<PathBuf>,
    /// Draw the tree and gauges with ASCII only.
    #[arg(long, global = true)]
    ascii: bool,
    /// Turn the mouse on (off by default so text can be selected over SSH).
    #[arg(long, global = true)]
    mouse: bool,
    /// Allow sending a password or token over plain HTTP to another machine.
    #[arg(long, global = true)]
    insecure: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Run the management API server.
    Serve(ServeArgs),
    /// Start a local server on a throw-away database seeded with the demo tree.
    Demo(DemoArgs),
    /// Set a password with the token of an activation or reset link.
    Activate(ActivateArgs),
    /// Copy a whole store into a new, empty database (SQLite to PostgreSQL), then verify it.
    MigrateStore(MigrateStoreArgs),
    /// Tools for development and benchmarks.
    #[command(subcommand)]
    Dev(DevCommand),
}

#[derive(Args)]
struct MigrateStoreArgs {
    /// The store to copy (stop every server on it first): sqlite://PATH or postgres://…
    #[arg(long)]
    from: String,
    /// The new store: it must hold no rows.
    #[arg(long)]
    to: String,
}

#[derive(Subcommand)]
enum DevCommand {
    /// Add a generated channel (dealers, packages, groups, logins, tenants) under the provider.
    Generate(GenerateArgs),
}

#[derive(Args)]
struct GenerateArgs {
    #[command(flatten)]
    serve: ServeArgs,
    #[arg(long, default_value_t = 20)]
    distributors: usize,
    #[arg(long, default_value_t = 400)]
    sub_distributors: usize,
    #[arg(long, default_value_t = 10_000)]
    resellers: usize,
    #[arg(long, default_value_t = 1_000_000)]
    tenants: usize,
}

#[derive(Args, Default)]
struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "DEALERCTL_LISTEN")]
    listen: Option<String>,
    /// Database URL: sqlite://PATH or postgres://…
    #[arg(long, env = "DEALERCTL_DATABASE")]
    database: Option<String>,
    /// Folder for outgoing mail when no SMTP server is configured.
    #[arg(long, env = "DEALERCTL_MAIL_OUTBOX")]
    mail_outbox: Option<PathBuf>,
    /// The address users reach the server at (used in activation links).
    #[arg(long, env = "DEALERCTL_PUBLIC_URL")]
    public_url: Option<String>,
    /// PEM certificate chain for serving HTTPS directly.
    #[arg(long, env = "DEALERCTL_TLS_CERT", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// PEM private key for serving HTTPS directly.
    #[arg(long, env = "DEALERCTL_TLS_KEY", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Serve plain HTTP on a non-loopback address (only behind a TLS-terminating proxy).
    #[arg(long, env = "DEALERCTL_ALLOW_PLAIN_HTTP_ON_PUBLIC_ADDRESS")]
    allow_plain_http_on_public_address: bool,
    /// Fill an empty database with the demo tree.
    #[arg(long, env = "DEALERCTL_SEED_DEMO")]
    seed_demo: bool,
    /// Reverse proxies whose X-Forwarded-For is believed (CIDRs, comma-separated).
    #[arg(long, env = "DEALERCTL_TRUSTED_PROXIES", value_delimiter = ',')]
    trusted_proxies: Option<Vec<ipnet::IpNet>>,
}

#[derive(Args)]
struct DemoArgs {
    /// Address and port for the demo server.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: String,
    /// The demo login to open the console as (see the README for the others).
    #[arg(long, default_value = "admin@acme.example")]
    email: String,
}

#[derive(Args)]
struct ActivateArgs {
    /// The token from the link (the part after `token=`).
    token: String,
    /// The server's URL.
    #[arg(long, env = "DEALERCTL_SERVER")]
    server: String,
    /// Read the new password from standard input instead of prompting.
    #[arg(long)]
    password_stdin: bool,
}

impl ServeArgs {
    fn into_config(self, file: Option<PathBuf>) -> anyhow::Result<ServerConfig> {
        let mut c = match &file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
                ServerConfig::from_toml(&text)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
            }
            None => ServerConfig::default(),
        };
        if let Some(v) = self.listen {
            c.listen = v;
        }
        if let Some(v) = self.database {
            c.database = v;
        }
        if let Some(v) = self.mail_outbox {
            c.mail_outbox = v;
        }
        if let Some(v) = self.public_url {
            c.public_url = Some(v);
        }
        if let (Some(cert), Some(key)) = (self.tls_cert, self.tls_key) {
            c.tls = Some(server::config::TlsConfig { cert, key });
        }
        c.allow_plain_http_on_public_address |= self.allow_plain_http_on_public_address;
        c.seed_demo |= self.seed_demo;
        if let Some(v) = self.trusted_proxies {
            c.trusted_proxies = v;
        }
        Ok(c)
    }
}

fn init_server_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("DEALERCTL_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    use std::io::IsTerminal;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .init();
}

/// Logs of the console (and of a demo server inside it) go to a file, never to the screen.
fn init_file_logs() -> anyhow::Result<PathBuf> {
    let path = dealerctl::config::log_file();
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)?;
    let filter = tracing_subscriber::EnvFilter::try_from_env("DEALERCTL_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(file))
        .init();
    Ok(path)
}

fn color_wanted() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// `dealerctl`: opens the console on a profile.
async fn console(args: ConsoleArgs) -> anyhow::Result<()> {
    let file = args
        .config
        .clone()
        .or_else(dealerctl::config::default_config_file);
    let config = match &file {
        Some(f) => dealerctl::config::ConsoleConfig::load(f)?,
        None => dealerctl::config::ConsoleConfig::default(),
    };
    let (name, profile) = config.resolve(args.profile.as_deref(), args.server.as_deref())?;
    dealerctl::client::transport::refuse_plain_http(&profile.server, args.insecure)?;
    init_file_logs()?;
    let choice = profile.credential_store;
    let store = tokio::task::spawn_blocking(move || CredentialStore::open(choice)).await?;
    dealerctl::console::run(Launch {
        profile_name: name,
        profile,
        ascii: args.ascii,
        mouse: args.mouse,
        color: color_wanted(),
        token: None,
        store,
        profiles: config.profiles.clone(),
        insecure: args.insecure,
    })
    .await
}

/// `dealerctl demo`: a seeded server on a throw-away database, and the console signed in to it.
async fn demo(args: DemoArgs, console: ConsoleArgs) -> anyhow::Result<()> {
    let log = init_file_logs()?;
    let dir = tempfile_dir()?;
    let config = ServerConfig {
        listen: args.listen,
        database: format!("sqlite://{}", dir.join("demo.db").display()),
        mail_outbox: dir.join("outbox"),
        provider_name: "Acme Telecom".into(),
        seed_demo: true,
        ..ServerConfig::default()
    };
    let admin = server::bootstrap::AdminLogin {
        email: "root@acme.example".into(),
        password: Some(server::demo::DEMO_PASSWORD.into()),
    };
    let running = server::run::spawn(config, admin).await?;
    let email = args.email;
    let login = ApiClient::new(&running.url())?
        .login(&email, server::demo::DEMO_PASSWORD)
        .await?;
    let profile = dealerctl::config::Profile {
        server: running.url(),
        email: Some(email),
        ..Default::default()
    };
    let profiles = std::collections::BTreeMap::from([("demo".to_string(), profile.clone())]);
    let result = dealerctl::console::run(Launch {
        profile_name: "demo".into(),
        profile,
        ascii: console.ascii,
        mouse: console.mouse,
        color: color_wanted(),
        token: Some(login.token),
        store: CredentialStore::memory(),
        profiles,
        insecure: false,
    })
    .await;
    running.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
    if result.is_ok() {
        eprintln!("demo ended; its log is in {}", log.display());
    }
    result
}

/// A fresh private folder for the demo's database and outbox.
fn tempfile_dir() -> anyhow::Result<PathBuf> {
    let dir =
        std::env::temp_dir().join(format!("dealerctl-demo-{}", uuid::Uuid::now_v7().simple()));
    server::private_files::create_dir(&dir)?;
    Ok(dir)
}

async fn activate(args: ActivateArgs, insecure: bool) -> anyhow::Result<()> {
    // Before the password is even asked for.
    dealerctl::client::transport::refuse_plain_http(&args.server, insecure)?;
    let password = if args.password_stdin {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        s.trim_end_matches(['\r', '\n']).to_string()
    } else {
        let first = rpassword::prompt_password("New password: ")?;
        let second = rpassword::prompt_password("Repeat it: ")?;
        anyhow::ensure!(
            first == second,
            "the two passwords differ; nothing was changed"
        );
        first
    };
    let client = ApiClient::new(&args.server)?;
    client.activate(&args.token, &password).await?;
    println!("Password set. You can now sign in.");
    Ok(())
}

async fn migrate_store(args: MigrateStoreArgs, config: Option<PathBuf>) -> anyhow::Result<()> {
    let policy = ServeArgs::default()
        .into_config(config)
        .map(|c| c.policy)
        .unwrap_or_default();
    let report = server::tools::migrate_store(&args.from, &args.to, policy).await?;
    println!("{}", server::tools::describe(&report));
    println!("copied and verified: every table matches and every rule holds");
    Ok(())
}

async fn generate(args: GenerateArgs, config: Option<PathBuf>) -> anyhow::Result<()> {
    let config = args.serve.into_config(config)?;
    let shape = server::store::Shape {
        distributors: args.distributors.max(1),
        sub_distributors: args.sub_distributors.max(1),
        resellers: args.resellers.max(1),
        tenants: args.tenants,
    };
    let (dealers, tenants) = server::tools::generate(&config, shape).await?;
    println!(
        "generated {dealers} dealers and {tenants} tenants in {}",
        server::store::redact_url(&config.database)
    );
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Serve(args)) => {
            init_server_logs();
            match args.into_config(cli.console.config) {
                Ok(config) => server::run::serve(config).await,
                Err(e) => Err(e),
            }
        }
        Some(Command::Demo(args)) => demo(args, cli.console).await,
        Some(Command::Activate(args)) => activate(args, cli.console.insecure).await,
        Some(Command::MigrateStore(args)) => migrate_store(args, cli.console.config).await,
        Some(Command::Dev(DevCommand::Generate(args))) => generate(args, cli.console.config).await,
        None => console(cli.console).await,
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dealerctl: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
