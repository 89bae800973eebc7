//! An audit event opened with enter: who, what, when, and the object's before and after.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};

use crate::console::theme::Theme;
use crate::console::widgets::cells::short_time;
use crate::console::widgets::fields::flatten;
use crate::console::widgets::popup::{Anchor, fit, show_from};
use crate::model::AuditEvent;

/// An audit event: who, what, and the fields that changed.
pub fn draw_event(f: &mut Frame, e: &AuditEvent, theme: &Theme, area: Rect) {
    let actor = match (&e.actor_email, &e.impersonator_email) {
        (Some(a), Some(i)) => format!("{i}, viewing as {a}"),
        (Some(a), None) => a.clone(),
        (None, _) => "(system)".into(),
    };
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
    let before = flatten(e.before.as_ref());
    let after = flatten(e.after.as_ref());
    let mut keys: Vec<&String> = before.iter().chain(after.iter()).map(|(k, _)| k).collect();
    keys.sort();
    keys.dedup();
    let mut changed = 0;
    for k in keys {
        let old = before.iter().find(|(b, _)| b == k).map(|(_, v)| v.as_str());
        let new = after.iter().find(|(a, _)| a == k).map(|(_, v)| v.as_str());
        if old == new {
            continue;
        }
        changed += 1;
        if let Some(o) = old {
            lines.push(Line::from(vec![
                Span::styled(format!(" - {k}: "), theme.error()),
                Span::raw(o.to_string()),
            ]));
        }
        if let Some(n) = new {
            lines.push(Line::from(vec![
                Span::styled(format!(" + {k}: "), theme.ok()),
                Span::raw(n.to_string()),
            ]));
        }
    }
    if changed == 0 {
        lines.push(Line::styled(" no field changes recorded", theme.dim()));
    }
    let (rect, rows) = fit(area, 100, &lines, Anchor::Top);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" audit event (any key closes) ");
    show_from(f, rect, block, rows, 0);
}
