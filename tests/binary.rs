//! The real `dealerctl` binary: HTTPS served directly, plain HTTP refused on a public address,
//! graceful stop on SIGTERM, and no secret in its logs.

use dealerctl::client::ApiClient;
use std::process::{Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_dealerctl");
const ADMIN_PASSWORD: &str = "an admin password for tls";

/// Kills the server if the test fails half-way, so no process outlives the test.
struct Reap(std::process::Child);

impl Drop for Reap {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn plain_http_on_a_public_address_is_refused_in_plain_words() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .args(["serve", "--listen", "0.0.0.0:0", "--database"])
        .arg(format!("sqlite://{}", dir.path().join("d.db").display()))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("refusing to serve plain HTTP")
            && err.contains("allow_plain_http_on_public_address"),
        "{err}"
    );
}

#[test]
fn the_cli_sends_no_password_over_plain_http_to_another_machine() {
    use std::io::Write;
    use std::process::Stdio;
    let run = |extra: &[&str]| {
        // The address is a documentation range; the command must stop before contacting it.
        let mut child = Command::new(BIN)
            .args([
                "activate",
                "some-token",
                "--password-stdin",
                "--server",
                "http://192.0.2.1:9",
            ])
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let _ = child
            .stdin
            .take()
            .unwrap()
            .write_all(b"a long enough password\n");
        child.wait_with_output().unwrap()
    };
    let out = run(&[]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("refusing to send a password over plain HTTP to 192.0.2.1")
            && err.contains("--insecure"),
        "{err}"
    );
    // Refused before any connection is tried: the address is never contacted. (`--insecure`
    // lifts the refusal: `client::transport`'s unit test.)
}

