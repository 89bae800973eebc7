//! The scriptable verbs end to end: the real `dealerctl` binary against a real server (seeded
//! with the demo tree), as a script runs it: output parsed back and compared with the API, exit
//! codes, names resolved, questions asked before harm, the editor, `--as`, login and logout.

#[path = "support/served.rs"]
mod served;

use serde_json::Value;
use std::process::{Command, Stdio};

use dealerctl::client::ApiClient;
use dealerctl::model::*;
use served::{Served, block_on};

const BIN: &str = env!("CARGO_BIN_EXE_dealerctl");
const ROOT: &str = "root@acme.example";
const PASSWORD: &str = "demo-password";
const ADMIN: &str = "admin@acme.example";

/// A seeded server, a signed-in client of it, and a folder of this test's own.
struct World {
    dir: tempfile::TempDir,
    served: Served,
    token: String,
    api: ApiClient,
}

/// What one run of the binary did.
#[derive(Debug)]
struct Run {
    code: i32,
    out: String,
    err: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.out)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\nstderr: {}", self.out, self.err))
    }

    fn ok(self) -> Run {
        assert_eq!(self.code, 0, "{self:?}");
        self
    }
}

impl World {
    fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("cli.db");
        let served = Served::start(dir.path(), &db, ROOT, PASSWORD, &["--seed-demo"]);
        let api = served.client(ADMIN, PASSWORD);
        let token = api.token().unwrap().to_string();
        World {
            dir,
            served,
            token,
            api,
        }
    }

    /// The binary, isolated from the user's own configuration and data.
    fn command(&self) -> Command {
        let mut c = Command::new(BIN);
        c.env("DEALERCTL_CONFIG", self.dir.path().join("config.toml"))
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            .env("DEALERCTL_SERVER", &self.served.url)
            .env_remove("DEALERCTL_PROFILE")
            .env_remove("DEALERCTL_TOKEN")
            .env_remove("VISUAL")
            .env("EDITOR", "false")
            .stdin(Stdio::null());
        c
    }

    /// Runs `args` with `token` (none: no token at all) and `stdin`.
    fn run_with(&self, token: Option<&str>, args: &[&str], stdin: Option<&str>) -> Run {
        let mut c = self.command();
        c.args(args);
        if let Some(t) = token {
            c.env("DEALERCTL_TOKEN", t);
        }
        if stdin.is_some() {
            c.stdin(Stdio::piped());
        }
        c.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = c.spawn().unwrap();
        if let Some(text) = stdin {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(text.as_bytes())
                .unwrap();
        }
        let o = child.wait_with_output().unwrap();
        Run {
            code: o.status.code().unwrap_or(-1),
            out: String::from_utf8(o.stdout).unwrap(),
            err: String::from_utf8(o.stderr).unwrap(),
        }
    }

    /// Runs `args` as the administrator of Acme Telecom.
    fn run(&self, args: &[&str]) -> Run {
        self.run_with(Some(&self.token), args, None)
    }

    fn tenant(&self, domain: &str) -> Option<Tenant> {
        let page = PageParams {
            q: Some(domain.into()),
            ..Default::default()
        };
        block_on(self.api.list_tenants(&TenantFilter::default(), &page))
            .unwrap()
            .items
            .into_iter()
            .find(|t| t.domain == domain)
    }

    fn dealer_id(&self, name: &str) -> String {
        let page = PageParams {
            q: Some(name.into()),
            limit: Some(1000),
            ..Default::default()
        };
        block_on(self.api.list_dealers(&DealerFilter::default(), &page))
            .unwrap()
            .items
            .into_iter()
            .find(|d| d.name == name)
            .unwrap()
            .id
            .to_string()
    }
}

