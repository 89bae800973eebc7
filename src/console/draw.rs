//! Drawing: a pure function of the state. Header, tabs, the tab's view, footer, overlays.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::app::{App, Mode, Tab};
use super::keymap::{footer_hints, help_lines};
use super::theme::{Sym, Theme};
use super::views;

/// The smallest terminal the console draws in.
pub const MIN_SIZE: (u16, u16) = (80, 24);

/// Draws one frame.
pub fn draw(f: &mut Frame, app: &App) {
    let theme = Theme::new(app.options.color, app.options.ascii);
    let area = f.area();
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        let text = format!(
            "terminal too small: {}x{}, dealerctl needs at least {}x{}",
            area.width, area.height, MIN_SIZE.0, MIN_SIZE.1
        );
        f.render_widget(
            Paragraph::new(text)
                .wrap(Wrap { trim: true })
                .style(theme.error()),
            area,
        );
        return;
    }
    let [header, tabs, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_header(f, app, &theme, header);
    if let Some(form) = &app.signin {
        views::signin::draw(f, app, form, &theme, body.union(tabs));
        draw_footer(
            f,
            app,
            &theme,
            footer,
            &[("enter", "sign in"), ("tab", "next field"), ("esc", "quit")],
        );
        return;
    }
    if app.me.is_none() {
        let text = if app.online {
            "connecting…"
        } else {
            "cannot reach the server; retrying…"
        };
        f.render_widget(Paragraph::new(text).style(theme.dim()), body);
        return;
    }
    let (tabs, body) = match app.viewing_as() {
        Some(view) => {
            let [banner, tabs] = Layout::vertical([Constraint::Length(1), Constraint::Length(1)])
                .areas(tabs.union(Rect {
                    height: 1,
                    y: tabs.y + 1,
                    ..tabs
                }));
            draw_banner(f, app, view, &theme, banner);
            (
                tabs,
                Rect {
                    y: body.y + 1,
                    height: body.height.saturating_sub(1),
                    ..body
                },
            )
        }
        None => (tabs, body),
    };
    draw_tabs(f, app, &theme, tabs);
    match app.tab {
        Tab::Dealers => views::dealers::draw(f, app, &theme, body),
        Tab::RateCards => views::rate_cards::draw(f, app, &theme, body),
        tab => views::table::draw(f, app, tab, &theme, body),
    }
    let hints = footer_hints(app.tab);
    draw_footer(f, app, &theme, footer, &hints);
    if let Some(open) = &app.form {
        views::form_popup::draw(f, open, &theme, body);
        return;
    }
    if let Some(m) = &app.mover {
        views::mover::draw(f, m, &theme, body);
        return;
    }
    if let Some((theirs, own)) = &app.scope_report {
        views::reports::draw_scope(f, theirs, own.as_ref(), &theme, body);
        return;
    }
    if let Some(e) = &app.audit_detail {
        views::reports::draw_audit_event(f, e, &theme, body);
        return;
    }
    if let Some(c) = &app.confirm {
        views::form_popup::draw_confirm(f, c, &theme, body);
        return;
    }
    match &app.mode {
        Mode::Help => draw_help(f, &theme, body),
        Mode::Command(input) => draw_command(
            f,
            app,
            &theme,
            footer,
            body,
            input.value(),
            input.visual_cursor(),
        ),
        Mode::Filter(input) => {
            let text = format!("/{}", input.value());
            f.render_widget(Clear, footer);
            f.render_widget(Paragraph::new(text.clone()), footer);
            f.set_cursor_position((footer.x + 1 + input.visual_cursor() as u16, footer.y));
        }
        Mode::Normal => {}
    }
}

fn draw_header(f: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let mut spans = vec![Span::styled(" dealerctl ", theme.title())];
    let profile_style = if app.profile.production {
        theme.warning()
    } else {
        Style::default()
    };
    spans.push(Span::styled(
        format!(" {} ", app.profile.name),
        profile_style,
    ));
    spans.push(Span::raw(format!("· {} ", app.profile.server)));
    if let Some(me) = &app.me {
        spans.push(Span::raw(format!(
            "· {} ({}) ",
            me.user.email, me.dealer.name
        )));
    }
    let (sym, style, state) = if app.online {
        (Sym::Online, theme.ok(), String::new())
    } else {
        (Sym::Offline, theme.error(), " offline, retrying".into())
    };
    spans.push(Span::styled(theme.sym(sym), style));
    spans.push(Span::styled(state, style));
    if app.options.show_latency
        && let Some(l) = app.latency
    {
        spans.push(Span::raw(format!(" {} ms", l.as_millis())));
    }
    let left = Line::from(spans);
    f.render_widget(Paragraph::new(left), area);
    let help = Paragraph::new("? help ")
        .alignment(ratatui::layout::Alignment::Right)
        .style(theme.dim());
    f.render_widget(help, area);
}

