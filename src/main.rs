//! The `dealerctl` command: wiring only. Which room runs, with what configuration.

use clap::{Args, CommandFactory, Parser, Subcommand};
use std::io::Read;
use std::path::PathBuf;

use dealerctl::cli::{ApiKeyCommand, ApplyArgs, Connection, ExportArgs, LoginArgs, On};
use dealerctl::client::ApiClient;
use dealerctl::console::Launch;
use dealerctl::credentials::CredentialStore;
use dealerctl::server;
use dealerctl::server::config::ServerConfig;
use dealerctl::verbs::{
    CanIArgs, ChangeArgs, CreateArgs, DescribeArgs, EditArgs, GetArgs, MoveArgs, Verb,
};

mod demo;
mod examples;
mod manual;

#[derive(Parser)]
#[command(
    name = "dealerctl",
    version,
    about = "Console and management API server for the dealer channel of a cloud PBX",
    // The console's flags belong to the console: `dealerctl --profile X` opens it, and a
    // subcommand takes only its own flags (so its `--help` lists only those).
    args_conflicts_with_subcommands = true,
    after_help = examples::EXIT_STATUS
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    console: ConsoleArgs,
}

/// Which profile the console opens, and how it looks.
#[derive(Args)]
struct ConsoleArgs {
    /// The profile of config.toml to open.
    #[arg(long, env = "DEALERCTL_PROFILE")]
    profile: Option<String>,
    /// The server's URL (overrides the profile's).
    #[arg(long)]
    server: Option<String>,
    /// The configuration file (default: the user's config directory).
    #[arg(long, env = "DEALERCTL_CONFIG")]
    config: Option<PathBuf>,
    #[command(flatten)]
    look: LookArgs,
    #[command(flatten)]
    plain_http: PlainHttpArgs,
}

/// How the console draws and takes input (the console's and the demo's).
#[derive(Args)]
struct LookArgs {
    /// Draw the tree and gauges with ASCII only.
    #[arg(long)]
    ascii: bool,
    /// Turn the mouse on (off by default so text can be selected over SSH).
    #[arg(long)]
    mouse: bool,
}

/// The one way past the plain-HTTP refusal (the console's and `activate`'s).
#[derive(Args)]
struct PlainHttpArgs {
    /// Allow sending a password or token over plain HTTP to another machine.
    #[arg(long)]
    insecure: bool,
}

/// The server's configuration file (`serve`, `migrate-store`, `dev generate`).
#[derive(Args, Default)]
struct ServerFileArgs {
    /// The server's configuration file (TOML).
    #[arg(long, env = "DEALERCTL_CONFIG")]
    config: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Open the console (what `dealerctl` does with no subcommand).
    Console(ConsoleArgs),
    /// Run the management API server.
    Serve(ServeCommandArgs),
    /// Start a local server on a throw-away database seeded with the demo tree.
    Demo(DemoArgs),
    /// Set a password with the token of an activation or reset link.
    Activate(ActivateArgs),
    /// Copy a whole store into a new, empty database (SQLite to PostgreSQL), then verify it.
    MigrateStore(MigrateStoreArgs),
    /// Tools for development and benchmarks.
    #[command(subcommand)]
    Dev(DevCommand),
    /// List objects of a kind, or show one.
    #[command(after_help = examples::GET)]
    Get(On<GetArgs>),
    /// One object in full: its fields, its capacity and its recent audit.
    #[command(after_help = examples::DESCRIBE)]
    Describe(On<DescribeArgs>),
    /// Create an object from `--field value` pairs or a YAML/JSON file.
    #[command(after_help = examples::CREATE)]
    Create(On<CreateArgs>),
    /// Change an object in $EDITOR (YAML) or from a file; refused if someone changed it since.
    #[command(after_help = examples::EDIT)]
    Edit(On<EditArgs>),
    /// Delete an object: says what it touches and asks first.
    #[command(after_help = examples::DELETE)]
    Delete(On<ChangeArgs>),
    /// Suspend a dealer, a tenant or a login: says what stops and asks first.
    #[command(after_help = examples::SUSPEND)]
    Suspend(On<ChangeArgs>),
    /// Resume a dealer, a tenant or a login.
    #[command(after_help = examples::RESUME)]
    Resume(On<ChangeArgs>),
    /// Move a tenant to another dealer: shows the plan; `--yes` carries it out.
    #[command(after_help = examples::MOVE)]
    Move(On<MoveArgs>),
    /// Whether a login may do something, on an object: exit 0 for yes, 3 for no.
    #[command(after_help = examples::CAN_I)]
    CanI(On<CanIArgs>),
    /// Write a subtree as one declarative document (YAML or JSON; no secrets).
    #[command(after_help = examples::EXPORT)]
    Export(On<ExportArgs>),
    /// Plan a document on the server and apply it in one transaction, whole or not at all.
    #[command(after_help = examples::APPLY)]
    Apply(On<ApplyArgs>),
    /// API keys for scripts: create, list, revoke.
    #[command(after_help = examples::APIKEY)]
    #[command(subcommand)]
    Apikey(ApiKeyCommand),
    /// Sign a profile in: the session is kept in the keyring, for the verbs and the console.
    #[command(after_help = examples::LOGIN)]
    Login(On<LoginArgs>),
    /// Sign a profile out: the server ends the session and the keyring forgets it.
    #[command(after_help = examples::LOGOUT)]
    Logout(Connection),
    /// Print the completion script for a shell (`dealerctl completions bash > …`).
    Completions {
        /// bash, zsh, fish, powershell or elvish.
        shell: clap_complete::Shell,
    },
    /// Print the manual pages (roff): `dealerctl man | man -l -`.
    Man,
}

