//! A signed-in console with every view loaded, reached the way the real one gets there: `start`,
//! then every command it returns is answered with made-up rows and fed back through `update` as
//! the runner would, and keys go in as input messages. No terminal and no server.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use dealerctl::console::app::{App, Options, ProfileInfo};
use dealerctl::console::msg::{Command, ListKind, Msg, Reply, ReplyBody};
use dealerctl::console::tab::Tab;
use dealerctl::model::{Me, Page, Permission};
use std::time::Duration;

use super::rows;

/// The size the frame benchmarks draw at: 200×50, or `DEALERCTL_BENCH_SIZE` (`120x40`).
pub fn size() -> (u16, u16) {
    std::env::var("DEALERCTL_BENCH_SIZE")
        .ok()
        .and_then(|s| {
            let (w, h) = s.split_once('x')?;
            Some((w.parse().ok()?, h.parse().ok()?))
        })
        .unwrap_or((200, 50))
}

/// What a page answer says when every row is there.
fn page<T>(items: Vec<T>) -> Page<T> {
    let total = items.len() as i64;
    Page {
        items,
        next_cursor: None,
        total,
    }
}

fn me() -> Me {
    let provider = rows::provider();
    Me {
        user: dealerctl::model::User {
            email: "noc@acme.example".into(),
            dealer_id: provider.id.clone(),
            dealer_name: provider.name.clone(),
            ..rows::user(0)
        },
        dealer: provider,
        permissions: Permission::all(),
        groups: vec![rows::group(0)],
        policy: Default::default(),
        impersonation: None,
    }
}

/// The answer the server would give to `cmd`, with `n` rows in every list.
fn answer(cmd: &Command, n: usize) -> Option<(u64, ReplyBody)> {
    let body = match cmd {
        Command::LoadMe { generation } => (*generation, ReplyBody::Me(Box::new(Ok(me())))),
        Command::LoadTree {
            under, generation, ..
        } => {
            let node = match under {
                None => rows::tree(n),
                // Nothing below the made-up dealers: only the root level is loaded.
                Some(id) => dealerctl::model::TreeNode {
                    id: id.clone(),
                    children: vec![],
                    ..rows::tree(1)
                },
            };
            (
                *generation,
                ReplyBody::Tree {
                    under: under.clone(),
                    result: Ok(node),
                },
            )
        }
        Command::LoadDetails { id, generation } | Command::LoadDetailsAhead { id, generation } => {
            let i = id.rsplit('-').next()?.parse().unwrap_or(0);
            let mut d = rows::dealer(i);
            d.id = id.clone().into();
            let found = Ok((d, Some(rows::capacity(i))));
            let body = match cmd {
                Command::LoadDetails { .. } => ReplyBody::Details(found),
                _ => ReplyBody::DetailsAhead(found),
            };
            (*generation, body)
        }
        Command::LoadPage {
            list,
            cursor: None,
            generation,
            ..
        } => {
            let body = match list {
                ListKind::Tenants => ReplyBody::Tenants {
                    append: false,
                    result: Ok(page((0..n).map(rows::tenant).collect())),
                },
                ListKind::Packages => ReplyBody::Packages {
                    append: false,
                    result: Ok(page(
                        (0..n)
                            .map(|i| (rows::dealer(i), Some(rows::capacity(i))))
                            .collect(),
                    )),
                },
                ListKind::Users => ReplyBody::Users {
                    append: false,
                    result: Ok(page((0..n).map(rows::user).collect())),
                },
                ListKind::Groups => ReplyBody::Groups {
                    append: false,
                    result: Ok(page((0..n).map(rows::group).collect())),
                },
                ListKind::Audit => ReplyBody::Audit {
                    append: false,
                    result: Ok(page((0..n).map(rows::audit).collect())),
                },
                ListKind::RateCards => ReplyBody::RateCards {
                    append: false,
                    result: Ok(page((0..n).map(rows::rate_card).collect())),
                },
            };
            (*generation, body)
        }
        Command::LoadRates {
            cursor: None,
            generation,
            ..
        } => (
            *generation,
            ReplyBody::Rates {
                append: false,
                result: Ok(page((0..n).map(rows::rate).collect())),
            },
        ),
        // Token handling, timers and writes: nothing comes back that changes what is shown.
        _ => return None,
    };
    Some(body)
}

/// Answers `cmds` and whatever they lead to, until nothing is asked any more.
pub fn serve(app: &mut App, cmds: Vec<Command>, n: usize) {
    let mut queue = cmds;
    while let Some(cmd) = queue.pop() {
        if let Some((generation, body)) = answer(&cmd, n) {
            queue.extend(app.update(Msg::Reply(Box::new(Reply {
                generation,
                latency: Duration::from_millis(3),
                body,
            }))));
        }
    }
}

/// A key as the terminal reports it.
pub fn key(code: KeyCode) -> Msg {
    Msg::Input(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

/// Presses a key and answers what it asks for.
pub fn press(app: &mut App, code: KeyCode, n: usize) {
    let cmds = app.update(key(code));
    serve(app, cmds, n);
}

/// The key that opens a tab.
pub fn tab_key(tab: Tab) -> KeyCode {
    let i = Tab::ALL.iter().position(|t| *t == tab).unwrap_or(0);
    KeyCode::Char(char::from(b'1' + i as u8))
}

/// The console signed in (as `dealerctl` is with a stored session), on the Dealers tab, with
/// nothing loaded beyond the tree's first level and the selected dealer's details.
pub fn signed_in(n: usize, color: bool) -> App {
    let profile = ProfileInfo {
        name: "noc".into(),
        server: "https://pbx-mgmt.example.net".into(),
        production: false,
        email: Some("noc@acme.example".into()),
    };
    let options = Options {
        color,
        ascii: false,
        show_latency: true,
    };
    let mut app = App::new(profile, options, "kernel keyring".into());
    app.size = size();
    let first = app.start(Some("session-token".into()));
    serve(&mut app, first, n);
    app
}

/// The console with `n` rows loaded in the tree and in every list (the rates of the selected
/// card included), back on the Dealers tab.
pub fn loaded(n: usize, color: bool) -> App {
    let mut app = signed_in(n, color);
    for tab in Tab::ALL {
        press(&mut app, tab_key(tab), n);
    }
    press(&mut app, tab_key(Tab::Dealers), n);
    app
}
