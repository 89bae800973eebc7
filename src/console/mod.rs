//! The terminal console: one task owns the state; input, API answers and timers arrive as
//! messages on one channel; `update` returns commands for the runner; `draw` is pure and runs only
//! after something changed, inside a synchronized update.

pub mod allowed;
pub mod api_keys;
pub mod app;
pub mod audit;
pub mod columns;
pub mod command;
pub mod confirm;
pub mod dealers;
pub mod describe;
pub mod draw;
pub mod export;
pub mod forms;
pub mod goto;
pub mod groups;
pub mod help;
pub mod home;
pub mod keymap;
pub mod lists;
pub mod msg;
pub mod packages;
pub mod profiles;
pub mod rate_cards;
pub mod refusal;
pub mod runner;
pub mod session;
pub mod signin;
pub mod sort;
pub mod tab;
pub mod tenants;
pub mod theme;
pub mod users;
pub mod view_as;
pub mod widgets;
pub mod write_gate;
pub mod writes;

use crossterm::event::{DisableMouseCapture, EnableMouseCapture, EventStream};
use crossterm::terminal::{
    BeginSynchronizedUpdate, EndSynchronizedUpdate, EnterAlternateScreen, LeaveAlternateScreen,
};
use crossterm::{execute, terminal};
use futures::StreamExt;
use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend};
use std::io::Write;
use std::sync::Arc;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

use self::app::{App, Options, ProfileInfo};
use self::msg::Msg;
use self::runner::Runner;
use crate::config::Profile;
use crate::credentials::CredentialStore;

/// What the console is started with.
pub struct Launch {
    pub profile_name: String,
    pub profile: Profile,
    pub ascii: bool,
    pub mouse: bool,
    pub color: bool,
    /// A session token to start with (the demo signs in for the user).
    pub token: Option<String>,
    pub store: CredentialStore,
    /// The profiles of `config.toml`, for `:profile`; and `--insecure`.
    pub profiles: std::collections::BTreeMap<String, Profile>,
    pub insecure: bool,
    /// A word for the status line at start (the demo says where its mail goes).
    pub notice: Option<String>,
}

/// Restores the terminal: leaves raw mode and the alternate screen, shows the cursor.
pub fn restore_terminal() {
    let _ = terminal::disable_raw_mode();
    let _ = execute!(
        std::io::stdout(),
        LeaveAlternateScreen,
        DisableMouseCapture,
        crossterm::cursor::Show
    );
}

/// Runs the console until the user quits or a signal arrives; the terminal is restored on every
/// way out, a panic included.
pub async fn run(launch: Launch) -> anyhow::Result<()> {
    let client = runner::profile::client_for(&launch.profile)?;
    let store_label = match &launch.store.note {
        Some(note) => format!("{} ({note})", launch.store.kind().label()),
        None => launch.store.kind().label().to_string(),
    };
    let note = launch.store.note.clone();
    let store = Arc::new(launch.store);
    let (tx, rx) = unbounded_channel();

    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        previous(info);
    }));
    terminal::enable_raw_mode()?;
    execute!(std::io::stdout(), EnterAlternateScreen)?;
    if launch.mouse {
        execute!(std::io::stdout(), EnableMouseCapture)?;
    }
    let mut term = Terminal::new(CrosstermBackend::new(std::io::stdout()))?;

    let input_tx = tx.clone();
    tokio::spawn(async move {
        let mut events = EventStream::new();
        while let Some(Ok(event)) = events.next().await {
            if input_tx.send(Msg::Input(event)).is_err() {
                break;
            }
        }
    });
    #[cfg(unix)]
    {
        let signal_tx = tx.clone();
        tokio::spawn(async move {
            use tokio::signal::unix::{SignalKind, signal};
            let (Ok(mut term_sig), Ok(mut hup)) = (
                signal(SignalKind::terminate()),
                signal(SignalKind::hangup()),
            ) else {
                return;
            };
            tokio::select! {
                _ = term_sig.recv() => {},
                _ = hup.recv() => {},
            }
            let _ = signal_tx.send(Msg::Quit);
        });
    }

    let email = launch.profile.email.clone().or_else(|| {
        crate::credentials::last_login(&crate::config::data_dir(), &launch.profile_name)
    });
    let profile = ProfileInfo {
        name: launch.profile_name.clone(),
        server: launch.profile.server.clone(),
        production: launch.profile.production,
        email,
    };
    let options = Options {
        color: launch.color,
        ascii: launch.ascii,
        show_latency: true,
    };
    let mut app = App::new(profile, options, store_label);
    app.profiles = launch
        .profiles
        .iter()
        .map(|(name, p)| (name.clone(), p.server.clone(), p.production))
        .collect();
    let size = term.size()?;
    app.size = (size.width, size.height);
    let mut runner = Runner::new(client, tx, store, launch.profile_name.clone())
        .with_profiles(launch.profiles, launch.insecure);
    if launch.token.is_none() {
        runner = runner.remembering_logins_in(crate::config::data_dir());
    }
    let mut first = app.start(launch.token);
    if let Some(note) = note {
        first.extend(app.flash(note, true));
    } else if let Some(notice) = launch.notice {
        first.extend(app.flash(notice, false));
    }
    let result = event_loop(&mut term, &mut app, rx, &mut runner, first, true).await;
    restore_terminal();
    result.map(|_| ())
}

/// The loop: run commands, wait for a message, drain every pending one, draw once if anything
/// changed. Returns the number of frames drawn (tests count them).
pub async fn event_loop<B: Backend>(
    term: &mut Terminal<B>,
    app: &mut App,
    mut rx: UnboundedReceiver<Msg>,
    runner: &mut Runner,
    first: Vec<msg::Command>,
    synchronized: bool,
) -> anyhow::Result<u64>
where
    B::Error: Send + Sync + 'static,
{
    let mut frames = 0u64;
    for c in first {
        runner.run(c);
    }
    loop {
        if app.dirty {
            if synchronized {
                let _ = execute!(std::io::stdout(), BeginSynchronizedUpdate);
            }
            term.draw(|f| draw::draw(f, app))?;
            if synchronized {
                let _ = execute!(std::io::stdout(), EndSynchronizedUpdate);
                let _ = std::io::stdout().flush();
            }
            app.dirty = false;
            frames += 1;
        }
        if let Some(text) = app.clipboard.take()
            && synchronized
        {
            // After the frame, so the sequence never lands inside a synchronized update.
            let _ = write!(std::io::stdout(), "{}", describe::osc52(&text));
            let _ = std::io::stdout().flush();
        }
        if app.quit {
            return Ok(frames);
        }
        let Some(msg) = rx.recv().await else {
            return Ok(frames);
        };
        let mut cmds = app.update(msg);
        while let Ok(more) = rx.try_recv() {
            cmds.extend(app.update(more));
        }
        for c in cmds {
            runner.run(c);
        }
    }
}
