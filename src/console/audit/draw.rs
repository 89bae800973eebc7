//! An audit event opened with enter: who, what, when, and the object's before and after.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};

use crate::console::theme::Theme;
use crate::console::widgets::cells::short_time;
use crate::console::widgets::popup::{Anchor, fit, show_from};
use crate::console::widgets::wrap::wrap;
use crate::model::AuditEvent;

use super::diff::changes;

const POPUP_WIDTH: u16 = 100;

/// An audit event: who, what, and the fields that changed.
pub fn draw_event(f: &mut Frame, e: &AuditEvent, theme: &Theme, area: Rect) {
    let actor = match (&e.actor_email, &e.impersonator_email) {
        (Some(a), Some(i)) => format!("{i}, viewing as {a}"),
        (Some(a), None) => a.clone(),
        (None, _) => "(system)".into(),
    };
    let actor = super::rows::with_key(actor, e);
    let mut lines = vec![
        Line::raw(format!(" {}  {}", short_time(&e.at), e.action)),
        Line::raw(format!(" by      {actor}")),
        Line::raw(format!(
            " object  {} {}",
            e.object_type,
            e.object_name.clone().unwrap_or_default()
        )),
        Line::raw(format!(
            " from    {}   request {}",
            e.client_addr.clone().unwrap_or_default(),
            e.request_id.clone().unwrap_or_default()
        )),
        Line::raw(""),
    ];
    // Long values (a group's permissions) wrap under their key, so the popup's height counts
    // every line they take.
    let width = usize::from(area.width.min(POPUP_WIDTH).saturating_sub(2)).max(20);
    let changes = changes(e.before.as_ref(), e.after.as_ref());
    for c in &changes {
        for (sign, value, style) in [
            ("-", c.old.as_deref(), theme.error()),
            ("+", c.new.as_deref(), theme.ok()),
        ] {
            let Some(value) = value else { continue };
            let head = format!(" {sign} {}: ", c.key);
            let indent = head.chars().count();
            let body = wrap(value, width.saturating_sub(indent).max(10));
            for (i, part) in body.into_iter().enumerate() {
                let lead = if i == 0 {
                    Span::styled(head.clone(), style)
                } else {
                    Span::raw(" ".repeat(indent))
                };
                lines.push(Line::from(vec![lead, Span::raw(part)]));
            }
        }
    }
    if changes.is_empty() {
        lines.push(Line::styled(" no field changes recorded", theme.dim()));
    }
    let (rect, rows) = fit(area, POPUP_WIDTH, &lines, Anchor::Top);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" audit event (any key closes) ");
    show_from(f, rect, block, rows, 0);
}