fn ids(v: &Value) -> Vec<String> {
    let mut ids: Vec<String> = v
        .as_array()
        .expect("a list is an array")
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

fn all<T>(page: Page<T>) -> Vec<T> {
    assert!(page.next_cursor.is_none(), "one page holds the demo");
    page.items
}

fn page() -> PageParams {
    PageParams {
        limit: Some(1000),
        ..Default::default()
    }
}

#[test]
fn get_prints_every_kind_as_the_api_has_it() {
    let w = World::new();
    // JSON is the API's own schema: the same objects, field for field.
    let dealers = w
        .run(&["get", "dealers", "--all", "-o", "json"])
        .ok()
        .json();
    let api = all(block_on(w.api.list_dealers(&DealerFilter::default(), &page())).unwrap());
    assert_eq!(dealers, serde_json::to_value(&api).unwrap());
    let tenants = w
        .run(&["get", "tenants", "--all", "-o", "json"])
        .ok()
        .json();
    let api = all(block_on(w.api.list_tenants(&TenantFilter::default(), &page())).unwrap());
    assert_eq!(tenants, serde_json::to_value(&api).unwrap());
    let users = w.run(&["get", "users", "--all", "-o", "json"]).ok().json();
    let api = all(block_on(w.api.list_users(&UserFilter::default(), &page())).unwrap());
    assert_eq!(users, serde_json::to_value(&api).unwrap());
    let groups = w.run(&["get", "group", "--all", "-o", "json"]).ok().json();
    let api = all(block_on(w.api.list_groups(&GroupFilter::default(), &page())).unwrap());
    assert_eq!(groups, serde_json::to_value(&api).unwrap());
    let cards = w.run(&["get", "rc", "--all", "-o", "json"]).ok().json();
    let api = all(block_on(w.api.list_rate_cards(&RateCardFilter::default(), &page())).unwrap());
    assert_eq!(cards, serde_json::to_value(&api).unwrap());
    let rates = w
        .run(&["get", "rates", "Wholesale carrier", "--all", "-o", "json"])
        .ok()
        .json();
    let card = api.iter().find(|c| c.name == "Wholesale carrier").unwrap();
    let api_rates =
        all(block_on(w.api.list_rates(&card.id, &RateFilter::default(), &page())).unwrap());
    assert_eq!(rates, serde_json::to_value(&api_rates).unwrap());
    let packages = w
        .run(&["get", "packages", "--all", "-o", "json"])
        .ok()
        .json();
    assert!(
        packages[0]["capacity"]["extensions"]["package"].is_number()
            || packages[0]["capacity"]["extensions"]["package"].is_null()
    );
    assert_eq!(ids(&packages), ids(&dealers));
    let audit = w
        .run(&["get", "audit", "--limit", "5", "-o", "json"])
        .ok()
        .json();
    assert_eq!(audit.as_array().unwrap().len(), 5);

    // YAML is the same document; name lines are kind/id; CSV has a header and a row each.
    let yaml = w.run(&["get", "tenants", "--all", "-o", "yaml"]).ok();
    let parsed: Value = serde_yaml_ng::from_str(&yaml.out).unwrap();
    assert_eq!(parsed, tenants);
    let names = w.run(&["get", "tenants", "--all", "-o", "name"]).ok();
    let lines: Vec<String> = names.out.lines().map(str::to_string).collect();
    let expected: Vec<String> = tenants
        .as_array()
        .unwrap()
        .iter()
        .map(|t| format!("tenant/{}", t["id"].as_str().unwrap()))
        .collect();
    assert_eq!(lines, expected);
    let csv = w.run(&["get", "tenants", "--all", "-o", "csv"]).ok();
    assert!(csv.out.starts_with("NAME,DOMAIN,DEALER,"));
    assert_eq!(csv.out.lines().count(), expected.len() + 1);

    // A table for people: plain when not on a terminal; a limit says there is more, on stderr.
    let table = w.run(&["get", "tenants", "--limit", "3"]).ok();
    assert_eq!(table.out.lines().count(), 4, "{}", table.out);
    assert!(!table.out.contains('\x1b'));
    assert!(
        table
            .err
            .contains(&format!("showing 3 of {}", expected.len())),
        "{}",
        table.err
    );

    // One object, by name, by domain, by id; --under and -q narrow a list.
    let one = w
        .run(&["get", "tenant", "Coastal Kayaks", "-o", "json"])
        .ok()
        .json();
    let by_domain = w
        .run(&[
            "get",
            "tenant",
            one["domain"].as_str().unwrap(),
            "-o",
            "json",
        ])
        .ok()
        .json();
    let by_id = w
        .run(&["get", "tenant", one["id"].as_str().unwrap(), "-o", "json"])
        .ok()
        .json();
    assert_eq!(one, by_domain);
    assert_eq!(one, by_id);
    let under = w
        .run(&[
            "get",
            "tenants",
            "--under",
            "Coastal Reseller",
            "-o",
            "json",
        ])
        .ok()
        .json();
    assert!(
        under
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["dealer_name"] == "Coastal Reseller")
    );
    assert!(!under.as_array().unwrap().is_empty());
    let q = w.run(&["get", "tenants", "-q", "kayak", "-o", "name"]).ok();
    assert_eq!(
        q.out.trim(),
        format!("tenant/{}", one["id"].as_str().unwrap())
    );
}

