//! Popups: where one sits (a box of at most `width` × `height`, centred across the area, at a
//! height that suits what it shows: a report hangs from the top, a form a third down, help in
//! the middle), and drawing one over what is under it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph};

use super::wrap::wrap_line;

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

/// `lines` wrapped to the inside of a bordered box `width` wide.
pub fn rows(lines: &[Line], width: u16) -> Vec<Line<'static>> {
    let inner = width.saturating_sub(2) as usize;
    lines.iter().flat_map(|l| wrap_line(l, inner)).collect()
}

/// The box of a popup at most `width` wide that is as high as `lines` once wrapped (borders
/// included), as far as `area` allows; and those rows.
pub fn fit(area: Rect, width: u16, lines: &[Line], anchor: Anchor) -> (Rect, Vec<Line<'static>>) {
    let width = width.min(area.width);
    let rows = rows(lines, width);
    let rect = popup(area, width, rows.len() as u16 + 2, anchor);
    (rect, rows)
}

/// Draws `lines` in `block` over whatever is under `rect`, wrapped to its width; when they do
/// not all fit, the last row says how many more there are.
pub fn show(f: &mut Frame, rect: Rect, block: Block, lines: Vec<Line>) {
    show_from(f, rect, block, rows(&lines, rect.width), 0);
}

/// Draws wrapped `rows` from row `from` on, saying how many more follow when they do not fit.
pub fn show_from(f: &mut Frame, rect: Rect, block: Block, rows: Vec<Line<'static>>, from: usize) {
    let inner = rect.height.saturating_sub(2) as usize;
    let from = from.min(rows.len().saturating_sub(inner));
    let mut shown: Vec<Line> = rows.iter().skip(from).take(inner).cloned().collect();
    let below = rows.len().saturating_sub(from + inner);
    if below > 0
        && let Some(last) = shown.last_mut()
    {
        *last = Line::raw(format!(" ↓ {} more rows", below + 1))
            .style(Style::default().add_modifier(Modifier::DIM));
    }
    f.render_widget(Clear, rect);
    f.render_widget(Paragraph::new(shown).block(block), rect);
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
