//! End to end over a channel bigger than a page: the real `dealerctl` console in a real terminal
//! (tmux) against a real `dealerctl serve` on SQLite holding a generated channel of 20,000
//! tenants, so that what the console has loaded is a small part of what the server holds. The
//! channel is generated once per run; each test serves its own copy of it (its sign-ins and
//! changes land in its own audit trail) and signs in through the sign-in screen.

#[path = "support/served.rs"]
mod served;
#[path = "support/tmux.rs"]
mod tmux;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use dealerctl::client::ApiClient;
use dealerctl::console::runner::PAGE_SIZE;
use dealerctl::model::NewUser;
use served::{Served, block_on};
use tmux::{Tmux, skip_without_tmux};

const BIN: &str = env!("CARGO_BIN_EXE_dealerctl");
const ADMIN: &str = "root@channel.example";
const PASSWORD: &str = "channel-password-1234";
const TENANTS: usize = 20_000;
/// What the export test types after `/`: it is in the domain of more tenants than a page holds.
const EXPORT_FILTER: &str = "t19";

/// The generated channel, and what the tests look for in it, read from the database itself.
struct Channel {
    dir: PathBuf,
    /// The tenant whose name sorts last: far beyond the first page of the name-ordered table.
    far: String,
    far_domain: String,
    /// How many tenants sort before it (the table loads them first).
    before_far: usize,
    /// How many tenants have its name in their name or domain (what the server search finds).
    far_matches: usize,
    /// The names of the dealers above it, from the provider down.
    ancestors: Vec<String>,
    /// The names of the tenants with [`EXPORT_FILTER`] in their name or domain.
    export_matches: Vec<String>,
}

static CHANNEL: OnceLock<Channel> = OnceLock::new();

/// Statics are never dropped: the generated store goes when the test process exits.
extern "C" fn remove_channel() {
    if let Some(c) = CHANNEL.get() {
        let _ = std::fs::remove_dir_all(&c.dir);
    }
}

fn channel() -> &'static Channel {
    CHANNEL.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("channel.db");
        // Few dealers, so it is made in seconds: each reseller holds 2,500 tenants, as a big
        // reseller does, more than the tree lists under one dealer before a search opens it.
        let out = Command::new(BIN)
            .args(["dev", "generate", "--database"])
            .arg(format!("sqlite://{}", db.display()))
            .arg("--mail-outbox")
            .arg(dir.path().join("outbox"))
            .args(["--tenants", &TENANTS.to_string()])
            .args(["--distributors", "2", "--sub-distributors", "4"])
            .args(["--resellers", "8"])
            .env("DEALERCTL_ADMIN_EMAIL", ADMIN)
            .env("DEALERCTL_ADMIN_PASSWORD", PASSWORD)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "generate: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let channel = block_on(read_channel(dir.keep(), &db));
        // SAFETY: registers a plain function with no arguments, as atexit expects.
        unsafe { libc::atexit(remove_channel) };
        channel
    })
}

/// What the tests look for, read from the store with SQL of its own (not through the server).
async fn read_channel(dir: PathBuf, db: &Path) -> Channel {
    use sqlx::Row;
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=ro", db.display()))
        .await
        .unwrap();
    let far = sqlx::query("SELECT name, domain FROM tenants ORDER BY name DESC LIMIT 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    let (far, far_domain): (String, String) = (far.get("name"), far.get("domain"));
    let count = |sql: &'static str, arg: String| {
        let pool = pool.clone();
        async move {
            let n: i64 = sqlx::query(sql)
                .bind(arg)
                .fetch_one(&pool)
                .await
                .unwrap()
                .get(0);
            n as usize
        }
    };
    let before_far = count("SELECT COUNT(*) FROM tenants WHERE name < ?", far.clone()).await;
    let far_matches = count(
        "SELECT COUNT(*) FROM tenants WHERE instr(lower(name), ?1) > 0 OR instr(lower(domain), ?1) > 0",
        far.to_lowercase(),
    )
    .await;
    let ancestors = sqlx::query(
        "SELECT d.name FROM dealer_tree x JOIN dealers d ON d.id = x.ancestor \
         WHERE x.descendant = (SELECT dealer_id FROM tenants WHERE name = ?) ORDER BY x.depth DESC",
    )
    .bind(&far)
    .fetch_all(&pool)
    .await
    .unwrap()
    .iter()
    .map(|r| r.get::<String, _>(0))
    .collect();
    let export_matches = sqlx::query(
        "SELECT name FROM tenants WHERE instr(lower(name), ?1) > 0 OR instr(lower(domain), ?1) > 0",
    )
    .bind(EXPORT_FILTER)
    .fetch_all(&pool)
    .await
    .unwrap()
    .iter()
    .map(|r| r.get::<String, _>(0))
    .collect();
    pool.close().await;
    Channel {
        dir,
        far,
        far_domain,
        before_far,
        far_matches,
        ancestors,
        export_matches,
    }
}