#[derive(Args)]
struct MigrateStoreArgs {
    /// The store to copy (stop every server on it first): sqlite://PATH or postgres://…
    #[arg(long)]
    from: String,
    /// The new store: it must hold no rows.
    #[arg(long)]
    to: String,
    #[command(flatten)]
    file: ServerFileArgs,
}

#[derive(Args)]
struct ServeCommandArgs {
    #[command(flatten)]
    serve: ServeArgs,
    #[command(flatten)]
    file: ServerFileArgs,
}

#[derive(Subcommand)]
enum DevCommand {
    /// Add a generated channel (dealers, packages, groups, logins, tenants) under the provider.
    Generate(GenerateArgs),
    /// Recount every dealer's usage in full and compare it with the stored counters; exits
    /// non-zero when any differ (with --fix, rewrites them from the recount instead).
    Recount(RecountArgs),
}

#[derive(Args)]
struct RecountArgs {
    #[command(flatten)]
    serve: ServeArgs,
    #[command(flatten)]
    file: ServerFileArgs,
    /// Rewrite the counters that differ from the recount.
    #[arg(long)]
    fix: bool,
}

#[derive(Args)]
struct GenerateArgs {
    #[command(flatten)]
    serve: ServeArgs,
    #[command(flatten)]
    file: ServerFileArgs,
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
    #[command(flatten)]
    look: LookArgs,
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
    #[command(flatten)]
    plain_http: PlainHttpArgs,
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
    let insecure = args.plain_http.insecure;
    dealerctl::client::transport::refuse_plain_http(&profile.server, insecure)?;
    init_file_logs()?;
    let choice = profile.credential_store;
    let store = tokio::task::spawn_blocking(move || CredentialStore::open(choice)).await?;
    dealerctl::console::run(Launch {
        profile_name: name,
        profile,
        ascii: args.look.ascii,
        mouse: args.look.mouse,
        color: color_wanted(),
        token: None,
        store,
        profiles: config.profiles.clone(),
        insecure,
        notice: None,
    })
    .await
}

/// `dealerctl demo`: a seeded server on a throw-away database, and the console signed in to it.
/// The throw-away folder goes when the demo ends however it ends: quit, SIGTERM or SIGHUP (the
/// console quits on either; before it runs, the signal ends the set-up here).
async fn demo(args: DemoArgs) -> anyhow::Result<()> {
    let log = init_file_logs()?;
    let stop = demo::stop_signals()?;
    let dir = demo::TempFolder::create()?;
    let outbox = dir.path().join("outbox");
    // Before the console takes the screen, so it stays in the terminal's scrollback too.
    eprintln!(
        "dealerctl demo: its mail (activation and reset links) goes to {}",
        outbox.display()
    );
    let config = ServerConfig {
        listen: args.listen,
        database: format!("sqlite://{}", dir.path().join("demo.db").display()),
        mail_outbox: outbox.clone(),
        provider_name: "Acme Telecom".into(),
        seed_demo: true,
        ..ServerConfig::default()
    };
    let admin = server::bootstrap::AdminLogin {
        email: "root@acme.example".into(),
        password: Some(server::demo::DEMO_PASSWORD.into()),
    };
    let email = args.email;
    let login_as = email.clone();
    let setup = async move {
        let running = server::run::spawn(config, admin).await?;
        let login = ApiClient::new(&running.url())?
            .login(&login_as, server::demo::DEMO_PASSWORD)
            .await?;
        anyhow::Ok((running, login))
    };
    tokio::pin!(setup);
    let (running, login) = tokio::select! {
        ready = &mut setup => ready?,
        _ = stop => {
            // Abandoning the set-up would leave the server's tasks (seeding, the database's own
            // threads) writing into the folder after it is removed: let it finish (bounded),
            // stop the server, and only then remove the folder.
            let wait = std::time::Duration::from_secs(10);
            if let Ok(Ok((running, _))) = tokio::time::timeout(wait, setup).await {
                let _ = tokio::time::timeout(wait, running.stop()).await;
            }
            drop(dir);
            anyhow::bail!("demo stopped by a signal before the console opened")
        }
    };
    let profile = dealerctl::config::Profile {
        server: running.url(),
        email: Some(email),
        ..Default::default()
    };
    let profiles = std::collections::BTreeMap::from([("demo".to_string(), profile.clone())]);
    let result = dealerctl::console::run(Launch {
        profile_name: "demo".into(),
        profile,
        ascii: args.look.ascii,
        mouse: args.look.mouse,
        color: color_wanted(),
        token: Some(login.token),
        store: CredentialStore::memory(),
        profiles,
        insecure: false,
        notice: Some(format!("demo mail goes to {}", outbox.display())),
    })
    .await;
    // A request still open (the audit's follow, say) must not keep the folder forever.
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), running.stop()).await;
    drop(dir);
    if result.is_ok() {
        // The terminal may be gone (a hang-up): nothing to say then, and nothing to fail on.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "demo ended; its log is in {}",
            log.display()
        );
    }
    result
}

