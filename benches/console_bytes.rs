//! Bytes the console writes to the terminal for one key: what an SSH link carries. ratatui's real
//! CrosstermBackend writes into memory; a full frame is drawn first, then the key is handled and
//! the next frame drawn as the event loop draws it (inside a synchronized update), and that
//! frame's bytes are counted. 200×50, colours on, 100,000 rows loaded. Prints a table; counts
//! bytes, not time.
//!
//! `cargo bench --bench console_bytes`; `DEALERCTL_BENCH_SIZE=120x40` draws at another size (the
//! "last row shown" cases are placed for 200×50).

mod console_support;

use console_support::loaded::{self, serve, size};
use crossterm::event::KeyCode;
use crossterm::queue;
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use dealerctl::console::app::App;
use dealerctl::console::draw::draw;
use dealerctl::console::msg::Command;
use dealerctl::console::tab::Tab;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

const ROWS: usize = 100_000;

/// The terminal's output, kept where the benchmark can count it.
#[derive(Clone, Default)]
struct Wire(Rc<RefCell<Vec<u8>>>);

impl Write for Wire {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

type Term = Terminal<CrosstermBackend<Wire>>;

fn terminal(wire: &Wire) -> Term {
    let backend = CrosstermBackend::new(wire.clone());
    let viewport = Viewport::Fixed(Rect::new(0, 0, size().0, size().1));
    Terminal::with_options(backend, TerminalOptions { viewport }).expect("a terminal in memory")
}

/// One frame as the event loop writes it; returns its bytes.
fn frame(term: &mut Term, wire: &Wire, app: &App) -> usize {
    wire.0.borrow_mut().clear();
    queue!(term.backend_mut(), BeginSynchronizedUpdate).expect("written to memory");
    term.draw(|f| draw(f, app)).expect("a frame");
    queue!(term.backend_mut(), EndSynchronizedUpdate).expect("written to memory");
    term.backend_mut().flush().expect("written to memory");
    wire.0.borrow().len()
}

struct Case {
    what: &'static str,
    /// Where the console is before: its tab, and keys pressed there.
    tab: Tab,
    before: &'static [KeyCode],
    keys: &'static [KeyCode],
    /// Answer what the keys ask for and count that frame too (the Dealers tab's details).
    answer: bool,
}

/// On the Tenants tab at 200×50 the table shows 44 rows, and PageDown moves 42: these keys put
/// the selection on the last row shown.
const TO_LAST_SHOWN: &[KeyCode] = &[KeyCode::PageDown, KeyCode::Down];

const CASES: &[Case] = &[
    Case {
        what: "selection move (down), Tenants",
        tab: Tab::Tenants,
        before: &[],
        keys: &[KeyCode::Down],
        answer: false,
    },
    Case {
        what: "selection move (down) from the last row shown (the table scrolls), Tenants",
        tab: Tab::Tenants,
        before: TO_LAST_SHOWN,
        keys: &[KeyCode::Down],
        answer: false,
    },
    Case {
        what: "page move (PageDown) within the rows shown, Tenants",
        tab: Tab::Tenants,
        before: &[],
        keys: &[KeyCode::PageDown],
        answer: false,
    },
    Case {
        what: "page move (PageDown) from the last row shown (a page of new rows), Tenants",
        tab: Tab::Tenants,
        before: TO_LAST_SHOWN,
        keys: &[KeyCode::PageDown],
        answer: false,
    },
    Case {
        what: "selection move (down), Dealers tree, with the details answer",
        tab: Tab::Dealers,
        before: &[],
        keys: &[KeyCode::Down],
        answer: true,
    },
    Case {
        what: "tab switch (Dealers to Tenants)",
        tab: Tab::Dealers,
        before: &[],
        keys: &[KeyCode::Char('2')],
        answer: false,
    },
    Case {
        what: "tab switch (Tenants to Users)",
        tab: Tab::Tenants,
        before: &[],
        keys: &[KeyCode::Char('4')],
        answer: false,
    },
];

fn main() {
    // `cargo bench` passes --bench; a filter word limits the cases.
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    println!("At {}×{}:\n", size().0, size().1);
    println!("| case | bytes |");
    println!("|---|---|");
    let wire = Wire::default();
    println!(
        "| first full frame, Dealers | {} |",
        frame(&mut terminal(&wire), &wire, &loaded::loaded(ROWS, true))
    );
    for case in CASES {
        if filter
            .as_ref()
            .is_some_and(|f| !case.what.contains(f.as_str()))
        {
            continue;
        }
        let mut app = loaded::loaded(ROWS, true);
        loaded::press(&mut app, loaded::tab_key(case.tab), ROWS);
        for k in case.before {
            loaded::press(&mut app, *k, ROWS);
        }
        let mut term = terminal(&wire);
        frame(&mut term, &wire, &app);
        let mut asked: Vec<Command> = Vec::new();
        for k in case.keys {
            asked.extend(app.update(loaded::key(*k)));
        }
        let mut bytes = frame(&mut term, &wire, &app);
        let mut note = String::new();
        if case.answer {
            serve(&mut app, asked, ROWS);
            let second = frame(&mut term, &wire, &app);
            note = format!(" ({} + {second} when the answer arrives)", bytes);
            bytes += second;
        }
        println!("| {} | {bytes}{note} |", case.what);
    }
}
