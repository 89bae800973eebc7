//! The console's whole state and `update`: one message in, state changed, commands out. The
//! features extend `App` from their own folders; this file owns the fields they share.

use crossterm::event::{Event, KeyEventKind};
use std::time::Duration;
use tui_input::Input;

mod form_flow;
pub mod form_popup;
mod keys;
mod navigation;
mod replies;
mod search;

use crate::client::ClientError;
use crate::console::audit::query::AuditQuery;
use crate::console::dealers::ahead::Ahead;
use crate::console::dealers::tree::DealerTree;
use crate::console::describe::state::Description;
use crate::console::lists::{ListState, Row};
use crate::console::msg::*;
use crate::console::packages::rows::PackageRow;
pub use crate::console::profiles::info::ProfileInfo;
use crate::console::rate_cards::state::{Preview, RateCardsView};
use crate::console::session::Session;
use crate::console::signin::SignIn;
use crate::console::tab::Tab;
use crate::console::tenants::mover::Mover;
use crate::console::widgets::form::Form;
use crate::console::write_gate;
use crate::console::writes::{FormData, Purpose, Write};
use crate::model::*;

/// Display options from flags and the environment.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub color: bool,
    pub ascii: bool,
    /// Show the last request's latency (off in snapshot tests, where it varies).
    pub show_latency: bool,
}

/// What takes the keys besides the current view.
#[derive(Debug)]
pub enum Mode {
    Normal,
    Filter(Input),
    Command(Input),
    Help,
}

/// A result or error line in the footer.
#[derive(Debug, Clone, PartialEq)]
pub struct Flash {
    pub id: u64,
    pub text: String,
    pub error: bool,
}

/// How long a success flash stays.
pub const FLASH_TIME: Duration = Duration::from_secs(4);

/// How long an error stays when no key clears it first: long enough to read twice, and then the
/// footer is free again, so an old failure never hides what happens next.
pub const ERROR_TIME: Duration = Duration::from_secs(12);

/// A form on screen, with what it was opened with.
#[derive(Debug)]
pub struct OpenForm {
    pub form: Form,
    pub purpose: Purpose,
    pub data: FormData,
    /// The version of the object when loaded (sent as If-Match).
    pub version: i64,
    /// The live markup preview of a derive or edit rate card form.
    pub preview: Option<Preview>,
}

/// A question before a destructive write: the sentence, and what `y` sends.
#[derive(Debug, Clone)]
pub struct Confirm {
    pub text: String,
    pub write: Write,
    /// The name to type before Enter proceeds (a dealer with tenants below it).
    pub typed: Option<crate::console::confirm::TypedName>,
}

/// The whole console state, owned by the UI task.
pub struct App {
    pub profile: ProfileInfo,
    pub options: Options,
    pub me: Option<Me>,
    /// Some while the sign-in screen is shown.
    pub signin: Option<SignIn>,
    /// True until the stored session has been tried.
    pub starting: bool,
    pub tab: Tab,
    pub mode: Mode,
    pub tree: DealerTree,
    pub tree_gen: u64,
    pub details: Option<(Dealer, Option<Capacity>)>,
    pub details_gen: u64,
    /// The details of the dealers next to the selection, fetched ahead.
    pub ahead: Ahead,
    pub tenants: ListState<Tenant>,
    pub packages: ListState<PackageRow>,
    pub users: ListState<User>,
    pub groups: ListState<Group>,
    pub audit: ListState<AuditEvent>,
    /// The Rate cards tab: cards, and the rates of the selected one.
    pub rate_cards: RateCardsView,
    /// A tenant move in progress (picker, then plan).
    pub mover: Option<Mover>,
    /// Generations of the move picker's requests (they keep counting across movers).
    pub(crate) move_gen: u64,
    pub flash: Option<Flash>,
    pub(crate) flash_seq: u64,
    pub online: bool,
    pub(crate) retry_delay: Duration,
    pub latency: Option<Duration>,
    pub size: (u16, u16),
    pub quit: bool,
    /// Something changed since the last frame.
    pub dirty: bool,
    pub(crate) me_gen: u64,
    /// Where the session token is kept, shown once.
    pub store_label: String,
    pub form: Option<OpenForm>,
    pub confirm: Option<Confirm>,
    /// Ctrl-C asked to quit while a form held unsaved input: quit once it is discarded.
    pub(crate) quit_after_discard: bool,
    /// The session token in use, and the real one while viewing as someone (ctrl-x returns to it).
    pub(crate) token: Option<String>,
    pub(crate) real_token: Option<String>,
    /// A view-as request is on its way (a second one waits for it).
    pub(crate) view_as_pending: bool,
    /// A scope report on screen, beside the caller's own.
    pub scope_report: Option<(ScopeReport, Option<ScopeReport>)>,
    /// An audit event opened with enter.
    pub audit_detail: Option<AuditEvent>,
    /// An object described with `d`, and the generation of the latest request.
    pub description: Option<Description>,
    pub(crate) describe_gen: u64,
    /// `:describe KIND NAME`: the kind and name being looked up before the description.
    pub(crate) describe_by_name: Option<(ObjectKind, String)>,
    /// The Audit tab's server-side filter, and the id of the follow timer that counts.
    pub audit_query: AuditQuery,
    /// The Packages tab's order at the server (`:sort`), by name when none.
    pub packages_order: Option<(DealerSort, bool)>,
    pub(crate) follow_gen: u64,
    /// The id of the latest pause in typing a filter (only the latest asks the server).
    pub(crate) filter_gen: u64,
    /// The `:goto` pick list, what it is opening, and the generation of the latest search.
    pub goto: Option<crate::console::goto::state::GotoPick>,
    pub goto_target: Option<crate::console::goto::state::Target>,
    pub(crate) search_gen: u64,
    /// An export running, how far it got; and the id of the latest.
    pub exporting: Option<crate::console::export::state::Progress>,
    pub(crate) export_gen: u64,
    /// The profiles `:profile` can switch to: name, server, production.
    pub profiles: Vec<(String, String, bool)>,
    /// The API keys popup (K on the Users tab).
    pub api_keys: Option<crate::console::api_keys::state::ApiKeysPopup>,
    /// Text for the terminal's clipboard, written (OSC 52) after the next frame.
    pub clipboard: Option<String>,
}