async fn activate(args: ActivateArgs) -> anyhow::Result<()> {
    // Before the password is even asked for.
    dealerctl::client::transport::refuse_plain_http(&args.server, args.plain_http.insecure)?;
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

async fn migrate_store(args: MigrateStoreArgs) -> anyhow::Result<()> {
    let policy = ServeArgs::default()
        .into_config(args.file.config)
        .map(|c| c.policy)
        .unwrap_or_default();
    let report = server::tools::migrate_store(&args.from, &args.to, policy).await?;
    println!("{}", server::tools::describe(&report));
    println!("copied and verified: every table matches and every rule holds");
    Ok(())
}

async fn generate(args: GenerateArgs) -> anyhow::Result<()> {
    let config = args.serve.into_config(args.file.config)?;
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

async fn recount(args: RecountArgs) -> anyhow::Result<()> {
    let config = args.serve.into_config(args.file.config)?;
    let found = server::tools::recount(&config, args.fix).await?;
    if found.drift.is_empty() {
        println!("every dealer's usage counters equal a full recount");
        return Ok(());
    }
    println!("{}", server::tools::describe_drift(&found.drift));
    let n = found.drift.len();
    if found.fixed {
        println!("rewrote the usage counters of {n} dealers from the recount");
        Ok(())
    } else {
        anyhow::bail!(
            "the usage counters of {n} dealers differ from a full recount (--fix rewrites them)"
        )
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Serve(args)) => {
            init_server_logs();
            match args.serve.into_config(args.file.config) {
                Ok(config) => server::run::serve(config).await,
                Err(e) => Err(e),
            }
        }
        Some(Command::Demo(args)) => demo(args).await,
        Some(Command::Activate(args)) => activate(args).await,
        Some(Command::MigrateStore(args)) => migrate_store(args).await,
        Some(Command::Dev(DevCommand::Generate(args))) => generate(args).await,
        Some(Command::Dev(DevCommand::Recount(args))) => recount(args).await,
        Some(Command::Console(args)) => console(args).await,
        Some(Command::Completions { shell }) => {
            manual::completions(Cli::command(), shell);
            Ok(())
        }
        Some(Command::Man) => manual::man(Cli::command()),
        Some(Command::Get(a)) => return dealerctl::cli::run(Verb::Get(a.verb), &a.conn).await,
        Some(Command::Describe(a)) => {
            return dealerctl::cli::run(Verb::Describe(a.verb), &a.conn).await;
        }
        Some(Command::Create(a)) => {
            return dealerctl::cli::run(Verb::Create(a.verb), &a.conn).await;
        }
        Some(Command::Edit(a)) => return dealerctl::cli::run(Verb::Edit(a.verb), &a.conn).await,
        Some(Command::Delete(a)) => {
            return dealerctl::cli::run(Verb::Delete(a.verb), &a.conn).await;
        }
        Some(Command::Suspend(a)) => {
            return dealerctl::cli::run(Verb::Suspend(a.verb), &a.conn).await;
        }
        Some(Command::Resume(a)) => {
            return dealerctl::cli::run(Verb::Resume(a.verb), &a.conn).await;
        }
        Some(Command::Move(a)) => return dealerctl::cli::run(Verb::Move(a.verb), &a.conn).await,
        Some(Command::CanI(a)) => return dealerctl::cli::run(Verb::CanI(a.verb), &a.conn).await,
        Some(Command::Export(a)) => return dealerctl::cli::export(a.verb, &a.conn).await,
        Some(Command::Apply(a)) => return dealerctl::cli::apply(a.verb, &a.conn).await,
        Some(Command::Apikey(command)) => return dealerctl::cli::api_key(command).await,
        Some(Command::Login(a)) => return dealerctl::cli::login(a.verb, &a.conn).await,
        Some(Command::Logout(conn)) => return dealerctl::cli::logout(&conn).await,
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
