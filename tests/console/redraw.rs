//! What a key makes the console redraw: over SSH every changed cell is sent again, so a pane that
//! is waiting for data keeps its frame as it was.

use dealerctl::console::draw::draw;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

use crate::harness::Console;
use crate::{H, W};

fn buffer(c: &Console) -> Buffer {
    let mut term = Terminal::new(TestBackend::new(W, H)).unwrap();
    term.draw(|f| draw(f, &c.app)).unwrap();
    term.backend().buffer().clone()
}

#[tokio::test]
async fn moving_in_the_tree_leaves_the_details_frame_as_it_was_while_they_load() {
    let mut c = Console::signed_in("admin@acme.example").await;
    let before = buffer(&c);
    // Two dealers down (the next one was fetched ahead, the one after is not): its details are
    // asked for but not answered yet.
    let asked = c.press_only("jj");
    let loading = buffer(&c);
    let text = c.screen(W, H);
    assert!(text.contains("loading…"), "the details pane waits:\n{text}");
    // The right pane's border: its right edge, top to bottom.
    let edge = W - 1;
    for y in 2..H - 1 {
        assert_eq!(
            before[(edge, y)],
            loading[(edge, y)],
            "border cell at row {y} unchanged:\n{text}"
        );
    }
    c.finish(asked).await;
    let after = c.screen(W, H);
    assert!(!after.contains("loading…"), "{after}");
}
