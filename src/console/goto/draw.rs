//! The `:goto` pick list: each match with its kind and the dealers above it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};

use crate::console::goto::state::GotoPick;
use crate::console::theme::Theme;
use crate::console::widgets::popup::{Anchor, popup, show};

/// Draws the pick list over `area`.
pub fn draw(f: &mut Frame, pick: &GotoPick, theme: &Theme, area: Rect) {
    let width = area.width.min(110);
    let mut lines: Vec<Line> = Vec::new();
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
    let rect = popup(area, width, lines.len() as u16 + 2, Anchor::Top);
    show(f, rect, block, lines);
}
