//! What flows through the console: messages in (input, API answers, timers) and commands out
//! (requests to start). `update` turns one into the other; nothing else changes state.

use crossterm::event::Event;
use std::time::Duration;

use super::audit::query::AuditQuery;
pub use super::tab::ListKind;
use super::writes::{FormData, Purpose, Write};
use crate::client::ClientError;
use crate::model::*;

/// What a page request asks the server to narrow a list by.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListQuery {
    /// A search at the server (a table's filter, when the table is not all loaded).
    pub q: Option<String>,
    /// The Audit tab's filter (other lists ignore it).
    pub audit: AuditQuery,
    /// The Packages tab's order and direction (other lists ignore it).
    pub packages_order: Option<(DealerSort, bool)>,
}

/// Everything the UI task reacts to.
#[derive(Debug)]
pub enum Msg {
    Input(Event),
    /// Boxed: answers are large, input events small, and the channel carries both.
    Reply(Box<Reply>),
    /// A flash message's time is up (the id of the flash).
    FlashExpired(u64),
    /// Time to try the server again after a lost connection.
    Retry,
    /// Time to ask a followed audit trail again (the id of the follow that asked).
    FollowTick(u64),
    /// Typing in a filter paused (the id of the pause).
    FilterSettled(u64),
    /// An export got another page.
    ExportProgress(crate::console::export::state::Progress),
    /// Stop (a signal arrived).
    Quit,
}

/// An API answer, tagged with the generation of the request so stale answers can be dropped.
#[derive(Debug)]
pub struct Reply {
    pub generation: u64,
    pub latency: Duration,
    pub body: ReplyBody,
}

// The whole reply travels boxed (`Msg::Reply(Box<Reply>)`), so variant sizes cost nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum ReplyBody {
    SignedIn(Box<Result<LoginResponse, ClientError>>),
    Me(Box<Result<Me, ClientError>>),
    Tree {
        under: Option<String>,
        result: Result<TreeNode, ClientError>,
    },
    Details(Result<(Dealer, Option<Capacity>), ClientError>),
    /// A dealer's details fetched ahead of the selection.
    DetailsAhead(Result<(Dealer, Option<Capacity>), ClientError>),
    Tenants {
        append: bool,
        result: Result<Page<Tenant>, ClientError>,
    },
    Packages {
        append: bool,
        result: Result<Page<(Dealer, Option<Capacity>)>, ClientError>,
    },
    Users {
        append: bool,
        result: Result<Page<User>, ClientError>,
    },
    Groups {
        append: bool,
        result: Result<Page<Group>, ClientError>,
    },
    Audit {
        append: bool,
        result: Result<Page<AuditEvent>, ClientError>,
    },
    RateCards {
        append: bool,
        result: Result<Page<RateCard>, ClientError>,
    },
    /// A page of a card's rates (under a prefix).
    Rates {
        append: bool,
        result: Result<Page<RateRow>, ClientError>,
    },
    /// What a markup typed into a form would do.
    Preview(Result<MarkupPreview, ClientError>),
    /// A level of the dealer tree of the move picker.
    PickerTree {
        under: Option<String>,
        result: Result<TreeNode, ClientError>,
    },
    /// The cards a move destination may bill with.
    MoveCards(Result<Vec<RateCard>, ClientError>),
    /// A dry-run plan of a tenant move.
    MovePlan(Result<MovePlan, ClientError>),
    /// What a form needs, fetched (again, with `reapply`, after a version conflict).
    Prepared {
        purpose: Purpose,
        reapply: bool,
        result: Result<FormData, ClientError>,
    },
    /// A view-as session started (its token), for the user with this e-mail.
    ViewAs {
        email: String,
        result: Result<String, ClientError>,
    },
    /// An object described: every field and its history.
    Described(Result<crate::console::describe::state::Description, ClientError>),
    /// The server's matches for a search (`:goto`, the tree's `/`).
    Searched {
        purpose: crate::console::goto::state::SearchFor,
        result: Result<SearchResults, ClientError>,
    },
    /// An export finished: how many rows went to the file, or why none did.
    Exported {
        path: String,
        result: Result<usize, String>,
    },
    /// The runner switched to another profile (or says why it could not).
    ProfileSwitched(Result<crate::console::profiles::info::ProfileInfo, String>),
    /// A scope report and the caller's own, for comparison.
    ScopeReport(Result<(ScopeReport, Option<ScopeReport>), ClientError>),
    /// What a write would do (its dry run), or why it would be refused.
    Impact {
        write: Write,
        result: Result<Impact, ClientError>,
    },
    /// A write finished.
    Written {
        write: Write,
        result: Result<(), ClientError>,
    },
    /// The signed-in login's API keys.
    ApiKeys(Result<Vec<ApiKey>, ClientError>),
    /// A new API key was sent: the key and its secret, or why not.
    ApiKeyCreated {
        write: Write,
        result: Result<CreatedApiKey, ClientError>,
    },
    SignedOut,
    /// A stored token was found (or not) at start.
    StoredToken(Option<String>),
}

