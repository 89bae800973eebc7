//! Asking before harm: a suspend, resume, delete, rate import, login disable or group change
//! that removes permissions first asks the server what it would do (a dry run), then a popup
//! states it in words; only `y` proceeds (and, for a dealer with tenants below it, only the
//! dealer's name typed and Enter).

pub mod keys;
pub mod wording;

use tui_input::Input;

/// The name to type before a write of wide harm proceeds.
#[derive(Debug, Clone, Default)]
pub struct TypedName {
    pub expected: String,
    pub input: Input,
    /// Enter was pressed with another name.
    pub mismatch: bool,
}

impl TypedName {
    pub fn new(expected: impl Into<String>) -> TypedName {
        TypedName {
            expected: expected.into(),
            ..TypedName::default()
        }
    }

    /// Whether what was typed is the name (surrounding spaces aside).
    pub fn matches(&self) -> bool {
        self.input.value().trim() == self.expected
    }
}
