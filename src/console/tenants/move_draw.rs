//! The tenant move overlay: the destination picker (a tree of dealers), then the plan.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::console::dealers::draw::{group_digits, tree_lines};
use crate::console::tenants::mover::{MoveStep, Mover};
use crate::console::theme::{Sym, Theme};
use crate::console::widgets::popup::{Anchor, fit, show_from};
use crate::model::{MoveCapacity, MovePlan};

fn popup(area: Rect, width: u16, height: u16) -> Rect {
    crate::console::widgets::popup::popup(area, width, height, Anchor::Quarter)
}

pub fn draw(f: &mut Frame, m: &Mover, theme: &Theme, area: Rect) {
    match m.step {
        MoveStep::Pick => draw_picker(f, m, theme, area),
        MoveStep::Plan => draw_plan(f, m, theme, area),
    }
}

fn draw_picker(f: &mut Frame, m: &Mover, theme: &Theme, area: Rect) {
    let rows = m.tree.rows.len().max(1) as u16;
    let rect = popup(area, 72, rows + 4);
    f.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" Move {} to which dealer? ", m.tenant_name));
    let tree_area = Rect {
        height: rect.height.saturating_sub(1),
        ..rect
    };
    let mut lines = if m.tree.rows.is_empty() {
        vec![Line::styled(
            m.tree.error.clone().unwrap_or_else(|| "loading…".into()),
            theme.dim(),
        )]
    } else {
        tree_lines(&m.tree, theme, tree_area)
    };
    let room = rect.height.saturating_sub(3) as usize;
    lines.truncate(room);
    while lines.len() < room {
        lines.push(Line::raw(""));
    }
    lines.push(Line::styled(
        " j/k move · l/h open/close · enter plans the move there · esc cancels",
        theme.dim(),
    ));
    f.render_widget(Paragraph::new(lines).block(block), rect);
}

fn dimension(name: &str) -> &str {
    match name {
        "max_tenants" => "tenants",
        "extensions" => "extensions",
        "concurrent_calls" => "concurrent calls",
        "recording_minutes" => "recording minutes",
        other => other,
    }
}

fn free(v: Option<i64>) -> String {
    v.map(group_digits).unwrap_or_else(|| "∞".into())
}

fn capacity_lines(plan: &MovePlan, theme: &Theme) -> Vec<Line<'static>> {
    let to = format!("at {}", cut(&plan.to.name, 19));
    let from = format!("at {}", cut(&plan.from.name, 19));
    vec![
        Line::styled(
            format!(" {:<26}   {:<22}   {:<22}", "", to, from),
            theme.title(),
        ),
        Line::styled(
            format!(
                " {:<19}{:>7}   {:>11} {:>10}   {:>11} {:>10}",
                "capacity", "moves", "free before", "after", "free before", "after"
            ),
            theme.title(),
        ),
    ]
    .into_iter()
    .chain(plan.capacity.iter().map(|c| capacity_line(c, theme)))
    .collect()
}

fn capacity_line(c: &MoveCapacity, theme: &Theme) -> Line<'static> {
    let short = c.destination_free_after.is_some_and(|f| f < 0);
    Line::styled(
        format!(
            " {:<19}{:>7}   {:>11} {:>10}   {:>11} {:>10}{}",
            dimension(&c.dimension),
            group_digits(c.amount),
            free(c.destination_free_before),
            free(c.destination_free_after),
            free(c.source_free_before),
            free(c.source_free_after),
            if short { "  short" } else { "" }
        ),
        if short {
            theme.error()
        } else {
            Style::default()
        },
    )
}

fn cut(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

fn draw_plan(f: &mut Frame, m: &Mover, theme: &Theme, area: Rect) {
    let to_name = m.to.as_ref().map(|t| t.1.as_str()).unwrap_or("?");
    let mut lines = Vec::new();
    match &m.plan {
        Some(plan) => {
            lines.push(Line::styled(
                format!(
                    " {}: {} → {}",
                    plan.tenant_name, plan.from.name, plan.to.name
                ),
                theme.title(),
            ));
            lines.push(Line::raw(""));
            lines.extend(capacity_lines(plan, theme));
            lines.push(Line::raw(""));
            let name = |r: &Option<crate::model::NamedRef>| {
                r.as_ref()
                    .map(|r| r.name.clone())
                    .unwrap_or_else(|| "(none)".into())
            };
            lines.push(Line::raw(format!(
                " rate card  {} → {}",
                name(&plan.rate_card_before),
                name(&plan.rate_card_after)
            )));
        }
        None => {
            lines.push(Line::styled(
                format!(" {} → {to_name}", m.tenant_name),
                theme.title(),
            ));
            lines.push(Line::raw(""));
            if m.planning {
                lines.push(Line::styled(" planning…", theme.dim()));
            }
        }
    }
    let choice = match m.chosen_card() {
        Some(c) => c.name.clone(),
        None => "keep the current card if it may".into(),
    };
    lines.push(Line::raw(format!(
        " bill with  ‹ {choice} ›  ({} card(s) at {to_name}; ←/→)",
        m.cards.len()
    )));
    lines.push(Line::raw(""));
    if let Some(plan) = &m.plan {
        if plan.blockers.is_empty() {
            lines.push(Line::styled(
                format!(" {} nothing blocks this move", "✓"),
                theme.ok(),
            ));
        }
        for b in &plan.blockers {
            lines.push(Line::styled(
                format!(" {} {}", theme.sym(Sym::Warning), b.message),
                theme.error(),
            ));
        }
    }
    if let Some(e) = &m.error {
        lines.push(Line::styled(
            format!(" {} {e}", theme.sym(Sym::Warning)),
            theme.error(),
        ));
    }
    lines.push(Line::raw(""));
    let keys = if m.executing {
        " moving…".to_string()
    } else if m.planning {
        " planning… · esc cancels".to_string()
    } else if m.can_execute() {
        " y moves it · ←/→ rate card · backspace another dealer · esc cancels".to_string()
    } else {
        " blocked: ←/→ rate card · backspace another dealer · esc cancels".to_string()
    };
    lines.push(Line::styled(keys, theme.dim()));
    let (rect, rows) = fit(area, 100, &lines, Anchor::Quarter);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" Move {} (dry run) ", m.tenant_name))
        .border_style(theme.warning());
    show_from(f, rect, block, rows, 0);
}