/// Work for the runner.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Look for a stored session token of this login.
    LoadStoredToken {
        email: String,
    },
    SignIn {
        email: String,
        password: String,
    },
    /// Use (or drop) a session token from now on, and keep it in the credential store.
    UseToken {
        email: String,
        token: Option<String>,
        persist: bool,
    },
    LoadMe {
        generation: u64,
    },
    LoadTree {
        under: Option<String>,
        /// A tenant of `under` to list even beyond its first leaves (a search match).
        show: Option<String>,
        generation: u64,
    },
    LoadDetails {
        id: String,
        generation: u64,
    },
    /// A dealer next to the selection, fetched ahead (`generation` is the cache's epoch).
    LoadDetailsAhead {
        id: String,
        generation: u64,
    },
    LoadPage {
        list: ListKind,
        cursor: Option<String>,
        generation: u64,
        /// What the server narrows the list by.
        query: ListQuery,
    },
    /// A page of a card's rates, under a prefix.
    LoadRates {
        card_id: RateCardId,
        prefix: String,
        cursor: Option<String>,
        generation: u64,
    },
    /// Preview a markup over a parent card.
    PreviewMarkup {
        request: MarkupPreviewRequest,
        generation: u64,
    },
    /// A level of the move picker's dealer tree.
    LoadPickerTree {
        under: Option<String>,
        generation: u64,
    },
    /// The cards usable at a move destination.
    LoadMoveCards {
        dealer_id: String,
        generation: u64,
    },
    /// The dry-run plan of a tenant move.
    PlanMove {
        tenant_id: String,
        request: TenantMove,
        generation: u64,
    },
    /// Fetch what a form needs before it opens.
    Prepare {
        purpose: Purpose,
        reapply: bool,
    },
    /// Send a write that passed the gate (boxed: it carries a whole form's worth).
    Write(Box<super::write_gate::Approved>),
    /// Ask what a write that passed the gate would do, changing nothing (`dry_run`).
    DryRun(Box<super::write_gate::Approved>),
    /// View the system as the user with this e-mail (read-only).
    StartViewAs {
        email: String,
    },
    /// End a view-as session (sign its token out).
    EndViewAs {
        token: String,
    },
    /// Objects of every kind whose name, domain or e-mail contains `q`.
    Search {
        q: String,
        limit: i64,
        purpose: crate::console::goto::state::SearchFor,
        generation: u64,
    },
    /// Write every page of a list to a file.
    Export {
        id: u64,
        list: ListKind,
        query: ListQuery,
        format: crate::console::export::state::Format,
        path: String,
    },
    /// Talk to another profile's server from now on.
    SwitchProfile {
        name: String,
    },
    /// An object and its own audit history, for the describe popup.
    Describe {
        kind: ObjectKind,
        id: String,
        generation: u64,
    },
    /// The scope report of the user with this e-mail, beside the caller's own.
    LoadScopeReport {
        email: String,
    },
    /// The signed-in login's API keys, for their popup.
    LoadApiKeys,
    SignOut,
    /// Send `FlashExpired(id)` after a while.
    ExpireFlash {
        id: u64,
        after: Duration,
    },
    /// Send `Retry` after a while.
    RetryAfter(Duration),
    /// Send `FilterSettled(id)` after a while.
    SettleFilter {
        id: u64,
        after: Duration,
    },
    /// Send `FollowTick(id)` after a while.
    FollowAfter {
        id: u64,
        after: Duration,
    },
}