impl App {
    pub fn new(profile: ProfileInfo, options: Options, store_label: String) -> App {
        App {
            profile,
            options,
            me: None,
            signin: None,
            starting: true,
            tab: Tab::Dealers,
            mode: Mode::Normal,
            tree: DealerTree::default(),
            tree_gen: 0,
            details: None,
            details_gen: 0,
            ahead: Ahead::default(),
            tenants: ListState::default(),
            packages: ListState::default(),
            users: ListState::default(),
            groups: ListState::default(),
            audit: newest_first(),
            rate_cards: RateCardsView::default(),
            mover: None,
            move_gen: 0,
            flash: None,
            flash_seq: 0,
            online: true,
            retry_delay: Duration::from_secs(1),
            latency: None,
            size: (80, 24),
            quit: false,
            dirty: true,
            me_gen: 0,
            store_label,
            form: None,
            confirm: None,
            quit_after_discard: false,
            token: None,
            real_token: None,
            view_as_pending: false,
            scope_report: None,
            audit_detail: None,
            description: None,
            describe_gen: 0,
            describe_by_name: None,
            api_keys: None,
            clipboard: None,
            profiles: Vec::new(),
            exporting: None,
            goto: None,
            goto_target: None,
            search_gen: 0,
            export_gen: 0,
            audit_query: AuditQuery::default(),
            packages_order: None,
            follow_gen: 0,
            filter_gen: 0,
        }
    }

    /// The first commands: try a stored session (or the token handed in, as the demo does).
    pub fn start(&mut self, token: Option<String>) -> Vec<Command> {
        self.token = token.clone();
        match (token, self.profile.email.clone()) {
            (Some(t), email) => vec![
                Command::UseToken {
                    email: email.unwrap_or_default(),
                    token: Some(t),
                    persist: false,
                },
                self.load_me(),
            ],
            (None, Some(email)) => vec![Command::LoadStoredToken { email }],
            (None, None) => {
                self.show_signin(None);
                vec![]
            }
        }
    }

    pub(crate) fn load_me(&mut self) -> Command {
        self.me_gen += 1;
        Command::LoadMe {
            generation: self.me_gen,
        }
    }

    pub(crate) fn show_signin(&mut self, error: Option<String>) {
        self.starting = false;
        self.me = None;
        let mut form = SignIn::default();
        if let Some(e) = &self.profile.email {
            form.email = Input::new(e.clone());
            form.focus = 1;
        }
        form.error = error;
        self.signin = Some(form);
    }

    /// The user viewed as, when viewing as someone.
    pub fn viewing_as(&self) -> Option<&Impersonation> {
        self.me.as_ref().and_then(|m| m.impersonation.as_ref())
    }

