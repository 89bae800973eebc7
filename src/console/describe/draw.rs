//! The describe popup: the object's fields, then its history, scrolled with j/k.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};

use crate::console::describe::state::Description;
use crate::console::theme::Theme;
use crate::console::widgets::cells::short_time;
use crate::console::widgets::popup::{Anchor, fit, show_from};

/// Draws the description over `area`.
pub fn draw(f: &mut Frame, d: &Description, theme: &Theme, area: Rect) {
    let key_w = d
        .fields
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0)
        .min(32);
    let mut lines: Vec<Line> = d
        .fields
        .iter()
        .map(|(k, v)| {
            Line::from(vec![
                Span::styled(format!(" {k:<key_w$} "), theme.dim()),
                Span::raw(v.clone()),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::styled(" history (newest first)", theme.title()));
    match &d.history_note {
        Some(note) => lines.push(Line::styled(format!(" {note}"), theme.dim())),
        None if d.history.is_empty() => {
            lines.push(Line::styled(" no events recorded", theme.dim()))
        }
        None => lines.extend(d.history.iter().map(|e| {
            let who = e.actor_email.clone().unwrap_or_else(|| "(system)".into());
            Line::raw(format!(" {}  {:<20} {who}", short_time(&e.at), e.action))
        })),
    }
    let (rect, rows) = fit(area, 110, &lines, Anchor::Top);
    let inner = rect.height.saturating_sub(2) as usize;
    let last = rows.len().saturating_sub(inner);
    let from = d.scroll.min(last);
    let more = if last > 0 {
        format!(" · j/k scroll ({}/{})", from + 1, last + 1)
    } else {
        String::new()
    };
    // The title's hints give way before the object's name on a narrow terminal.
    let head = format!(" {} {}{more}", d.kind.label(), d.name);
    let title = [
        format!("{head} · y copies the id · any other key closes "),
        format!("{head} · y copies the id "),
    ]
    .into_iter()
    .find(|t| t.chars().count() + 2 <= rect.width as usize)
    .unwrap_or(format!("{head} "));
    let block = Block::default().borders(Borders::ALL).title(title);
    show_from(f, rect, block, rows, from);
}
