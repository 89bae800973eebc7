//! The Dealers tab: the lazily loaded tree beside the selected dealer's details and capacity.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::console::app::App;
use crate::console::dealers::tree::DealerTree;
use crate::console::theme::{Sym, Theme};
use crate::console::widgets::cells::{cut, ratio, utc_text};
use crate::model::{Capacity, Dealer, DimensionUsage, NodeKind};

pub fn draw(f: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(area);
    draw_tree(f, app, theme, left);
    draw_details(f, app, theme, right);
}

fn draw_tree(f: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let filter = if app.tree.filter().is_empty() {
        String::new()
    } else {
        format!(" /{}", app.tree.filter())
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" Dealers (/ filter){filter} "));
    if app.tree.rows.is_empty() {
        let text = app.tree.error.clone().unwrap_or_else(|| "loading…".into());
        f.render_widget(
            Paragraph::new(Span::styled(text, theme.dim())).block(block),
            area,
        );
        return;
    }
    let lines = tree_lines(&app.tree, theme, area);
    f.render_widget(Paragraph::new(lines).block(block), area);
}

/// The visible rows of a tree drawn inside a bordered `area`, the selection kept in view.
pub fn tree_lines(tree: &DealerTree, theme: &Theme, area: Rect) -> Vec<Line<'static>> {
    let inner_w = area.width.saturating_sub(2) as usize;
    let visible = area.height.saturating_sub(2) as usize;
    let start = tree.selected.saturating_sub(visible.saturating_sub(1));
    tree.rows[start..(start + visible).min(tree.rows.len())]
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let marker = match (r.kind, r.has_children, r.expanded) {
                (NodeKind::Tenant, _, _) => theme.sym(Sym::Leaf),
                (_, true, true) => theme.sym(Sym::Expanded),
                (_, true, false) => theme.sym(Sym::Collapsed),
                _ => " ",
            };
            let paused = if r.enabled {
                ""
            } else {
                theme.sym(Sym::Suspended)
            };
            let loading = if r.loading {
                format!(" {}", theme.sym(Sym::Ellipsis))
            } else {
                String::new()
            };
            let kind = r.level.map(|l| l.label()).unwrap_or("tenant");
            let right = format!("{kind}{loading}");
            let indent = format!("{}{} ", "  ".repeat(r.depth), marker);
            let paused = if paused.is_empty() {
                String::new()
            } else {
                format!(" {paused}")
            };
            // The name gives way (cut with an ellipsis) so that one space always parts it from
            // the level, however narrow the pane.
            let room = inner_w.saturating_sub(
                indent.chars().count() + paused.chars().count() + right.chars().count() + 2,
            );
            let name = cut(&r.name, room, theme.sym(Sym::Ellipsis));
            let left = format!("{indent}{name}{paused}");
            let pad = inner_w
                .saturating_sub(left.chars().count() + right.chars().count() + 1)
                .max(1);
            let text = format!("{left}{}{right} ", " ".repeat(pad));
            let style = if start + i == tree.selected {
                theme.selected()
            } else if !r.effective_enabled {
                theme.suspended()
            } else {
                Style::default()
            };
            Line::styled(text, style)
        })
        .collect()
}

fn draw_details(f: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let selected = app.tree.selected_row();
    let details = app
        .details
        .as_ref()
        .filter(|(d, _)| selected.is_some_and(|r| r.id == d.id));
    match (selected, details) {
        (Some(r), _) if r.kind == NodeKind::Tenant => {
            let block = Block::default()
                .borders(Borders::ALL)
                .title(format!(" {} · tenant ", r.name));
            let state = if !r.enabled {
                "suspended"
            } else if !r.effective_enabled {
                "suspended (a dealer above is)"
            } else {
                "enabled"
            };
            let text = vec![
                Line::raw(format!("status   {state}")),
                Line::styled("see the Tenants tab (2) for its allocations", theme.dim()),
            ];
            f.render_widget(Paragraph::new(text).block(block), area);
        }
        (_, Some((d, cap))) => dealer(f, d, cap.as_ref(), theme, area),
        _ => {
            // Only the word is dimmed: the frame stays as it was, so moving through the tree
            // does not send the pane's border and blank cells to the terminal again.
            let block = Block::default().borders(Borders::ALL);
            f.render_widget(
                Paragraph::new(Span::styled("loading…", theme.dim())).block(block),
                area,
            );
        }
    }
}

