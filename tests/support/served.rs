//! A real `dealerctl serve` as a child process for the end-to-end tests: on a free loopback port,
//! up when its health check answers, killed when the test ends however it ends.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use dealerctl::client::ApiClient;

const BIN: &str = env!("CARGO_BIN_EXE_dealerctl");

/// Runs `f` to its end on a runtime of its own (the tests themselves are synchronous).
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// The server process, its address and where its mail goes.
pub struct Served {
    child: Child,
    pub url: String,
    pub outbox: PathBuf,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Served {
    /// Serves `db` with `extra` flags (an empty store gets its provider and the administrator
    /// `email`); its log and outbox go beside it in `dir`.
    pub fn start(dir: &Path, db: &Path, email: &str, password: &str, extra: &[&str]) -> Served {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let name = db.file_stem().unwrap().to_string_lossy().into_owned();
        let log = dir.join(format!("{name}.log"));
        let outbox = dir.join(format!("{name}-outbox"));
        let child = Command::new(BIN)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .args(extra)
            .arg("--database")
            .arg(format!("sqlite://{}", db.display()))
            .arg("--mail-outbox")
            .arg(&outbox)
            .env("DEALERCTL_ADMIN_EMAIL", email)
            .env("DEALERCTL_ADMIN_PASSWORD", password)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let mut served = Served {
            child,
            url: format!("http://127.0.0.1:{port}"),
            outbox,
        };
        // A bounded number of health probes; a server that exited (its port taken) says why.
        let up = block_on(async {
            let client = ApiClient::new(&served.url).unwrap();
            for _ in 0..200 {
                if served.child.try_wait().unwrap().is_some() {
                    return false;
                }
                if client.healthy().await {
                    return true;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            false
        });
        assert!(
            up,
            "the server did not come up: {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        served
    }

    /// A client signed in as `email`.
    #[allow(dead_code)]
    pub fn client(&self, email: &str, password: &str) -> ApiClient {
        block_on(async {
            let anon = ApiClient::new(&self.url).unwrap();
            anon.with_token(anon.login(email, password).await.unwrap().token)
        })
    }

    /// The token of the newest link mailed to `email`.
    #[allow(dead_code)]
    pub fn mailed_token(&self, email: &str) -> String {
        let mut mails: Vec<PathBuf> = std::fs::read_dir(&self.outbox)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        mails.sort();
        let text = mails
            .iter()
            .rev()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .find(|t| t.contains(&format!("To: {email}")))
            .unwrap_or_else(|| panic!("no mail to {email}"));
        let start = text.find("token=").expect("the mail has a link") + "token=".len();
        text[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect()
    }
}