/// The loud line on every screen while viewing as someone.
fn draw_banner(
    f: &mut Frame,
    app: &App,
    view: &crate::model::Impersonation,
    theme: &Theme,
    area: Rect,
) {
    let who = app
        .me
        .as_ref()
        .map(|m| {
            format!(
                "{} ({} {})",
                m.user.email,
                m.dealer.level.label(),
                m.dealer.name
            )
        })
        .unwrap_or_default();
    let until = view.expires_at.get(11..16).unwrap_or("");
    let _ = &view.real_user;
    let text = format!("▌VIEWING AS {who} · read-only · until {until} UTC · ctrl-x returns ▐");
    let text = if theme.ascii {
        text.replace(['▌', '▐'], "|")
    } else {
        text
    };
    f.render_widget(
        Paragraph::new(text)
            .style(theme.warning())
            .alignment(ratatui::layout::Alignment::Center),
        area,
    );
}

fn draw_tabs(f: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let mut spans = vec![Span::raw(" ")];
    for (i, tab) in Tab::ALL.iter().enumerate() {
        let label = format!("{} {}", i + 1, tab.title());
        let style = if *tab == app.tab {
            theme.active_tab()
        } else {
            Style::default()
        };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw("  "));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_footer(f: &mut Frame, app: &App, theme: &Theme, area: Rect, hints: &[(&str, &str)]) {
    let mut spans = vec![Span::raw(" ")];
    for (key, what) in hints {
        spans.push(Span::styled(key.to_string(), theme.key()));
        spans.push(Span::raw(format!(" {what}  ")));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
    if let Some(flash) = &app.flash {
        let (mark, style) = if flash.error {
            (theme.sym(Sym::Warning), theme.error())
        } else {
            ("✓", theme.ok())
        };
        let mark = if theme.ascii && !flash.error {
            "ok"
        } else {
            mark
        };
        let text = format!("{mark} {} ", flash.text);
        let width = (text.chars().count() as u16).min(area.width);
        let spot = Rect {
            x: area.x + area.width - width,
            width,
            ..area
        };
        f.render_widget(Clear, spot);
        f.render_widget(Paragraph::new(text).style(style), spot);
    }
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    super::widgets::popup::popup(area, width, height, super::widgets::popup::Anchor::Middle)
}

fn draw_help(f: &mut Frame, theme: &Theme, area: Rect) {
    let entries = help_lines();
    let line = |(keys, what, scope): &(String, &str, &str), key_w: usize| {
        let scope = if scope.is_empty() {
            String::new()
        } else {
            format!(" ({scope})")
        };
        Line::from(vec![
            Span::styled(format!("{keys:<key_w$} "), theme.key()),
            Span::raw(format!("{what}{scope}")),
        ])
    };
    let commands = Line::styled(
        ":dealers :tenants :packages :users :groups :rate-cards :audit :refresh :logout :q",
        theme.dim(),
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" keys (any key closes) ");
    // One column when it fits, else two side by side (24 rows is the smallest terminal).
    if entries.len() as u16 + 4 <= area.height {
        let mut lines: Vec<Line> = entries.iter().map(|e| line(e, 22)).collect();
        lines.push(Line::raw(""));
        lines.push(commands);
        let rect = centered(area, 88, lines.len() as u16 + 2);
        f.render_widget(Clear, rect);
        f.render_widget(Paragraph::new(lines).block(block), rect);
        return;
    }
    let half = entries.len().div_ceil(2);
    let rect = centered(area, area.width, half as u16 + 4);
    f.render_widget(Clear, rect);
    f.render_widget(block, rect);
    let inner = Rect {
        x: rect.x + 1,
        y: rect.y + 1,
        width: rect.width.saturating_sub(2),
        height: rect.height.saturating_sub(2),
    };
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(inner);
    let col = |part: &[(String, &'static str, &'static str)]| -> Vec<Line> {
        part.iter().map(|e| line(e, 16)).collect()
    };
    f.render_widget(Paragraph::new(col(&entries[..half])), left);
    let mut right_lines = col(&entries[half..]);
    right_lines.push(Line::raw(""));
    f.render_widget(Paragraph::new(right_lines), right);
    let bottom = Rect {
        y: inner.y + inner.height.saturating_sub(1),
        height: 1,
        ..inner
    };
    f.render_widget(Paragraph::new(commands), bottom);
}

fn draw_command(
    f: &mut Frame,
    app: &App,
    theme: &Theme,
    footer: Rect,
    body: Rect,
    typed: &str,
    cursor: usize,
) {
    f.render_widget(Clear, footer);
    f.render_widget(Paragraph::new(format!(":{typed}")), footer);
    f.set_cursor_position((footer.x + 1 + cursor as u16, footer.y));
    let options = app.completions(typed);
    if !typed.is_empty() && !options.is_empty() {
        let height = options.len().min(8) as u16;
        let rect = Rect {
            x: footer.x,
            y: footer.y.saturating_sub(height),
            width: 24.min(body.width),
            height,
        };
        f.render_widget(Clear, rect);
        let lines: Vec<Line> = options
            .iter()
            .take(8)
            .map(|o| Line::styled(format!(" :{o}"), theme.dim()))
            .collect();
        f.render_widget(Paragraph::new(lines), rect);
    }
}
