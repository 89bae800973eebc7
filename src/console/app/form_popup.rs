//! Drawing an open form and a confirmation over the current view (with the live capacity gauge
//! and the rate card preview where the form has one).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::console::app::{Confirm, OpenForm};
use crate::console::theme::{Sym, Theme};
use crate::console::widgets::cells::ratio;
use crate::console::widgets::form::{Field, Kind, Phase};
use crate::console::widgets::popup::{Anchor, show};
use crate::console::widgets::wrap::wrap;
use crate::console::writes::Purpose;
use crate::model::DimensionUsage;

const LABEL: usize = 19;

fn popup(area: Rect, width: u16, height: u16) -> Rect {
    crate::console::widgets::popup::popup(area, width, height, Anchor::Third)
}

/// Draws the open form.
pub fn draw(f: &mut Frame, open: &OpenForm, theme: &Theme, area: Rect) {
    let form = &open.form;
    let inner = (area.width.min(100) as usize).saturating_sub(2);
    let mut lines: Vec<Line> = Vec::new();
    let mut cursor = None;
    for (i, field) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        let label_style = if focused {
            theme.key()
        } else {
            Style::default()
        };
        let mut spans = vec![Span::styled(
            format!(" {:<LABEL$}", field.label),
            label_style,
        )];
        match &field.kind {
            Kind::Text { input, secret, .. } => {
                let shown = if *secret {
                    "*".repeat(input.value().chars().count())
                } else {
                    input.value().to_string()
                };
                if focused {
                    cursor = Some((
                        LABEL as u16 + 2 + input.visual_cursor() as u16,
                        lines.len() as u16,
                    ));
                }
                spans.push(Span::styled(
                    format!("{shown:<28}"),
                    if focused {
                        theme.selected()
                    } else {
                        Style::default()
                    },
                ));
            }
            Kind::Number { input, .. } => {
                if focused {
                    cursor = Some((
                        LABEL as u16 + 2 + input.visual_cursor() as u16,
                        lines.len() as u16,
                    ));
                }
                spans.push(Span::styled(
                    format!("{:<10}", input.value()),
                    if focused {
                        theme.selected()
                    } else {
                        Style::default()
                    },
                ));
            }
            Kind::Select { options, selected } => {
                let label = options.get(*selected).map(|o| o.1.as_str()).unwrap_or("—");
                spans.push(Span::styled(
                    format!("‹ {label} ›"),
                    if focused {
                        theme.selected()
                    } else {
                        Style::default()
                    },
                ));
            }
            Kind::Checkbox { checked } => {
                spans.push(Span::styled(
                    if *checked { "[x]" } else { "[ ]" },
                    if focused {
                        theme.selected()
                    } else {
                        Style::default()
                    },
                ));
            }
            Kind::Multi { .. } => {}
        }
        if let Some(gauge) = live_gauge(open, field) {
            spans.push(Span::raw("  "));
            spans.extend(gauge(theme));
        } else if let Some(e) = field.server_error.clone().or_else(|| field.problem()) {
            let text = format!("  {} {e}", theme.sym(Sym::Warning));
            let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
            if used + text.chars().count() <= inner {
                spans.push(Span::styled(text, theme.error()));
            } else {
                // Too long beside the field: under it, wrapped, so no word of it is lost.
                lines.push(Line::from(std::mem::take(&mut spans)));
                let indent = LABEL + 2;
                for part in wrap(text.trim_start(), inner.saturating_sub(indent).max(20)) {
                    spans = vec![Span::styled(
                        format!("{}{part}", " ".repeat(indent)),
                        theme.error(),
                    )];
                    lines.push(Line::from(std::mem::take(&mut spans)));
                }
                if let Some(last) = lines.pop() {
                    spans = last.spans;
                }
            }
        } else if let Some(h) = &field.hint {
            let text = format!("  {h}");
            let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
            if used + text.chars().count() <= inner {
                spans.push(Span::styled(text, theme.dim()));
            } else {
                // A hint too long beside the field goes under it, wrapped, as an error does.
                lines.push(Line::from(std::mem::take(&mut spans)));
                let indent = LABEL + 2;
                for part in wrap(h, inner.saturating_sub(indent).max(20)) {
                    lines.push(Line::styled(
                        format!("{}{part}", " ".repeat(indent)),
                        theme.dim(),
                    ));
                }
                spans = lines.pop().map(|l| l.spans).unwrap_or_default();
            }
        }
        lines.push(Line::from(spans));
        if let Kind::Multi {
            options,
            chosen,
            cursor: at,
        } = &field.kind
        {
            lines.extend(multi_lines(
                field.key, options, chosen, *at, focused, theme, inner,
            ));
            if let Some(e) = field.server_error.clone().or_else(|| field.problem()) {
                lines.push(Line::styled(
                    format!("   {} {e}", theme.sym(Sym::Warning)),
                    theme.error(),
                ));
            }
        }
    }
    lines.push(Line::raw(""));
    match form.phase {
        Phase::Saving => lines.push(Line::styled(" saving…", theme.dim())),
        Phase::ConfirmDiscard => lines.push(Line::styled(
            " discard what you typed? y discards, any other key keeps it",
            theme.warning(),
        )),
        Phase::Editing => {
            if let Some(e) = &form.footer_error {
                lines.push(Line::styled(
                    format!(" {e}"),
                    if form.conflict || !e.starts_with("reloaded") {
                        theme.error()
                    } else {
                        theme.ok()
                    },
                ));
            }
            lines.push(Line::styled(
                " enter save · tab/↑↓ next field · space tick · ←/→ choose · esc cancel",
                theme.dim(),
            ));
        }
    }
    // A derive or edit rate card form has its live preview right under it.
    let below = open
        .preview
        .as_ref()
        .map(|p| {
            let allowed = form.field("allow_below_cost").is_some_and(Field::checked);
            crate::console::rate_cards::draw::preview_lines(p, allowed, theme)
        })
        .unwrap_or_default();
    let form_h = lines.len() as u16 + 2;
    let below_h = if below.is_empty() {
        0
    } else {
        below.len() as u16 + 2
    };
    let whole = popup(area, 100, form_h + below_h);
    let rect = Rect {
        height: form_h.min(whole.height),
        ..whole
    };
    f.render_widget(Clear, whole);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {} ", form.title));
    f.render_widget(Paragraph::new(lines).block(block), rect);
    if below_h > 0 && whole.height > rect.height {
        let under = Rect {
            y: rect.y + rect.height,
            height: whole.height - rect.height,
            ..whole
        };
        let block = Block::default().borders(Borders::ALL).title(" preview ");
        f.render_widget(Paragraph::new(below).block(block), under);
    }
    if let Some((x, y)) = cursor
        && form.phase == Phase::Editing
        && y + 1 < rect.height
    {
        f.set_cursor_position((rect.x + x, rect.y + 1 + y));
    }
}

