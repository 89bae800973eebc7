//! The `:goto` pick list: each match with its kind and the dealers above it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};

use crate::console::goto::state::GotoPick;
use crate::console::theme::Theme;
use crate::console::widgets::popup::{Anchor, fit, rows, show_from};

/// Draws the pick list over `area`.
pub fn draw(f: &mut Frame, pick: &GotoPick, theme: &Theme, area: Rect) {
    let width = area.width.min(110);
    let mut lines: Vec<Line> = Vec::new();
    // The selected match's first row, to keep it in view when the list is longer than the box.
    let mut selected_line = 0;
    if pick.loading {
        lines.push(Line::styled(" searching…", theme.dim()));
    } else if pick.items.is_empty() {
        lines.push(Line::styled(
            format!(" nothing in your scope matches `{}`", pick.q),
            theme.dim(),
        ));
    }
    for (i, h) in pick.items.iter().enumerate() {
        let path: Vec<&str> = h.path.iter().map(|p| p.name.as_str()).collect();
        let detail = h
            .detail
            .as_deref()
            .map(|d| format!(" ({d})"))
            .unwrap_or_default();
        let line = Line::from(vec![
            Span::styled(format!(" {:<9} ", h.kind.label()), theme.dim()),
            Span::raw(format!("{}{detail}", h.name)),
            Span::styled(format!("  {}", path.join(" › ")), theme.dim()),
        ]);
        lines.push(if i == pick.selected {
            selected_line = lines.len();
            line.style(theme.selected())
        } else {
            line
        });
    }
    if pick.more {
        lines.push(Line::styled(" … more: type more of the name", theme.dim()));
    }
    let title = format!(" goto {} · enter opens · esc closes ", pick.q);
    let block = Block::default().borders(Borders::ALL).title(title);
    let (rect, _) = fit(area, width, &lines, Anchor::Top);
    let inner = rect.height.saturating_sub(2) as usize;
    let before = rows(&lines[..selected_line.min(lines.len())], rect.width).len();
    let selected_rows = lines
        .get(selected_line)
        .map_or(0, |l| rows(std::slice::from_ref(l), rect.width).len());
    let from = (before + selected_rows).saturating_sub(inner);
    show_from(f, rect, block, rows(&lines, rect.width), from);
}