/// Serves a copy of the generated channel from `dir`.
fn serve_channel(dir: &Path) -> Served {
    let db = dir.join("channel.db");
    std::fs::copy(channel().dir.join("channel.db"), &db).unwrap();
    Served::start(dir, &db, ADMIN, PASSWORD, &[])
}

/// A profile of the console's config.toml.
struct Profile<'a> {
    name: &'a str,
    server: &'a str,
    email: &'a str,
}

/// The console in tmux, HOME in `dir`, its config.toml holding `profiles` (the first is the
/// default, the others reachable with `:profile`), signed in through the sign-in screen.
fn console(dir: &Path, profiles: &[Profile]) -> Tmux {
    let config = dir.join("home/.config/dealerctl");
    std::fs::create_dir_all(&config).unwrap();
    let mut toml = format!("default_profile = \"{}\"\n", profiles[0].name);
    for p in profiles {
        // Memory only: a headless machine may have no keyring, and no test leaves a token behind.
        toml.push_str(&format!(
            "\n[profiles.{}]\nserver = \"{}\"\nemail = \"{}\"\ncredential_store = \"memory\"\n",
            p.name, p.server, p.email
        ));
    }
    std::fs::write(config.join("config.toml"), toml).unwrap();
    // The config and data folders come from HOME alone, whatever the environment of the run.
    let t = Tmux::start(
        dir,
        &format!(
            "env -u XDG_CONFIG_HOME -u XDG_DATA_HOME -u DEALERCTL_PROFILE -u DEALERCTL_CONFIG {BIN}"
        ),
    );
    let first = &profiles[0];
    t.wait_for(&format!("profile   {}", first.name));
    t.keys(&[PASSWORD, "Enter"]);
    t.wait_for(&format!("· {} (Provider)", first.email));
    t
}

/// The console signed in to its own copy of the channel.
fn channel_console(dir: &Path) -> (Served, Tmux) {
    let server = serve_channel(dir);
    let t = console(
        dir,
        &[Profile {
            name: "main",
            server: &server.url,
            email: ADMIN,
        }],
    );
    (server, t)
}

/// The cells of one column of the table on `screen`: the text under `header` up to the start of
/// the `next` header, on every row below the header line (none while no such table shows).
fn column(screen: &str, header: &str, next: &str) -> Vec<String> {
    let lines: Vec<Vec<char>> = screen.lines().map(|l| l.chars().collect()).collect();
    let find = |line: &[char], word: &str| {
        let w: Vec<char> = word.chars().collect();
        line.windows(w.len()).position(|x| x == w.as_slice())
    };
    let Some((at, from, to)) = lines.iter().enumerate().find_map(|(i, l)| {
        let from = find(l, &format!("{header} "))?;
        let to = find(l, &format!("{next} "))?;
        Some((i, from, to))
    }) else {
        return Vec::new();
    };
    lines[at + 1..]
        .iter()
        .filter(|l| l.first() == Some(&'│') && l.len() > to)
        .map(|l| l[from..to].iter().collect::<String>().trim().to_string())
        .filter(|c| !c.is_empty())
        .collect()
}

/// The first page of the Tenants tab, as loaded before any filter.
fn first_page_title() -> String {
    format!("Tenants ({PAGE_SIZE} of {TENANTS})")
}

#[test]
fn the_tenants_filter_finds_a_tenant_the_table_has_not_loaded_through_the_server() {
    if skip_without_tmux() {
        return;
    }
    let c = channel();
    let dir = tempfile::tempdir().unwrap();
    let (_server, t) = channel_console(dir.path());
    t.keys(&["2"]);
    let before = t.wait_for(&first_page_title());
    assert!(
        c.before_far >= PAGE_SIZE as usize,
        "{} sorts after the first page",
        c.far
    );
    assert!(!before.contains(&c.far), "not loaded:\n{before}");
    t.keys(&["/", &c.far]);
    let found = t.wait_for(&format!(
        "({n} of {n} matching /{} at the server)",
        c.far,
        n = c.far_matches
    ));
    assert!(
        found
            .lines()
            .any(|l| l.starts_with(&format!("│{} ", c.far)) && l.contains(&c.far_domain)),
        "its row shows:\n{found}"
    );
}