/// Options of a multiple choice; permissions show as a matrix, one row per area.
fn multi_lines(
    key: &str,
    options: &[(String, String, bool)],
    chosen: &[bool],
    at: usize,
    focused: bool,
    theme: &Theme,
    width: usize,
) -> Vec<Line<'static>> {
    let chip = |i: usize, gap: &str| {
        let (_, label, allowed) = &options[i];
        let mark = match (chosen[i], allowed) {
            (true, _) => "[x]",
            (false, true) => "[ ]",
            (false, false) => "[-]",
        };
        let short = if key == "permissions" {
            label.split(':').nth(1).unwrap_or(label).to_string()
        } else {
            label.clone()
        };
        let style = if focused && i == at {
            theme.selected()
        } else if !allowed {
            theme.dim()
        } else {
            Style::default()
        };
        Span::styled(format!("{mark} {short}{gap}"), style)
    };
    if key == "permissions" {
        let mut rows: Vec<(String, Vec<usize>)> = Vec::new();
        for (i, (value, _, _)) in options.iter().enumerate() {
            let area = if value.contains(':') {
                value.split(':').next().unwrap_or("").to_string()
            } else {
                "special".into()
            };
            match rows.iter_mut().find(|(a, _)| *a == area) {
                Some((_, v)) => v.push(i),
                None => rows.push((area, vec![i])),
            }
        }
        // The widest row must fit (tenants has six actions, and 80 columns leave 78): the area
        // column is as wide as its longest name, the gap between boxes shrinks to one space,
        // and a row that still does not fit goes on under itself.
        let label_w = rows.iter().map(|(a, _)| a.len()).max().unwrap_or(0) + 2;
        let row_w = |gap: &str| {
            rows.iter()
                .map(|(_, idx)| {
                    3 + label_w
                        + idx
                            .iter()
                            .map(|i| chip(*i, gap).content.chars().count())
                            .sum::<usize>()
                })
                .max()
                .unwrap_or(0)
        };
        let gap = if row_w("  ") <= width { "  " } else { " " };
        let mut lines = Vec::new();
        for (area, idx) in rows {
            let mut spans = vec![Span::styled(format!("   {area:<label_w$}"), theme.dim())];
            let mut used = 3 + label_w;
            for i in idx {
                let span = chip(i, gap);
                let w = span.content.chars().count();
                if used + w > width && spans.len() > 1 {
                    lines.push(Line::from(std::mem::take(&mut spans)));
                    spans.push(Span::raw(" ".repeat(3 + label_w)));
                    used = 3 + label_w;
                }
                used += w;
                spans.push(span);
            }
            lines.push(Line::from(spans));
        }
        return lines;
    }
    if options.is_empty() {
        return vec![Line::styled("   (none to choose from)", theme.dim())];
    }
    // As many lines as the choices need, never cut at the edge: every option is seen before
    // it is ticked; then how many are ticked.
    let mut lines = Vec::new();
    let mut spans = vec![Span::raw("   ")];
    let mut used = 3;
    for i in 0..options.len() {
        let span = chip(i, "  ");
        let w = span.content.chars().count();
        if used + w > width && spans.len() > 1 {
            lines.push(Line::from(std::mem::take(&mut spans)));
            spans.push(Span::raw("   "));
            used = 3;
        }
        used += w;
        spans.push(span);
    }
    lines.push(Line::from(spans));
    let ticked = chosen.iter().filter(|c| **c).count();
    lines.push(Line::styled(
        format!("   {ticked} of {} chosen", options.len()),
        theme.dim(),
    ));
    lines
}

