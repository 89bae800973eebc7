//! The profile in use, as the header shows it.

/// The profile being used, as the header shows it.
#[derive(Debug, Clone, Default)]
pub struct ProfileInfo {
    pub name: String,
    pub server: String,
    pub production: bool,
    pub email: Option<String>,
}