#[tokio::test]
async fn https_is_served_directly_and_sigterm_stops_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let (ca, cert, key) = make_certificates(dir.path());
    let port = free_port();
    let log = dir.path().join("server.log");
    let child = Command::new(BIN)
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--tls-cert",
        ])
        .arg(&cert)
        .arg("--tls-key")
        .arg(&key)
        .arg("--database")
        .arg(format!("sqlite://{}", dir.path().join("d.db").display()))
        .arg("--mail-outbox")
        .arg(dir.path().join("outbox"))
        .env("DEALERCTL_ADMIN_EMAIL", "tls-admin@example.net")
        .env("DEALERCTL_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("DEALERCTL_LOG", "debug,sqlx=warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let mut server = Reap(child);

    let ca = reqwest::Certificate::from_pem(&std::fs::read(&ca).unwrap()).unwrap();
    let http = reqwest::Client::builder()
        .add_root_certificate(ca)
        .build()
        .unwrap();
    let base = format!("https://127.0.0.1:{port}");
    let client = ApiClient::with_http(http.clone(), &base);
    // Wait for the listener: a bounded number of health probes, each a real request.
    let mut last = String::from("no probe answered");
    for _ in 0..200 {
        match http.get(format!("{base}/healthz")).send().await {
            Ok(r) if r.status().is_success() => {
                last.clear();
                break;
            }
            Ok(r) => last = format!("status {}", r.status()),
            Err(e) => last = format!("{e:?}"),
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        last.is_empty(),
        "the server did not come up ({last}): {}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    let login = client
        .login("tls-admin@example.net", ADMIN_PASSWORD)
        .await
        .unwrap();
    let me = client.with_token(login.token.clone()).me().await.unwrap();
    assert_eq!(me.user.email, "tls-admin@example.net");
    assert!(
        reqwest::get(format!("http://127.0.0.1:{port}/healthz"))
            .await
            .map(|r| !r.status().is_success())
            .unwrap_or(true),
        "no plain HTTP beside HTTPS"
    );

    let killed = Command::new("kill")
        .args(["-TERM", &server.0.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    // A bounded wait for the exit: graceful shutdown gives requests in flight 30 s at most.
    let mut status = None;
    for _ in 0..700 {
        status = server.0.try_wait().unwrap();
        if status.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let status = status.expect("the server exits within 35 s of SIGTERM");
    assert!(
        status.success(),
        "a SIGTERM ends the server cleanly: {status:?}"
    );
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains("shutting down") && text.contains("stopped"),
        "{text}"
    );
    assert!(
        text.contains("request_id"),
        "log lines carry the request id"
    );
    assert!(
        !text.contains(ADMIN_PASSWORD),
        "the password never reaches the log"
    );
    assert!(
        !text.contains(&login.token),
        "the token never reaches the log"
    );
}

/// A test CA and a server certificate for 127.0.0.1 signed by it (rustls, rightly, refuses a
/// self-signed CA certificate used as the server's own).
fn make_certificates(
    dir: &std::path::Path,
) -> (std::path::PathBuf, std::path::PathBuf, std::path::PathBuf) {
    let p = |n: &str| dir.join(n);
    let run = |args: &[&str]| {
        let ok = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .stderr(Stdio::null())
            .status()
            .expect("openssl is installed (.ci/run installs it)");
        assert!(ok.success(), "openssl {args:?}");
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    run(&[
        &["req", "-x509"],
        &ec[..],
        &[
            "-days",
            "2",
            "-subj",
            "/CN=dealerctl test CA",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
        ],
    ]
    .concat());
    run(&[
        &["req"],
        &ec[..],
        &[
            "-subj",
            "/CN=localhost",
            "-keyout",
            "key.pem",
            "-out",
            "server.csr",
        ],
    ]
    .concat());
    std::fs::write(
        p("ext.cnf"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n",
    )
    .unwrap();
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
        "-out",
        "cert.pem",
    ]);
    (p("ca.pem"), p("cert.pem"), p("key.pem"))
}

/// `dealerctl ARGS --help`'s text.
fn help_of(args: &[&str]) -> String {
    let out = Command::new(BIN).args(args).arg("--help").output().unwrap();
    assert!(out.status.success(), "{args:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn each_subcommands_help_lists_only_its_own_flags() {
    let console_only = ["--profile", "--server <SERVER>", "--ascii", "--mouse"];
    let top = help_of(&[]);
    for flag in console_only
        .iter()
        .chain(&["--config", "--insecure", "serve", "demo"])
    {
        assert!(top.contains(flag), "dealerctl --help lists {flag}:\n{top}");
    }
    let console = help_of(&["console"]);
    for flag in console_only.iter().chain(&["--config", "--insecure"]) {
        assert!(
            console.contains(flag),
            "console --help lists {flag}:\n{console}"
        );
    }
    for (sub, own, foreign) in [
        (
            &["serve"][..],
            &["--listen", "--database", "--config"][..],
            &[
                "--profile",
                "--ascii",
                "--mouse",
                "--insecure",
                "--server <SERVER>",
            ][..],
        ),
        (
            &["demo"],
            &["--listen", "--email", "--ascii", "--mouse"],
            &["--profile", "--config", "--insecure", "--server <SERVER>"],
        ),
        (
            &["activate"],
            &["--server", "--password-stdin", "--insecure"],
            &["--profile", "--ascii", "--mouse", "--config"],
        ),
        (
            &["migrate-store"],
            &["--from", "--to", "--config"],
            &["--profile", "--ascii", "--mouse", "--insecure"],
        ),
        (
            &["dev", "generate"],
            &["--tenants", "--database", "--config"],
            &["--profile", "--ascii", "--mouse", "--insecure"],
        ),
        (
            &["dev", "recount"],
            &["--fix", "--database", "--config"],
            &["--profile", "--ascii", "--mouse", "--insecure"],
        ),
    ] {
        let help = help_of(sub);
        for flag in own {
            assert!(help.contains(flag), "{sub:?} --help lists {flag}:\n{help}");
        }
        for flag in foreign {
            assert!(!help.contains(flag), "{sub:?} --help lists {flag}:\n{help}");
        }
    }
}

#[test]
fn the_console_takes_its_profile_with_or_without_the_console_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "[profiles.lab]\nserver = \"https://lab.example\"\n",
    )
    .unwrap();
    for args in [&[][..], &["console"][..]] {
        let out = Command::new(BIN)
            .args(args)
            .arg("--config")
            .arg(&config)
            .args(["--profile", "missing"])
            .env("HOME", dir.path())
            .env_remove("DEALERCTL_PROFILE")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("no profile `missing` (known: lab)"),
            "{args:?}: {err}"
        );
    }
    // A console flag is not a flag of another subcommand.
    let out = Command::new(BIN)
        .args(["serve", "--profile", "lab"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unexpected argument '--profile'"));
}

/// What the binary prints on standard output for `args` (it must succeed).
fn output_of(args: &[&str]) -> String {
    let out = Command::new(BIN).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn completions_and_the_manual_come_from_the_command_itself() {
    // Every shell gets a script naming every subcommand and the console's flags.
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let script = output_of(&["completions", shell]);
        // Subcommands, verbs and flags.
        for word in [
            "serve",
            "demo",
            "migrate-store",
            "profile",
            "completions",
            "describe",
            "can-i",
            "apikey",
            "token-file",
        ] {
            assert!(script.contains(word), "{shell} completes {word}");
        }
    }
    // The kinds after a verb (fish's and PowerShell's generators leave positional values out).
    for shell in ["bash", "zsh"] {
        let script = output_of(&["completions", shell]);
        for kind in ["rate-cards", "packages", "api-keys"] {
            assert!(script.contains(kind), "{shell} completes the kind {kind}");
        }
    }
    let refused = Command::new(BIN)
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(
        refused.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );
    // One manual page per command, each with its own flags.
    let man = output_of(&["man"]);
    for title in [
        ".TH dealerctl 1",
        ".TH dealerctl-serve 1",
        ".TH dealerctl-demo 1",
    ] {
        assert!(man.contains(title), "{title}");
    }
    assert!(man.contains("\\-\\-mail\\-outbox") || man.contains("mail-outbox"));
}

#[test]
fn dev_recount_checks_the_usage_counters_of_a_store() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("counted.db").display());
    for extra in [&[][..], &["--fix"][..]] {
        let out = Command::new(BIN)
            .args(["dev", "recount", "--database", &database])
            .args(extra)
            .env("HOME", dir.path())
            .env_remove("DEALERCTL_DATABASE")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{extra:?}: {said} {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(said.contains("equal a full recount"), "{extra:?}: {said}");
    }
}
