//! What every handler shares: the store, the configuration and the mailer.

use std::sync::Arc;

use super::config::ServerConfig;
use super::mail::Mailer;
use super::store::Store;

/// Shared, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub config: Arc<ServerConfig>,
    pub mailer: Mailer,
}
