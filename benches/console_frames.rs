//! Frame time of every tab at 200×50 with 100,000 rows loaded in the tree and in every list:
//! `draw` into ratatui's TestBackend, buffer diff included. Two cases per tab: a frame that
//! changes nothing (what a redraw costs at all) and a selection move (down, then up, each
//! followed by a frame: `update` and `draw` as the event loop runs them).
//!
//! `cargo bench --bench console_frames`

mod console_support;

use console_support::loaded::{self, key, size};
use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::KeyCode;
use dealerctl::console::draw::draw;
use dealerctl::console::tab::Tab;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::hint::black_box;

const ROWS: usize = 100_000;

fn frames(c: &mut Criterion) {
    let mut app = loaded::loaded(ROWS, true);
    let mut term = Terminal::new(TestBackend::new(size().0, size().1)).expect("a test terminal");
    let mut group = c.benchmark_group("frame_200x50_100k_rows");
    // ratatui's own share of every frame: a frame that draws nothing (buffer reset and diff).
    group.bench_function("empty_frame", |b| {
        b.iter(|| {
            term.draw(|_| {}).expect("a frame");
        })
    });
    for tab in Tab::ALL {
        loaded::press(&mut app, loaded::tab_key(tab), ROWS);
        // Away from the first row, so that moving up and down both change the selection.
        loaded::press(&mut app, KeyCode::Down, ROWS);
        term.draw(|f| draw(f, &app)).expect("a frame");
        let name = tab.command();
        group.bench_function(format!("{name}/unchanged"), |b| {
            b.iter(|| {
                term.draw(|f| draw(f, black_box(&app))).expect("a frame");
            })
        });
        group.bench_function(format!("{name}/selection_move"), |b| {
            let mut down = true;
            b.iter(|| {
                let code = if down { KeyCode::Down } else { KeyCode::Up };
                down = !down;
                // Moving on the Dealers tab asks for the dealer's details: not answered here,
                // the frame shows the details pane waiting.
                black_box(app.update(key(code)));
                term.draw(|f| draw(f, &app)).expect("a frame");
            })
        });
    }
    group.finish();
}

criterion_group!(benches, frames);
criterion_main!(benches);