#[test]
fn the_trees_filter_opens_the_ancestors_of_a_tenant_never_loaded_and_enter_stays_there() {
    if skip_without_tmux() {
        return;
    }
    let c = channel();
    let dir = tempfile::tempdir().unwrap();
    let (_server, t) = channel_console(dir.path());
    let before = t.wait_for("Provider · provider");
    assert!(!before.contains(&c.far), "{before}");
    t.keys(&["/", &c.far]);
    let leaf = format!("◦ {} ", c.far);
    let found = t.wait_until(&format!("{leaf:?} in the tree"), |s| s.contains(&leaf));
    // The tree shows the dealers above the match, opened, from the provider down, then the
    // tenants under the last of them that match (the loaded ones by fuzzy match, and this one).
    let rows: Vec<String> = found
        .lines()
        .skip(3)
        .filter_map(|l| l.strip_prefix('│'))
        .map(|l| l.split('│').next().unwrap_or(""))
        .map(|l| l.trim().rsplit_once("  ").map_or(l, |(name, _)| name))
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty())
        .collect();
    let opened: Vec<String> = c.ancestors.iter().map(|a| format!("▾ {a}")).collect();
    assert!(rows.starts_with(&opened), "{rows:?}\n{found}");
    assert!(
        rows[opened.len()..].iter().all(|r| r.starts_with("◦ ")),
        "only matching tenants below: {rows:?}"
    );
    // The server's match is selected (the keys go to the filter while it is typed, so nothing
    // else could take the selection there): its details show beside the tree.
    let details = format!("┌ {} · tenant ", c.far);
    t.wait_for(&details);
    // Enter: the filter goes and the tree stays opened at the match (a leaf shows only under
    // opened dealers), still selected.
    t.keys(&["Enter"]);
    let kept = t.wait_for("┌ Dealers (/ filter) ─");
    assert!(
        kept.contains(&details) && kept.contains(&leaf),
        "opened at the match:\n{kept}"
    );
}

#[test]
fn goto_from_the_tenants_tab_picks_a_tenant_never_loaded_and_opens_the_tree_at_it() {
    if skip_without_tmux() {
        return;
    }
    let c = channel();
    let dir = tempfile::tempdir().unwrap();
    let (_server, t) = channel_console(dir.path());
    t.keys(&["2"]);
    t.wait_for(&first_page_title());
    t.keys(&[":", &format!("goto {}", c.far), "Enter"]);
    let pick = t.wait_for(&format!("{} ({})", c.far, c.far_domain));
    assert!(
        pick.contains(&format!("goto {} · enter opens · esc closes", c.far))
            && pick.contains(&c.ancestors.join(" › ")),
        "a pick list, with the dealers above the match:\n{pick}"
    );
    t.keys(&["Enter"]);
    let opened = t.wait_for(&format!("{} · tenant", c.far));
    assert!(
        opened.contains("┌ Dealers (/ filter) ─") && opened.contains(&format!("◦ {} ", c.far)),
        "the tree, opened at it:\n{opened}"
    );
}

#[test]
fn the_audit_tab_filtered_by_actor_shows_only_that_logins_events() {
    if skip_without_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let server = serve_channel(dir.path());
    // A second login with events of its own: invited by the administrator, it sets its password
    // from the mailed link and signs in.
    let second = "second@channel.example";
    block_on(async {
        let anon = ApiClient::new(&server.url).unwrap();
        let admin = anon.with_token(anon.login(ADMIN, PASSWORD).await.unwrap().token);
        let me = admin.me().await.unwrap();
        admin
            .create_user(&NewUser {
                dealer_id: me.dealer.id,
                email: second.into(),
                display_name: "Second login".into(),
                group_ids: vec![],
            })
            .await
            .unwrap();
        anon.activate(&server.mailed_token(second), "second-password-1234")
            .await
            .unwrap();
        anon.login(second, "second-password-1234").await.unwrap();
    });
    let t = console(
        dir.path(),
        &[Profile {
            name: "main",
            server: &server.url,
            email: ADMIN,
        }],
    );
    t.keys(&["7"]);
    let all = t.wait_until("both logins' events", |s| {
        let actors = column(s, "actor", "action");
        s.contains("┌ Audit (")
            && actors.iter().any(|a| a == ADMIN)
            && actors.iter().any(|a| a == second)
    });
    assert!(column(&all, "actor", "action").len() > 2, "{all}");
    t.keys(&[":", &format!("audit actor={second}"), "Enter"]);
    let title = format!("┌ Audit [actor={second}] (");
    let filtered = t.wait_until("the filtered trail", |s| {
        s.contains(&title) && !column(s, "actor", "action").iter().any(|a| a == ADMIN)
    });
    let actors = column(&filtered, "actor", "action");
    assert!(
        !actors.is_empty() && actors.iter().all(|a| a == second),
        "only the second login's events:\n{filtered}"
    );
}

