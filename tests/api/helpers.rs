//! A real server on 127.0.0.1:0 with a fresh SQLite database, and the project's own client.

use dealerctl::client::{ApiClient, ClientError};
use dealerctl::model::*;
use dealerctl::server::bootstrap::AdminLogin;
use dealerctl::server::config::ServerConfig;
use dealerctl::server::run::{RunningServer, spawn};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

pub const ADMIN_EMAIL: &str = "root@provider.example";
pub const PASSWORD: &str = "correct horse battery";

pub struct TestApp {
    pub server: RunningServer,
    /// Signed in as the provider's first administrator (Dealer administrator group).
    pub admin: ApiClient,
    pub provider_id: String,
    pub outbox: PathBuf,
    /// The configuration the server started with (its database URL included).
    pub config: ServerConfig,
    _dir: tempfile::TempDir,
    counter: AtomicUsize,
}

impl TestApp {
    pub async fn start() -> TestApp {
        TestApp::start_with(|_| {}).await
    }

    pub async fn start_with(adjust: impl FnOnce(&mut ServerConfig)) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = ServerConfig {
            listen: "127.0.0.1:0".into(),
            database: crate::backend::fresh_database(dir.path()).await,
            mail_outbox: dir.path().join("outbox"),
            provider_name: "Test Provider".into(),
            ..ServerConfig::default()
        };
        adjust(&mut config);
        let outbox = config.mail_outbox.clone();
        let admin = AdminLogin {
            email: ADMIN_EMAIL.into(),
            password: Some(PASSWORD.into()),
        };
        let server = spawn(config.clone(), admin).await.expect("server starts");
        let anon = ApiClient::new(&server.url()).unwrap();
        let login = anon
            .login(ADMIN_EMAIL, PASSWORD)
            .await
            .expect("admin signs in");
        let admin = anon.with_token(login.token);
        let provider_id = login.user.dealer_id.clone();
        TestApp {
            server,
            admin,
            provider_id: provider_id.to_string(),
            outbox,
            config,
            _dir: dir,
            counter: AtomicUsize::new(0),
        }
    }

    /// Another server instance over the same database, as behind a load balancer.
    pub async fn second_instance(&self) -> RunningServer {
        let admin = AdminLogin {
            email: ADMIN_EMAIL.into(),
            password: Some(PASSWORD.into()),
        };
        spawn(self.config.clone(), admin)
            .await
            .expect("a second instance starts")
    }

    /// Asserts that every dealer's usage counters equal a full recount of its tenants.
    pub async fn assert_counters_exact(&self) {
        let store =
            dealerctl::server::store::SqlStore::connect(&self.config.database, self.config.policy)
                .await
                .expect("the store opens");
        let drift = store.usage_drift().await.expect("the recount runs");
        store.close().await;
        assert!(
            drift.is_empty(),
            "usage counters differ from a recount: {drift:#?}"
        );
    }

    pub fn anon(&self) -> ApiClient {
        ApiClient::new(&self.server.url()).unwrap()
    }

    pub fn unique(&self, prefix: &str) -> String {
        format!("{prefix}{}", self.counter.fetch_add(1, Ordering::SeqCst))
    }

    /// A dealer under `parent` with a generous package.
    pub async fn dealer(&self, parent: &str, level: Level, extensions: i64) -> Dealer {
        self.admin
            .create_dealer(&NewDealer {
                parent_id: parent.into(),
                level,
                name: self.unique("Dealer "),
                package: Some(package(extensions)),
                ..NewDealer::default()
            })
            .await
            .expect("dealer created")
    }

    pub async fn tenant(&self, dealer: &str, extensions: i64) -> Tenant {
        let name = self.unique("tenant");
        self.admin
            .create_tenant(&NewTenant {
                dealer_id: dealer.into(),
                name: name.clone(),
                domain: format!("{name}.pbx.example"),
                extensions,
                ..NewTenant::default()
            })
            .await
            .expect("tenant created")
    }

    /// The newest activation or reset link token mailed to `email`.
    pub fn mailed_token(&self, email: &str) -> String {
        let mut mails: Vec<_> = std::fs::read_dir(&self.outbox)
            .expect("outbox exists")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        mails.sort();
        for path in mails.iter().rev() {
            let text = std::fs::read_to_string(path).unwrap();
            if text.contains(&format!("To: {email}")) {
                let start = text.find("token=").expect("mail has a link") + "token=".len();
                return text[start..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                    .collect();
            }
        }
        panic!("no mail to {email}");
    }

    /// Invites a user into `groups`, activates it from the mailed link, and signs it in.
    pub async fn user(&self, dealer: &str, groups: Vec<String>) -> (User, ApiClient) {
        let email = format!("{}@example.net", self.unique("user"));
        let user = self
            .admin
            .create_user(&NewUser {
                dealer_id: dealer.into(),
                email: email.clone(),
                display_name: "Test".into(),
                group_ids: groups.into_iter().map(Into::into).collect(),
            })
            .await
            .expect("user invited");
        self.anon()
            .activate(&self.mailed_token(&email), PASSWORD)
            .await
            .expect("activated");
        let login = self
            .anon()
            .login(&email, PASSWORD)
            .await
            .expect("user signs in");
        (user, self.anon().with_token(login.token))
    }

    /// A group at `dealer` from a built-in template.
    pub async fn group(&self, dealer: &str, template: &str) -> Group {
        self.admin
            .create_group(&NewGroup {
                dealer_id: dealer.into(),
                name: self.unique("Group "),
                template: Some(template.into()),
                ..NewGroup::default()
            })
            .await
            .expect("group created")
    }

    /// A signed-in dealer administrator of `dealer`.
    pub async fn dealer_admin(&self, dealer: &str) -> (User, ApiClient) {
        let g = self.group(dealer, "dealer_admin").await;
        self.user(dealer, vec![g.id.to_string()]).await
    }
}

pub fn package(n: i64) -> Package {
    Package {
        max_tenants: Some(n),
        extensions: Some(n),
        concurrent_calls: Some(n),
        recording_minutes: Some(n),
        high_availability: false,
        min_extensions_per_tenant: 0,
    }
}

/// Asserts an API error with this status and code, and returns it.
#[track_caller]
pub fn expect_err<T: std::fmt::Debug>(
    r: Result<T, ClientError>,
    status: u16,
    code: &str,
) -> ClientError {
    match r {
        Err(e) => {
            assert_eq!(
                (e.status(), e.code()),
                (Some(status), Some(code)),
                "unexpected error: {e:?}"
            );
            e
        }
        Ok(v) => panic!("expected {status} {code}, got {v:?}"),
    }
}

pub fn page() -> PageParams {
    PageParams::default()
}

/// Every dealer and every tenant the client can see, each list read to its end: what a full
/// recount of the capacity counters starts from.
pub async fn every_dealer_and_tenant(c: &ApiClient) -> (Vec<Dealer>, Vec<Tenant>) {
    use crate::paging::every_page;
    let dealers = every_page(|p| {
        let c = c.clone();
        async move { c.list_dealers(&DealerFilter::default(), &p).await }
    })
    .await
    .unwrap();
    let tenants = every_page(|p| {
        let c = c.clone();
        async move { c.list_tenants(&TenantFilter::default(), &p).await }
    })
    .await
    .unwrap();
    (dealers, tenants)
}
