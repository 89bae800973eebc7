//! Popups: where one sits (a box of at most `width` × `height`, centred across the area, at a
//! height that suits what it shows: a report hangs from the top, a form a third down, help in
//! the middle), and drawing one over what is under it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

/// How far down the free space a popup sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Top,
    /// A quarter of the way down.
    Quarter,
    /// A third of the way down.
    Third,
    Middle,
}

/// The box of a popup in `area`.
pub fn popup(area: Rect, width: u16, height: u16, anchor: Anchor) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    let free = area.height - h;
    let down = match anchor {
        Anchor::Top => 0,
        Anchor::Quarter => free / 4,
        Anchor::Third => free / 3,
        Anchor::Middle => free / 2,
    };
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + down,
        width: w,
        height: h,
    }
}

/// Draws `lines` in `block` over whatever is under `rect`, wrapping lines that are too long.
pub fn show(f: &mut Frame, rect: Rect, block: Block, lines: Vec<Line>) {
    f.render_widget(Clear, rect);
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        rect,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_popup_never_leaves_its_area() {
        let area = Rect::new(3, 2, 80, 24);
        for anchor in [Anchor::Top, Anchor::Quarter, Anchor::Third, Anchor::Middle] {
            for (w, h) in [(10, 5), (200, 5), (10, 100), (80, 24)] {
                let r = popup(area, w, h, anchor);
                assert!(
                    area.contains(r.as_position())
                        && r.right() <= area.right()
                        && r.bottom() <= area.bottom()
                );
            }
        }
        assert_eq!(popup(area, 20, 4, Anchor::Middle), Rect::new(33, 12, 20, 4));
    }
}