fn dealer(f: &mut Frame, d: &Dealer, cap: Option<&Capacity>, theme: &Theme, area: Rect) {
    let block =
        Block::default()
            .borders(Borders::ALL)
            .title(format!(" {} · {} ", d.name, d.level.label()));
    let status = match (d.enabled, d.effective_enabled) {
        (false, _) => "suspended",
        (true, false) => "suspended (a dealer above is)",
        _ => "enabled",
    };
    let mut lines = vec![
        Line::raw(format!("shown as {}", d.display_name)),
        Line::raw(format!("contact  {}   {}", d.email, d.phone)),
        Line::raw(format!(
            "status   {status:<14} created {}",
            utc_text(
                &d.created_at,
                time::macros::format_description!("[year]-[month]-[day]")
            )
        )),
        Line::raw(format!(
            "users {}  groups {}  sub-dealers {}  tenants {}",
            d.users_count, d.groups_count, d.children_count, d.tenants_count
        )),
        Line::raw(""),
    ];
    match cap {
        None => lines.push(Line::styled("capacity: needs packages:read", theme.dim())),
        Some(c) => {
            let inner = area.width.saturating_sub(2) as usize;
            // Wide enough for the figures and a bar of 5 or more: both; else shorter labels and
            // the share as a number, so no figure is lost on an 80-column terminal.
            let bar_w = inner.saturating_sub(53).min(20);
            let wide = bar_w >= 5;
            let head = if wide {
                format!(
                    "{:<14}{:>9}{:>11}{:>8}{:>9}",
                    "capacity", "package", "allocated", "used", "free"
                )
            } else {
                format!(
                    "{:<10}{:>7}{:>7}{:>6}{:>7}{:>5}",
                    "capacity", "pkg", "alloc", "used", "free", "%"
                )
            };
            lines.push(Line::styled(head, theme.title()));
            for (name, short, dim) in [
                ("tenants", "tenants", &c.max_tenants),
                ("extensions", "ext.", &c.extensions),
                ("calls", "calls", &c.concurrent_calls),
                ("recording min", "rec. min", &c.recording_minutes),
            ] {
                lines.push(if wide {
                    gauge_line(name, dim, bar_w, theme)
                } else {
                    share_line(short, dim, theme)
                });
            }
            lines.push(Line::raw(format!(
                "{:<14}{}",
                "high avail.",
                if c.high_availability { "yes" } else { "no" }
            )));
            let subtree = c.extensions.subtree_used;
            lines.push(Line::styled(
                format!(
                    "whole subtree uses {subtree} extensions, {} tenants",
                    c.max_tenants.subtree_used
                ),
                theme.dim(),
            ));
        }
    }
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}

fn num(v: Option<i64>) -> String {
    v.map(group_digits).unwrap_or_else(|| "∞".into())
}

/// 20000 as "20,000".
pub fn group_digits(n: i64) -> String {
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

fn gauge_line(name: &str, d: &DimensionUsage, bar_w: usize, theme: &Theme) -> Line<'static> {
    let text = format!(
        "{name:<14}{:>9}{:>11}{:>8}{:>9} ",
        num(d.package),
        group_digits(d.allocated),
        group_digits(d.used),
        num(d.free)
    );
    let mut spans = vec![Span::raw(text)];
    if let Some(r) = ratio(d)
        && bar_w > 0
    {
        let filled = ((r.min(1.0)) * bar_w as f64).round() as usize;
        let bar = format!(
            "{}{}",
            theme.sym(Sym::Full).repeat(filled),
            theme.sym(Sym::Empty).repeat(bar_w - filled)
        );
        spans.push(Span::styled(bar, theme.gauge(r)));
    }
    Line::from(spans)
}

/// A dimension's figures in short columns with its share as a number (`37%`) where a bar does
/// not fit.
fn share_line(name: &str, d: &DimensionUsage, theme: &Theme) -> Line<'static> {
    let text = format!(
        "{name:<10}{:>7}{:>7}{:>6}{:>7}",
        num(d.package),
        group_digits(d.allocated),
        group_digits(d.used),
        num(d.free)
    );
    let mut spans = vec![Span::raw(text)];
    if let Some(r) = ratio(d) {
        let share = if r.is_infinite() {
            "over".to_string()
        } else {
            format!("{:.0}%", r * 100.0)
        };
        spans.push(Span::styled(format!("{share:>5}"), theme.gauge(r)));
    }
    Line::from(spans)
}
