//! What `dealerctl demo` needs of the process: a throw-away folder that goes with the demo, and
//! the signals that end the demo before its console (which handles them itself) runs.

use std::future::Future;
use std::path::{Path, PathBuf};

use dealerctl::server;

/// A fresh private folder for the demo's database and outbox, removed when dropped.
pub struct TempFolder(PathBuf);

impl TempFolder {
    pub fn create() -> anyhow::Result<TempFolder> {
        let dir =
            std::env::temp_dir().join(format!("dealerctl-demo-{}", uuid::Uuid::now_v7().simple()));
        server::private_files::create_dir(&dir)?;
        Ok(TempFolder(dir))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Resolves at the first SIGTERM or SIGHUP (or Ctrl-C). Registered at once, so from this call
/// on neither signal kills the process outright: the demo always gets to remove its folder.
pub fn stop_signals() -> anyhow::Result<impl Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate())?;
        let mut hup = signal(SignalKind::hangup())?;
        Ok(async move {
            tokio::select! {
                _ = term.recv() => {},
                _ = hup.recv() => {},
                _ = tokio::signal::ctrl_c() => {},
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}