#[test]
fn describe_gives_fields_capacity_and_recent_events() {
    let w = World::new();
    let d = w
        .run(&["describe", "dealer", "Coastal Reseller", "-o", "json"])
        .ok()
        .json();
    let id = w.dealer_id("Coastal Reseller");
    let api = block_on(w.api.get_dealer(&id)).unwrap();
    assert_eq!(d["object"], serde_json::to_value(&api).unwrap());
    let cap = block_on(w.api.capacity(&id)).unwrap();
    assert_eq!(d["capacity"], serde_json::to_value(&cap).unwrap());
    let events = d["events"].as_array().unwrap();
    assert!(events.iter().any(|e| e["action"] == "dealer.create"), "{d}");
    let text = w.run(&["describe", "dealer", "Coastal Reseller"]).ok().out;
    assert!(
        text.contains("capacity") && text.contains("recent changes"),
        "{text}"
    );
}

#[test]
fn a_tenant_is_created_edited_suspended_resumed_and_deleted() {
    let w = World::new();
    let created = w
        .run(&[
            "create",
            "tenant",
            "--dealer",
            "Coastal Reseller",
            "--name",
            "Bakery",
            "--domain",
            "bakery.cli.example",
            "--extensions",
            "8",
            "--concurrent-calls",
            "2",
            "-o",
            "json",
        ])
        .ok()
        .json();
    let api = w.tenant("bakery.cli.example").expect("created");
    assert_eq!(created, serde_json::to_value(&api).unwrap());

    // The editor changes one field; only it is sent, at the version read.
    let edited = w
        .command()
        .args(["edit", "tenant", "bakery.cli.example", "-o", "json"])
        .env("DEALERCTL_TOKEN", &w.token)
        .env("EDITOR", "sed -i s/^extensions:.*/extensions:\\ 9/")
        .output()
        .unwrap();
    assert!(edited.status.success(), "{edited:?}");
    let after = w.tenant("bakery.cli.example").unwrap();
    assert_eq!((after.extensions, after.version), (9, api.version + 1));
    assert_eq!(after.concurrent_calls, 2);

    // Someone else changes it while the editor is open: refused (412), nothing overwritten, and
    // the edit is kept for another try.
    let other = w.dir.path().join("other.yaml");
    std::fs::write(&other, "concurrent-calls: 3\n").unwrap();
    let editor = w.dir.path().join("editor.sh");
    std::fs::write(
        &editor,
        format!(
            "#!/bin/sh\n\"{BIN}\" edit tenant bakery.cli.example -f \"{}\" >/dev/null || exit 9\nsed -i 's/^extensions:.*/extensions: 10/' \"$1\"\n",
            other.display()
        ),
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let raced = w
        .command()
        .args(["edit", "tenant", "bakery.cli.example"])
        .env("DEALERCTL_TOKEN", &w.token)
        .env("EDITOR", &editor)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&raced.stderr);
    assert_eq!(raced.status.code(), Some(3), "{err}");
    assert!(err.contains("your edit is kept in"), "{err}");
    let now = w.tenant("bakery.cli.example").unwrap();
    assert_eq!((now.extensions, now.concurrent_calls), (9, 3));

    // Without a terminal to ask on and without --yes, nothing happens (exit 2).
    let no = w.run(&["suspend", "tenant", "bakery.cli.example"]);
    assert_eq!(no.code, 2, "{no:?}");
    assert!(no.err.contains("this stops 1 tenant"), "{}", no.err);
    assert!(w.tenant("bakery.cli.example").unwrap().enabled);
    let s = w
        .run(&[
            "suspend",
            "tenant",
            "bakery.cli.example",
            "--yes",
            "-o",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(s["enabled"], false);
    assert!(!w.tenant("bakery.cli.example").unwrap().enabled);
    w.run(&["resume", "tenant", "bakery.cli.example", "--yes"])
        .ok();
    assert!(w.tenant("bakery.cli.example").unwrap().enabled);
    let gone = w
        .run(&[
            "delete",
            "tenant",
            "bakery.cli.example",
            "--yes",
            "-o",
            "name",
        ])
        .ok();
    assert_eq!(gone.out.trim(), format!("tenant/{}", api.id));
    assert!(w.tenant("bakery.cli.example").is_none());
    assert_eq!(w.run(&["get", "tenant", "bakery.cli.example"]).code, 4);
}

#[test]
fn every_kind_is_created_from_flags_or_a_file_and_refusals_keep_their_codes() {
    let w = World::new();
    let dealer = w
        .run(&[
            "create",
            "dealer",
            "--parent",
            "Northwind Distribution",
            "--level",
            "reseller",
            "--name",
            "Fjord Reseller",
            "--email",
            "ops@fjord.example",
            "--max-tenants",
            "5",
            "--extensions",
            "100",
            "--concurrent-calls",
            "10",
            "-o",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(dealer["package"]["extensions"], 100);
    assert_eq!(dealer["package"]["max_tenants"], 5);
    let group = w.dir.path().join("group.yaml");
    std::fs::write(
        &group,
        "dealer: Fjord Reseller\nname: Fjord support\ndescription: Reads tenants\npermissions: [tenants:read, dealers:read]\n",
    )
    .unwrap();
    let g = w
        .run(&[
            "create",
            "group",
            "-f",
            group.to_str().unwrap(),
            "-o",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(g["permissions"].as_array().unwrap().len(), 2);
    let u = w
        .run(&[
            "create",
            "user",
            "--dealer",
            "Fjord Reseller",
            "--email",
            "desk@fjord.example",
            "--groups",
            "Fjord support",
            "-o",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(u["status"], "invited");
    assert_eq!(u["group_ids"][0], g["id"]);
    let card = w
        .run(&[
            "create",
            "rate-card",
            "--dealer",
            "Northwind Distribution",
            "--name",
            "Fjord retail",
            "--parent",
            "Northwind wholesale",
            "--markup-value",
            "10",
            "-o",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(card["markup"]["type"], "percent");

    // Refused by the server: exit 3, the API's error body on stderr with -o json.
    let over = w.run(&[
        "create",
        "tenant",
        "--dealer",
        "Fjord Reseller",
        "--name",
        "Big",
        "--domain",
        "big.fjord.example",
        "--extensions",
        "400",
        "-o",
        "json",
    ]);
    assert_eq!(over.code, 3, "{over:?}");
    let body: Value = serde_json::from_str(over.err.trim()).expect("the error as JSON");
    assert_eq!(body["error"]["code"], "capacity_exceeded");
    // A typo is a usage error naming the fields there are; nothing is sent.
    let typo = w.run(&["create", "tenant", "--nmae", "X"]);
    assert_eq!(typo.code, 2);
    assert!(typo.err.contains("--name"), "{}", typo.err);
    // Unknown kind: clap's usage error.
    assert_eq!(w.run(&["get", "widgets"]).code, 2);
    // Edit a group's permissions from standard input; delete what was made.
    let patched = w.run_with(
        Some(&w.token),
        &["edit", "group", "Fjord support", "-f", "-", "-o", "json"],
        Some("permissions: [tenants:read]\n"),
    );
    assert_eq!(
        patched.ok().json()["permissions"],
        serde_json::json!(["tenants:read"])
    );
    // A package is edited whole from the fields given; a login and a dealer without tenants
    // suspend and resume; every kind describes.
    let package = w.run_with(
        Some(&w.token),
        &["edit", "package", "Fjord Reseller", "-f", "-", "-o", "json"],
        Some("extensions: 150\n"),
    );
    let package = package.ok().json();
    assert_eq!(package["package"]["extensions"], 150);
    assert_eq!(package["package"]["max_tenants"], 5);
    for (kind, name) in [("user", "desk@fjord.example"), ("dealer", "Fjord Reseller")] {
        let off = w
            .run(&["suspend", kind, name, "--yes", "-o", "json"])
            .ok()
            .json();
        assert_eq!(off["enabled"], false, "{kind}");
        let on = w
            .run(&["resume", kind, name, "--yes", "-o", "json"])
            .ok()
            .json();
        assert_eq!(on["enabled"], true, "{kind}");
    }
    for (kind, name) in [
        ("dealer", "Fjord Reseller"),
        ("package", "Fjord Reseller"),
        ("user", "desk@fjord.example"),
        ("group", "Fjord support"),
        ("rate-card", "Fjord retail"),
    ] {
        let d = w.run(&["describe", kind, name, "-o", "json"]).ok().json();
        assert!(d["object"]["id"].is_string(), "{kind}: {d}");
        assert!(!d["events"].as_array().unwrap().is_empty(), "{kind}: {d}");
    }
    for (kind, name) in [
        ("user", "desk@fjord.example"),
        ("group", "Fjord support"),
        ("rate-card", "Fjord retail"),
        ("dealer", "Fjord Reseller"),
    ] {
        w.run(&["delete", kind, name, "--yes"]).ok();
        assert_eq!(w.run(&["get", kind, name]).code, 4, "{kind} {name}");
    }
}

#[test]
fn an_ambiguous_name_lists_the_candidates_and_ids_settle_it() {
    let w = World::new();
    for (dealer, domain) in [
        ("Coastal Reseller", "shop1.cli.example"),
        ("Summit Reseller", "shop2.cli.example"),
    ] {
        w.run(&[
            "create",
            "tenant",
            "--dealer",
            dealer,
            "--name",
            "Shop",
            "--domain",
            domain,
            "--extensions",
            "5",
            "--concurrent-calls",
            "1",
        ])
        .ok();
    }
    let r = w.run(&["describe", "tenant", "Shop"]);
    assert_eq!(r.code, 2, "{r:?}");
    let (a, b) = (
        w.tenant("shop1.cli.example").unwrap(),
        w.tenant("shop2.cli.example").unwrap(),
    );
    assert!(
        r.err.contains(&format!("tenant/{}", a.id)) && r.err.contains(&format!("tenant/{}", b.id)),
        "{}",
        r.err
    );
    assert!(r.err.contains("(Coastal Reseller)") && r.err.contains("(Summit Reseller)"));
    w.run(&["describe", "tenant", &a.id]).ok();
}

#[test]
fn a_move_shows_its_plan_and_happens_only_with_yes() {
    let w = World::new();
    let before = w.tenant("kayaks.coastal.pbx.example").unwrap();
    // Its card cannot follow it to Summit: the plan says so and the verb is refused.
    let blocked = w.run(&[
        "move",
        "tenant",
        "Coastal Kayaks",
        "--to",
        "Summit Reseller",
    ]);
    assert_eq!(blocked.code, 3, "{blocked:?}");
    assert!(
        blocked.out.contains("blocked: Summit Reseller cannot bill"),
        "{}",
        blocked.out
    );
    let args = [
        "move",
        "tenant",
        "Coastal Kayaks",
        "--to",
        "Harbor Voice",
        "--rate-card",
        "Harbor retail",
    ];
    let plan = w.run(&args).ok();
    assert!(
        plan.out
            .contains("move Coastal Kayaks from Coastal Reseller to Harbor Voice"),
        "{}",
        plan.out
    );
    assert!(
        plan.out
            .contains("rate card: Coastal retail → Harbor retail"),
        "{}",
        plan.out
    );
    assert!(plan.err.contains("nothing was moved"));
    assert_eq!(
        w.tenant("kayaks.coastal.pbx.example").unwrap().dealer_id,
        before.dealer_id
    );
    let moved = w
        .run(&[&args[..], &["--yes", "-o", "json"]].concat())
        .ok()
        .json();
    assert_eq!(moved["executed"], true);
    let after = w.tenant("kayaks.coastal.pbx.example").unwrap();
    assert_eq!(
        (after.dealer_name.as_str(), after.rate_card_name.as_deref()),
        ("Harbor Voice", Some("Harbor retail"))
    );
    let wrong = w.run(&["move", "dealer", "Summit Reseller", "--to", "Harbor Voice"]);
    assert_eq!(wrong.code, 2);
}

#[test]
fn can_i_answers_for_a_login_and_an_object_and_as_reads_through_its_eyes() {
    let w = World::new();
    assert_eq!(w.run(&["can-i", "tenants:suspend"]).ok().out.trim(), "yes");
    let no = w.run(&["can-i", "tenants:suspend", "--as", "auditor@acme.example"]);
    assert_eq!((no.code, no.out.trim()), (3, "no"));
    let staff = "staff@coastal.example";
    let inside = w.run(&[
        "can-i",
        "tenants:read",
        "--on",
        "tenant/kayaks.coastal.pbx.example",
        "--as",
        staff,
    ]);
    assert_eq!((inside.code, inside.out.trim()), (0, "yes"), "{inside:?}");
    let outside = w.run(&[
        "can-i",
        "tenants:read",
        "--on",
        "tenant/cafe.bluebird.pbx.example",
        "--as",
        staff,
    ]);
    assert_eq!(outside.code, 3, "{outside:?}");
    assert!(outside.err.contains("not in"), "{}", outside.err);
    // --as lists what that login sees, through a view-as session on the record.
    let seen = w
        .run(&["get", "tenants", "--all", "--as", staff, "-o", "json"])
        .ok()
        .json();
    assert!(!seen.as_array().unwrap().is_empty());
    assert!(
        seen.as_array()
            .unwrap()
            .iter()
            .all(|t| t["dealer_name"] == "Coastal Reseller")
    );
    let filter = AuditFilter {
        action: Some("view_as.request".into()),
        ..Default::default()
    };
    let events = block_on(w.api.audit(&filter, &page())).unwrap().items;
    assert!(
        events
            .iter()
            .any(|e| e.actor_email.as_deref() == Some(staff)
                && e.impersonator_email.as_deref() == Some(ADMIN))
    );
    assert_eq!(w.run(&["can-i", "nonsense"]).code, 2);
}

#[test]
fn exit_codes_say_what_kind_of_failure() {
    let w = World::new();
    let missing = w.run(&["get", "tenant", "nowhere.example", "-o", "json"]);
    assert_eq!(missing.code, 4);
    let body: Value = serde_json::from_str(missing.err.trim()).unwrap();
    assert_eq!(body["error"]["code"], "not_found");
    // A login with reads only is refused a write by the server: 3.
    let auditor = w.served.client("auditor@acme.example", PASSWORD);
    let refused = w.run_with(
        auditor.token(),
        &["suspend", "tenant", "kayaks.coastal.pbx.example", "--yes"],
        None,
    );
    assert_eq!(refused.code, 3, "{refused:?}");
    assert!(w.tenant("kayaks.coastal.pbx.example").unwrap().enabled);
    // No token anywhere: a usage error that says how to sign in.
    let unsigned = w.run_with(None, &["get", "dealers"], None);
    assert_eq!(unsigned.code, 2);
    assert!(unsigned.err.contains("dealerctl login"), "{}", unsigned.err);
    // A token that is no longer good: the server refuses (401 is a 4xx: 3).
    let stale = w.run_with(Some("not-a-token"), &["get", "dealers"], None);
    assert_eq!(stale.code, 3);
    // No server: an error (1).
    let down = w
        .command()
        .args(["get", "dealers", "--server", "http://127.0.0.1:9"])
        .env("DEALERCTL_TOKEN", &w.token)
        .output()
        .unwrap();
    assert_eq!(down.status.code(), Some(1));
    // A token file wins over the environment.
    let file = w.dir.path().join("token");
    std::fs::write(&file, format!("{}\n", w.token)).unwrap();
    let r = w.run_with(
        Some("not-a-token"),
        &[
            "get",
            "dealers",
            "--token-file",
            file.to_str().unwrap(),
            "-o",
            "name",
        ],
        None,
    );
    assert_eq!(r.code, 0, "{r:?}");
}

#[test]
fn login_keeps_the_session_in_the_keyring_and_logout_ends_it() {
    let w = World::new();
    let config = w.dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[profiles.lab]\nserver = \"{}\"\nemail = \"{ADMIN}\"\n",
            w.served.url
        ),
    )
    .unwrap();
    let login = w.run_with(
        None,
        &["login", "--profile", "lab", "--password-stdin"],
        Some(PASSWORD),
    );
    if login.code != 0 && login.err.contains("no keyring") {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI has a keyring: {login:?}"
        );
        eprintln!("skipped: no keyring here");
        return;
    }
    assert_eq!(login.code, 0, "{login:?}");
    let listed = w.run_with(
        None,
        &["get", "dealers", "--profile", "lab", "-o", "name"],
        None,
    );
    assert_eq!(listed.code, 0, "the kept session is used: {listed:?}");
    // A wrong password is refused and keeps nothing else.
    let wrong = w.run_with(
        None,
        &["login", "--profile", "lab", "--password-stdin"],
        Some("nope"),
    );
    assert_eq!(wrong.code, 3);
    w.run_with(None, &["logout", "--profile", "lab"], None).ok();
    let after = w.run_with(None, &["get", "dealers", "--profile", "lab"], None);
    assert_eq!(after.code, 2, "signed out: {after:?}");
}

/// An onboarding document: a new reseller under the provider, its package, a group, a login
/// and `tenants` tenants.
fn onboarding(max_tenants: i64, tenants: usize) -> String {
    let mut doc = format!(
        "under: Acme Telecom\n\
         dealers:\n\
         - name: Fjord Reseller\n  parent: Acme Telecom\n  level: reseller\n  email: ops@fjord.example\n\
         \x20 package: {{max_tenants: {max_tenants}, extensions: 600, concurrent_calls: 120, recording_minutes: 0}}\n\
         groups:\n\
         - name: Fjord staff\n  dealer: Fjord Reseller\n  permissions: [tenants:read, tenants:update, dealers:read]\n\
         users:\n\
         - email: desk@fjord.example\n  dealer: Fjord Reseller\n  display_name: Fjord desk\n  groups: [Fjord staff]\n\
         tenants:\n"
    );
    for i in 0..tenants {
        doc.push_str(&format!(
            "- {{name: Fjord customer {i}, dealer: Fjord Reseller, domain: c{i}.fjord.example, extensions: 5, concurrent_calls: 1}}\n"
        ));
    }
    doc
}

fn counts(w: &World) -> (i64, i64, i64) {
    let one = PageParams {
        limit: Some(1),
        ..Default::default()
    };
    block_on(async {
        (
            w.api
                .list_tenants(&TenantFilter::default(), &one)
                .await
                .unwrap()
                .total,
            w.api
                .list_dealers(&DealerFilter::default(), &one)
                .await
                .unwrap()
                .total,
            w.api
                .audit(&AuditFilter::default(), &one)
                .await
                .unwrap()
                .total,
        )
    })
}

#[test]
fn an_export_applied_back_changes_nothing_and_a_plan_onboards_a_reseller_in_one_change_set() {
    let w = World::new();
    let exported = w.run(&["export", "--under", "Coastal Reseller"]).ok();
    let doc = w.dir.path().join("coastal.yaml");
    std::fs::write(&doc, &exported.out).unwrap();
    let same = w.run(&["apply", "-f", doc.to_str().unwrap()]).ok();
    assert!(same.err.contains("nothing to change"), "{same:?}");

    let file = w.dir.path().join("fjord.yaml");
    std::fs::write(&file, onboarding(60, 50)).unwrap();
    let before = counts(&w);
    let dry = w
        .run(&["apply", "-f", file.to_str().unwrap(), "--dry-run"])
        .ok();
    assert!(
        dry.out.contains("+ create dealer Fjord Reseller"),
        "{}",
        dry.out
    );
    assert!(
        dry.out.contains("53 to create, 0 to update, 0 to delete"),
        "{}",
        dry.out
    );
    assert!(dry.err.contains("dry run: nothing was changed"));
    assert_eq!(
        counts(&w),
        before,
        "a dry run changes nothing, the audit included"
    );

    // Creates only: applied without a question, in one transaction, as one change set.
    let applied = w
        .run(&["apply", "-f", file.to_str().unwrap(), "-o", "json"])
        .ok()
        .json();
    let change_set = applied["change_set"].as_str().unwrap().to_string();
    let after = counts(&w);
    assert_eq!((after.0, after.1), (before.0 + 50, before.1 + 1));
    let filter = AuditFilter {
        change_set: Some(change_set.clone()),
        ..Default::default()
    };
    let events = block_on(w.api.audit(&filter, &page())).unwrap().items;
    assert!(events.len() >= 53, "{} events", events.len());
    assert!(
        events
            .iter()
            .all(|e| e.change_set.as_deref() == Some(change_set.as_str()))
    );
    let listed = w
        .run(&[
            "get",
            "tenants",
            "--under",
            "Fjord Reseller",
            "--all",
            "-o",
            "name",
        ])
        .ok();
    assert_eq!(listed.out.lines().count(), 50);
    // Applying it again finds nothing to do.
    let again = w.run(&["apply", "-f", file.to_str().unwrap()]).ok();
    assert!(again.err.contains("nothing to change"), "{again:?}");
}

#[test]
fn a_refused_plan_leaves_nothing_behind() {
    let w = World::new();
    let file = w.dir.path().join("fjord.yaml");
    // Fifty tenants where the package allows forty: the capacity of the whole plan is checked.
    std::fs::write(&file, onboarding(40, 50)).unwrap();
    let before = counts(&w);
    let refused = w.run(&["apply", "-f", file.to_str().unwrap(), "--yes"]);
    assert_eq!(refused.code, 3, "{refused:?}");
    assert!(refused.out.contains("! refused:"), "{}", refused.out);
    assert!(refused.err.contains("nothing was changed"));
    assert_eq!(counts(&w), before, "no dealer, no tenant, no event");
    assert_eq!(w.run(&["get", "dealer", "Fjord Reseller"]).code, 4);
    // A document with a field the schema lacks is a usage error naming it.
    std::fs::write(
        &file,
        "under: Acme Telecom\ntenants:\n- {name: X, dealer: Y, domain: x.example, extentions: 5}\n",
    )
    .unwrap();
    let typo = w.run(&["apply", "-f", file.to_str().unwrap()]);
    assert_eq!(typo.code, 2);
    assert!(typo.err.contains("extentions"), "{}", typo.err);
}

#[test]
fn a_plan_that_changes_or_deletes_asks_first_and_prune_deletes_what_is_left_out() {
    let w = World::new();
    let exported = w
        .run(&["export", "--under", "Coastal Reseller", "-o", "json"])
        .ok()
        .json();
    let mut doc = exported.clone();
    let tenants = doc["tenants"].as_array_mut().unwrap();
    let dropped = tenants.pop().unwrap();
    tenants[0]["extensions"] = serde_json::json!(7);
    let domain = tenants[0]["domain"].as_str().unwrap().to_string();
    let file = w.dir.path().join("coastal.json");
    std::fs::write(&file, doc.to_string()).unwrap();
    // An update without a terminal to ask on and without --yes: nothing changes.
    let asked = w.run(&["apply", "-f", file.to_str().unwrap()]);
    assert_eq!(asked.code, 2, "{asked:?}");
    assert!(asked.out.contains("~ update tenant"), "{}", asked.out);
    assert_ne!(w.tenant(&domain).unwrap().extensions, 7);
    let gone = dropped["domain"].as_str().unwrap();
    let pruned = w
        .run(&["apply", "-f", file.to_str().unwrap(), "--prune", "--yes"])
        .ok();
    assert!(
        pruned.out.contains(&format!("- delete tenant {gone}")),
        "{}",
        pruned.out
    );
    assert_eq!(w.tenant(&domain).unwrap().extensions, 7);
    assert!(w.tenant(gone).is_none());
}

#[test]
fn an_api_key_does_what_it_holds_only_until_it_is_revoked() {
    let w = World::new();
    let made = w
        .run(&[
            "apikey",
            "create",
            "nightly",
            "--permissions",
            "dealers:read,tenants:read",
            "--expires-in-days",
            "30",
        ])
        .ok();
    let secret = made.out.trim().to_string();
    assert!(
        secret.starts_with("dk_"),
        "the secret alone on stdout: {made:?}"
    );
    assert!(made.err.contains("shown this once"));
    let file = w.dir.path().join("nightly.key");
    std::fs::write(&file, &made.out).unwrap();
    let key = file.to_str().unwrap();
    // It reads what it holds, through --token-file.
    let tenants = w
        .run_with(
            None,
            &["get", "tenants", "--all", "-o", "json", "--token-file", key],
            None,
        )
        .ok()
        .json();
    assert!(!tenants.as_array().unwrap().is_empty());
    // It is refused what it does not hold, and changes nothing.
    let write = w.run_with(
        None,
        &[
            "suspend",
            "tenant",
            "kayaks.coastal.pbx.example",
            "--yes",
            "--token-file",
            key,
        ],
        None,
    );
    assert_eq!(write.code, 3, "{write:?}");
    assert!(w.tenant("kayaks.coastal.pbx.example").unwrap().enabled);
    assert_eq!(
        w.run_with(None, &["get", "users", "--token-file", key], None)
            .code,
        3
    );
    // A key makes no keys.
    assert_eq!(
        w.run_with(
            None,
            &[
                "apikey",
                "create",
                "more",
                "--permissions",
                "dealers:read",
                "--token-file",
                key
            ],
            None
        )
        .code,
        3
    );
    // Listed with its last use, never its secret.
    let listed = w.run(&["get", "api-keys", "-o", "json"]).ok();
    assert!(!listed.out.contains(&secret));
    assert_eq!(listed.json()[0]["name"], "nightly");
    assert!(
        listed.json()[0]["last_used_at"].is_string(),
        "{}",
        listed.out
    );
    // Revoked: refused at once.
    let no = w.run(&["apikey", "revoke", "nightly"]);
    assert_eq!(no.code, 2, "asks first: {no:?}");
    assert_eq!(
        w.run_with(None, &["get", "dealers", "--token-file", key], None)
            .code,
        0
    );
    w.run(&["apikey", "revoke", "nightly", "--yes"]).ok();
    let after = w.run_with(
        None,
        &["get", "dealers", "--token-file", key, "-o", "json"],
        None,
    );
    assert_eq!(after.code, 3, "{after:?}");
    let body: Value = serde_json::from_str(after.err.trim()).unwrap();
    assert_eq!(body["error"]["code"], "unauthenticated");
    assert_eq!(
        w.run(&["apikey", "list", "-o", "json"]).ok().json(),
        serde_json::json!([])
    );
}

#[test]
fn the_onboarding_example_of_the_readme_plans_and_applies() {
    let w = World::new();
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme.find("```yaml\n# fjord.yaml\n").expect("the example") + "```yaml\n".len();
    let example = &readme[start..start + readme[start..].find("```").unwrap()];
    let file = w.dir.path().join("fjord.yaml");
    std::fs::write(&file, example).unwrap();
    let dry = w
        .run(&["apply", "-f", file.to_str().unwrap(), "--dry-run"])
        .ok();
    assert!(
        dry.out.contains("+ create dealer Fjord Reseller"),
        "{}",
        dry.out
    );
    w.run(&["apply", "-f", file.to_str().unwrap()]).ok();
    let tenants = w
        .run(&["get", "tenants", "--under", "Fjord Reseller", "-o", "name"])
        .ok();
    assert_eq!(tenants.out.lines().count(), 2);
    let events = w
        .run(&["get", "audit", "-q", "fjord", "-o", "json"])
        .ok()
        .json();
    let sets: std::collections::BTreeSet<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["change_set"].as_str())
        .collect();
    assert_eq!(sets.len(), 1, "one change set: {events}");
}
