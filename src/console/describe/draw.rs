//! The describe popup: the object's fields, then its history, scrolled with j/k.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};

use crate::console::describe::state::Description;
use crate::console::theme::Theme;
use crate::console::widgets::cells::short_time;
use crate::console::widgets::popup::{Anchor, popup, show};

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
    let height = (lines.len() as u16 + 2).min(area.height);
    let inner = height.saturating_sub(2) as usize;
    let last = lines.len().saturating_sub(inner);
    let from = d.scroll.min(last);
    let more = if last > 0 {
        format!(" · j/k scroll ({}/{})", from + 1, last + 1)
    } else {
        String::new()
    };
    let lines: Vec<Line> = lines.into_iter().skip(from).take(inner).collect();
    let block = Block::default().borders(Borders::ALL).title(format!(
        " {} {}{more} · y copies the id · any other key closes ",
        d.kind.label(),
        d.name
    ));
    let rect = popup(area, 110, height, Anchor::Top);
    show(f, rect, block, lines);
}
