//! The sign-in screen: e-mail and password, and what the server said about the last try.

pub mod draw;
mod keys;

use tui_input::Input;

/// The sign-in form.
#[derive(Debug, Default)]
pub struct SignIn {
    pub email: Input,
    pub password: Input,
    /// 0: email, 1: password.
    pub focus: usize,
    pub busy: bool,
    pub error: Option<String>,
}
