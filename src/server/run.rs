//! Starting and stopping the server: open the store, bootstrap, listen (TLS or plain HTTP), and
//! shut down gracefully on SIGTERM or Ctrl-C.

use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use super::app;
use super::bootstrap::{AdminLogin, ensure_provider};
use super::config::ServerConfig;
use super::mail::Mailer;
use super::state::AppState;
use super::store::{SqlStore, Store, redact_url};

/// Opens the store, applies migrations and bootstraps an empty database.
pub async fn open(config: ServerConfig, admin: AdminLogin) -> anyhow::Result<AppState> {
    let store = SqlStore::connect(&config.database, config.policy)
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "cannot open the database {}: {e}",
                redact_url(&config.database)
            )
        })?;
    let mailer = Mailer::from_config(&config)?;
    let store: Arc<dyn Store> = Arc::new(store);
    let was_empty = store.is_empty().await?;
    ensure_provider(store.as_ref(), &config, &mailer, admin).await?;
    if was_empty && config.seed_demo {
        super::demo::seed(store.as_ref()).await?;
        tracing::info!("seeded the demo tree");
    }
    Ok(AppState {
        store,
        config: Arc::new(config),
        mailer,
    })
}

/// A server running in the background (tests and `dealerctl demo`).
pub struct RunningServer {
    pub addr: SocketAddr,
    pub state: AppState,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl RunningServer {
    /// The base URL, like `http://127.0.0.1:40123`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, finishes requests in flight, and waits.
    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        let _ = (&mut self.task).await;
    }
}

/// Starts plain HTTP on `config.listen` (port 0 picks a free one) in the background.
pub async fn spawn(config: ServerConfig, admin: AdminLogin) -> anyhow::Result<RunningServer> {
    let listener = TcpListener::bind(&config.listen).await?;
    let addr = listener.local_addr()?;
    let mut config = config;
    if config.public_url.is_none() {
        config.public_url = Some(format!("http://{addr}"));
    }
    let state = open(config, admin).await?;
    let app = app::build(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let shutdown = async {
            let _ = stopped.await;
        };
        if let Err(e) = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::error!(error = %e, "server stopped with an error");
        }
    });
    Ok(RunningServer {
        addr,
        state,
        stop: Some(stop),
        task,
    })
}

/// `dealerctl serve`: runs until SIGTERM or Ctrl-C.
pub async fn serve(config: ServerConfig) -> anyhow::Result<()> {
    super::memory::keep_large_blocks_returnable();
    let addr = config.check()?;
    let tls = config.tls.clone();
    let state = open(config, AdminLogin::from_env()).await?;
    let app = app::build(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    match tls {
        Some(tls) => {
            let rustls = axum_server::tls_rustls::RustlsConfig::from_pem_file(&tls.cert, &tls.key)
                .await
                .map_err(|e| anyhow::anyhow!("cannot load the TLS certificate or key: {e}"))?;
            let handle = axum_server::Handle::new();
            let h = handle.clone();
            tokio::spawn(async move {
                shutdown_signal().await;
                h.graceful_shutdown(Some(std::time::Duration::from_secs(30)));
            });
            tracing::info!(%addr, "serving HTTPS");
            axum_server::bind_rustls(addr, rustls)
                .handle(handle)
                .serve(app)
                .await?;
        }
        None => {
            let listener = TcpListener::bind(addr).await?;
            tracing::info!(%addr, "serving HTTP");
            axum::serve(listener, app)
                .with_graceful_shutdown(shutdown_signal())
                .await?;
        }
    }
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
