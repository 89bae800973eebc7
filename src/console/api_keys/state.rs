//! What the API keys popup holds: the keys as last read, the selection, a secret just made.

use crate::model::ApiKey;

/// The popup's state: the keys as last read, the selection, and a secret just made.
#[derive(Debug, Clone, Default)]
pub struct ApiKeysPopup {
    /// `None` until the list arrives; the error in words when it could not be read.
    pub keys: Option<Result<Vec<ApiKey>, String>>,
    pub selected: usize,
    /// The name and secret of the key just made: shown once, until a key closes it.
    pub secret: Option<(String, String)>,
}

impl ApiKeysPopup {
    pub(crate) fn selected_key(&self) -> Option<&ApiKey> {
        match &self.keys {
            Some(Ok(keys)) => keys.get(self.selected),
            _ => None,
        }
    }
}