#[test]
fn profile_lists_the_profiles_and_switches_to_the_other_server() {
    if skip_without_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let main = serve_channel(dir.path());
    // The other profile's server: another store, with an administrator of its own.
    let other_email = "admin@backup.example";
    let other_password = "backup-password-1234";
    let other = Served::start(
        dir.path(),
        &dir.path().join("backup.db"),
        other_email,
        other_password,
        &[],
    );
    let t = console(
        dir.path(),
        &[
            Profile {
                name: "main",
                server: &main.url,
                email: ADMIN,
            },
            Profile {
                name: "backup",
                server: &other.url,
                email: other_email,
            },
        ],
    );
    t.keys(&[":", "profile", "Enter"]);
    t.wait_for(&format!(
        "profiles: backup {}, main {} (in use); :profile NAME switches",
        other.url, main.url
    ));
    t.keys(&[":", "profile backup", "Enter"]);
    let signin = t.wait_for("profile   backup");
    assert!(
        signin.contains(&format!("server    {}", other.url))
            && signin.contains(&format!(" backup · {} ", other.url)),
        "{signin}"
    );
    t.keys(&[other_password, "Enter"]);
    t.wait_for(&format!(
        " backup · {} · {other_email} (Provider)",
        other.url
    ));
    // The other server's data: none of the channel's tenants.
    t.keys(&["2"]);
    t.wait_for("Tenants (0 of 0)");
}

#[test]
fn export_csv_of_a_filtered_table_writes_every_server_match_across_pages() {
    if skip_without_tmux() {
        return;
    }
    let c = channel();
    let n = c.export_matches.len();
    assert!(n > PAGE_SIZE as usize, "the matches span more than a page");
    let dir = tempfile::tempdir().unwrap();
    let (_server, t) = channel_console(dir.path());
    t.keys(&["2"]);
    t.wait_for(&first_page_title());
    t.keys(&["/", EXPORT_FILTER]);
    t.wait_for(&format!(
        "({PAGE_SIZE} of {n} matching /{EXPORT_FILTER} at the server)"
    ));
    t.keys(&["Enter"]);
    let path = dir.path().join("tenants.csv");
    t.keys(&[":", &format!("export csv {}", path.display()), "Enter"]);
    t.wait_for(&format!("exported {n} row(s) to {}", path.display()));
    let mut csv = csv::Reader::from_path(&path).unwrap();
    assert_eq!(csv.headers().unwrap().get(0), Some("name"));
    let mut names: Vec<String> = csv
        .records()
        .map(|r| r.unwrap().get(0).unwrap().to_string())
        .collect();
    names.sort();
    let mut expected = c.export_matches.clone();
    expected.sort();
    assert_eq!(names, expected);
}

#[test]
fn a_document_covers_a_resellers_subtree_and_refuses_the_whole_channel_in_words() {
    // No terminal needed: the verbs run as a script runs them.
    let dir = tempfile::tempdir().unwrap();
    let served = serve_channel(dir.path());
    let token = served.client(ADMIN, PASSWORD).token().unwrap().to_string();
    let run = |args: &[&str]| {
        Command::new(BIN)
            .args(args)
            .env("DEALERCTL_SERVER", &served.url)
            .env("DEALERCTL_TOKEN", &token)
            .env("DEALERCTL_CONFIG", dir.path().join("none.toml"))
            .output()
            .unwrap()
    };
    let whole = run(&["export", "-o", "json"]);
    assert_eq!(whole.status.code(), Some(3), "{whole:?}");
    let err = String::from_utf8_lossy(&whole.stderr);
    assert!(
        err.contains("holds 20000 tenants") && err.contains("further down"),
        "{err}"
    );
    let resellers = run(&["get", "dealers", "-q", "reseller", "-o", "json", "--all"]);
    let resellers: serde_json::Value = serde_json::from_slice(&resellers.stdout).unwrap();
    let one = resellers
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["level"] == "reseller")
        .expect("a reseller");
    let id = one["id"].as_str().unwrap();
    let doc = run(&["export", "--under", id, "-o", "json"]);
    assert!(doc.status.success(), "{doc:?}");
    let doc: serde_json::Value = serde_json::from_slice(&doc.stdout).unwrap();
    assert_eq!(
        doc["tenants"].as_array().unwrap().len() as i64,
        one["tenants_count"].as_i64().unwrap()
    );
}
