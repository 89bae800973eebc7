//! The scope report of a login, beside the caller's own.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders};

use crate::console::theme::{Sym, Theme};
use crate::console::widgets::popup::{Anchor, fit, show_from};
use crate::model::ScopeReport;

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
    // Reports hang from the top, 100 columns at most.
    let (rect, rows) = fit(area, 100, &lines, Anchor::Top);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" scope report (any key closes) ");
    show_from(f, rect, block, rows, 0);
}