    /// The session, as the state says now.
    pub fn session(&self) -> Session<'_> {
        let me = self.me.as_ref();
        let real = me
            .and_then(|m| m.impersonation.as_ref())
            .map(|i| &i.real_user);
        if self.real_token.is_some() || real.is_some() {
            return Session::ViewingAs {
                me,
                real,
                online: self.online,
            };
        }
        match me {
            Some(me) => Session::SignedIn {
                me,
                online: self.online,
            },
            None => Session::SignedOut,
        }
    }

    /// Why the console may not write now, in words; `None` when it may.
    /// The permission `action` needs on this tab and selection that the login does not hold.
    pub fn lacks(&self, action: crate::console::keymap::Action) -> Option<Permission> {
        use crate::console::allowed::{Selected, needed};
        let selected = match self.tree.selected_row() {
            Some(r) if self.tab == Tab::Dealers && r.kind == NodeKind::Tenant => Selected::Tenant,
            _ => Selected::Dealer,
        };
        let p = needed(self.tab, action, selected)?;
        let held = self.me.as_ref().is_some_and(|m| m.permissions.contains(&p));
        (!held).then_some(p)
    }

    pub fn read_only_reason(&self) -> Option<String> {
        write_gate::read_only_reason(self.session())
    }

    /// The only way to send a write: through the gate, or refused with the reason in the footer.
    pub(crate) fn send_write(&mut self, w: Write) -> Vec<Command> {
        match write_gate::approve(self.session(), w) {
            Ok(approved) => vec![Command::Write(Box::new(approved))],
            Err(reason) => self.flash(reason, true),
        }
    }

    /// Sets the footer's flash (the newest wins); successes fade after a few seconds, errors at
    /// the next key or after a while.
    pub fn flash(&mut self, text: impl Into<String>, error: bool) -> Vec<Command> {
        self.flash_seq += 1;
        self.flash = Some(Flash {
            id: self.flash_seq,
            text: text.into(),
            error,
        });
        vec![Command::ExpireFlash {
            id: self.flash_seq,
            after: if error { ERROR_TIME } else { FLASH_TIME },
        }]
    }

    /// Handles one message.
    pub fn update(&mut self, msg: Msg) -> Vec<Command> {
        self.dirty = true;
        match msg {
            Msg::Input(Event::Key(k)) if k.kind != KeyEventKind::Release => self.on_key(k),
            Msg::Input(Event::Mouse(m))
                if self.me.is_some() && matches!(self.mode, Mode::Normal) =>
            {
                match m.kind {
                    crossterm::event::MouseEventKind::ScrollDown => self.move_by(3),
                    crossterm::event::MouseEventKind::ScrollUp => self.move_by(-3),
                    _ => {
                        self.dirty = false;
                        vec![]
                    }
                }
            }
            Msg::Input(Event::Resize(w, h)) => {
                self.size = (w, h);
                vec![]
            }
            Msg::Input(_) => {
                self.dirty = false;
                vec![]
            }
            Msg::Reply(r) => self.on_reply(*r),
            Msg::FlashExpired(id) => {
                if self.flash.as_ref().is_some_and(|f| f.id == id) {
                    self.flash = None;
                } else {
                    self.dirty = false;
                }
                vec![]
            }
            Msg::Retry => vec![self.load_me()],
            Msg::FollowTick(id) => self.on_follow_tick(id),
            Msg::FilterSettled(id) => self.on_filter_settled(id),
            Msg::ExportProgress(p) => self.on_export_progress(p),
            Msg::Quit => {
                self.quit = true;
                self.dirty = false;
                vec![]
            }
        }
    }
}

/// The audit list: newest first.
pub(crate) fn newest_first() -> ListState<AuditEvent> {
    ListState {
        sort_desc: true,
        ..ListState::default()
    }
}

/// Applies a page answer to a list, or hands back the error.
pub(crate) fn accept<T: Row>(
    list: &mut ListState<T>,
    append: bool,
    result: Result<Page<T>, ClientError>,
) -> Result<(), ClientError> {
    match result {
        Ok(p) => {
            list.accept(p.items, p.total, p.next_cursor, append);
            Ok(())
        }
        Err(e) => {
            if e.status() == Some(403) {
                list.unavailable = Some(describe(&e));
                list.loading = false;
                list.loaded = true;
                return Ok(());
            }
            list.fail(describe(&e));
            Err(e)
        }
    }
}

/// An error in words: the server's sentence, or what went wrong on the way.
pub fn describe(e: &ClientError) -> String {
    e.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app() -> App {
        let profile = ProfileInfo {
            name: "test".into(),
            server: "http://127.0.0.1:1".into(),
            production: false,
            email: None,
        };
        let options = Options {
            color: false,
            ascii: false,
            show_latency: false,
        };
        App::new(profile, options, "memory only".into())
    }

    #[test]
    fn the_newest_message_wins_and_errors_fade_too() {
        let mut a = app();
        let first = a.flash("loading the dealer tree: no such object", true);
        assert!(
            matches!(first.as_slice(), [Command::ExpireFlash { after, .. }] if *after == ERROR_TIME),
            "{first:?}"
        );
        let Some(Flash { id: old, .. }) = a.flash.clone() else {
            panic!("a flash")
        };
        a.flash("deleted Zeta Reseller", false);
        // The old error's timer finds a newer message: it stays.
        a.update(Msg::FlashExpired(old));
        assert_eq!(a.flash.as_ref().unwrap().text, "deleted Zeta Reseller");
        a.flash("saving: refused", true);
        let id = a.flash.as_ref().unwrap().id;
        a.update(Msg::FlashExpired(id));
        assert!(a.flash.is_none(), "an error fades when its time is up");
    }
}
