//! Whose eyes the console looks through, and so whether it may write: one type for every
//! question of the kind (the write gate, the banner, the header's connection state).

use crate::model::{Me, User};

/// The console's session.
#[derive(Debug, Clone, Copy)]
pub enum Session<'a> {
    /// No session: the sign-in screen, or before the first `/me` answer.
    SignedOut,
    /// Signed in as oneself.
    SignedIn { me: &'a Me, online: bool },
    /// Viewing as someone, read-only. While a view is being set up the tokens are swapped
    /// before its `/me` answers, so who is viewed (and by whom) may not be known yet.
    ViewingAs {
        me: Option<&'a Me>,
        real: Option<&'a User>,
        online: bool,
    },
}

impl Session<'_> {
    /// Whether writes are refused: only a view is read-only (a session that is offline keeps
    /// what was typed and sends it when the server is back).
    pub fn read_only(&self) -> bool {
        matches!(self, Session::ViewingAs { .. } | Session::SignedOut)
    }

    /// Whether the server answered the last request.
    pub fn online(&self) -> bool {
        match self {
            Session::SignedOut => false,
            Session::SignedIn { online, .. } | Session::ViewingAs { online, .. } => *online,
        }
    }
}
