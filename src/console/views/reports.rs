//! The scope report (beside the caller's own) and an audit event's before/after.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use serde_json::Value;

use crate::console::rows::short_time;
use crate::console::theme::{Sym, Theme};
use crate::console::widgets::popup::Anchor;
use crate::model::{AuditEvent, ScopeReport};

/// Reports hang from the top, 100 columns at most.
fn popup(area: Rect, height: u16) -> Rect {
    crate::console::widgets::popup::popup(area, 100, height, Anchor::Top)
}

fn count(v: Option<i64>) -> String {
    v.map(|n| n.to_string())
        .unwrap_or_else(|| "not allowed".into())
}

/// What a user can see and do, beside what the caller can.
pub fn draw_scope(
    f: &mut Frame,
    r: &ScopeReport,
    own: Option<&ScopeReport>,
    theme: &Theme,
    area: Rect,
) {
    let mut lines = vec![
        Line::styled(
            format!(
                " {} · {} ({})",
                r.user.email,
                r.dealer_name,
                r.dealer_level.label()
            ),
            theme.title(),
        ),
        Line::raw(""),
        Line::styled(
            format!(" {:<12}{:>14}{:>14}", "can list", "this user", "you"),
            theme.title(),
        ),
    ];
    let rows = [
        (
            "dealers",
            r.counts.dealers,
            own.and_then(|o| o.counts.dealers),
        ),
        (
            "tenants",
            r.counts.tenants,
            own.and_then(|o| o.counts.tenants),
        ),
        ("users", r.counts.users, own.and_then(|o| o.counts.users)),
        ("groups", r.counts.groups, own.and_then(|o| o.counts.groups)),
        (
            "rate cards",
            r.counts.rate_cards,
            own.and_then(|o| o.counts.rate_cards),
        ),
    ];
    for (name, theirs, yours) in rows {
        lines.push(Line::raw(format!(
            " {name:<12}{:>14}{:>14}",
            count(theirs),
            count(yours)
        )));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(" may do (from group)", theme.title()));
    let perms: Vec<String> = r
        .permissions
        .iter()
        .map(|p| format!("{} ({})", p.permission, p.groups.join(", ")))
        .collect();
    if perms.is_empty() {
        lines.push(Line::styled(" nothing", theme.error()));
    }
    for chunk in perms.chunks(2) {
        lines.push(Line::raw(format!(
            " {}",
            chunk.iter().map(|p| format!("{p:<48}")).collect::<String>()
        )));
    }
    lines.push(Line::raw(""));
    if r.warnings.is_empty() {
        lines.push(Line::styled(" no warnings", theme.ok()));
    }
    for w in &r.warnings {
        lines.push(Line::styled(
            format!(" {} {w}", theme.sym(Sym::Warning)),
            theme.error(),
        ));
    }
    let rect = popup(area, lines.len() as u16 + 2);
    f.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" scope report (any key closes) ");
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        rect,
    );
}

/// An audit event: who, what, and the fields that changed.
pub fn draw_audit_event(f: &mut Frame, e: &AuditEvent, theme: &Theme, area: Rect) {
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
    let rect = popup(area, lines.len() as u16 + 2);
    f.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" audit event (any key closes) ");
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        rect,
    );
}

/// A JSON object as `path: value` pairs (nested objects joined with dots).
fn flatten(v: Option<&Value>) -> Vec<(String, String)> {
    fn walk(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&key, v, out);
                }
            }
            Value::String(s) => out.push((prefix.to_string(), s.clone())),
            other => out.push((prefix.to_string(), other.to_string())),
        }
    }
    let mut out = Vec::new();
    if let Some(v) = v {
        walk("", v, &mut out);
    }
    out
}
