//! Paths as an operator types them: `~/x` is the home folder's `x`.

use std::path::PathBuf;

/// `path` with a leading `~/` made the home folder.
pub fn expand(path: &str) -> PathBuf {
    match path.strip_prefix("~/") {
        Some(rest) => std::env::var_os("HOME")
            .map(|h| PathBuf::from(h).join(rest))
            .unwrap_or_else(|| path.into()),
        None => path.into(),
    }
}