type Gauge = Box<dyn Fn(&Theme) -> Vec<Span<'static>>>;

/// On the package form: allocated + used against the package as typed, updated on every key.
fn live_gauge(open: &OpenForm, field: &Field) -> Option<Gauge> {
    if !matches!(open.purpose, Purpose::EditPackage { .. }) {
        return None;
    }
    let cap = open.data.capacity.as_ref()?;
    let d: DimensionUsage = match field.key {
        "max_tenants" => cap.max_tenants,
        "extensions" => cap.extensions,
        "concurrent_calls" => cap.concurrent_calls,
        "recording_minutes" => cap.recording_minutes,
        _ => return None,
    };
    let typed = field.number_value();
    let problem = field.server_error.clone().or_else(|| field.problem());
    Some(Box::new(move |theme: &Theme| {
        let taken = d.allocated + d.used;
        let as_typed = DimensionUsage {
            package: typed,
            free: typed.map(|p| p - taken),
            ..d
        };
        let free = as_typed
            .free
            .map(|f| f.to_string())
            .unwrap_or_else(|| "∞".into());
        let r = ratio(&as_typed).unwrap_or(0.0);
        let filled = (r.min(1.0) * 10.0).round() as usize;
        let bar = format!(
            "{}{}",
            theme.sym(Sym::Full).repeat(filled),
            theme.sym(Sym::Empty).repeat(10 - filled)
        );
        let mut spans = vec![
            Span::styled(
                format!("alloc {} used {} free {free:<6} ", d.allocated, d.used),
                if r > 1.0 { theme.error() } else { theme.dim() },
            ),
            Span::styled(bar, theme.gauge(r)),
        ];
        if let Some(p) = &problem {
            spans.push(Span::styled(
                format!(" {} {p}", theme.sym(Sym::Warning)),
                theme.error(),
            ));
        } else if r > 1.0 {
            spans.push(Span::styled(
                format!(" {} below what is taken", theme.sym(Sym::Warning)),
                theme.error(),
            ));
        }
        spans
    }))
}

/// Draws a yes/no question (default No), wrapped to the popup; with a name to type, its field.
pub fn draw_confirm(f: &mut Frame, c: &Confirm, theme: &Theme, area: Rect) {
    let width = 80.min(area.width);
    let inner = usize::from(width.saturating_sub(4)).max(10);
    let mut lines: Vec<Line> = wrap(&c.text, inner)
        .into_iter()
        .map(|l| Line::raw(format!(" {l}")))
        .collect();
    lines.push(Line::raw(""));
    match &c.typed {
        Some(t) => {
            lines.extend(
                wrap(&format!("Type {} to go ahead:", t.expected), inner)
                    .into_iter()
                    .map(|l| Line::raw(format!(" {l}"))),
            );
            lines.push(Line::styled(
                format!(" > {}_", t.input.value()),
                theme.warning(),
            ));
            if t.mismatch {
                lines.push(Line::styled(" that is not the name", theme.error()));
            }
            lines.push(Line::styled(
                " enter goes ahead once the name matches · esc: No, nothing changes",
                theme.dim(),
            ));
        }
        None => lines.push(Line::styled(
            " y: Yes · n, esc, enter or any other key: No, nothing changes",
            theme.dim(),
        )),
    }
    let rect = popup(area, width, lines.len() as u16 + 2);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" confirm ")
        .border_style(theme.warning());
    show(f, rect, block, lines);
}
