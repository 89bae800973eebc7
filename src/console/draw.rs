//! Drawing: a pure function of the state. Header, tabs, the tab's view, footer, overlays.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::app::{App, Mode, form_popup};
use super::columns::headers;
use super::keymap::footer_hints;
use super::tab::Tab;
use super::theme::{Sym, Theme};
use super::widgets::table::table;
use super::{
    audit, command, dealers, describe, goto, help, packages, rate_cards, signin, tenants, users,
    view_as,
};
use crate::model::Permission;

/// The smallest terminal the console draws in.
pub const MIN_SIZE: (u16, u16) = (80, 24);

/// Draws one frame; with `--ascii`, every character of it in ASCII.
pub fn draw(f: &mut Frame, app: &App) {
    draw_frame(f, app);
    if app.options.ascii {
        for cell in f.buffer_mut().content.iter_mut() {
            let symbol = cell.symbol();
            if !symbol.is_ascii() {
                let mut ascii = [0; 4];
                let c = symbol.chars().next().map_or(' ', super::theme::ascii_char);
                cell.set_symbol(c.encode_utf8(&mut ascii));
            }
        }
    }
}

fn draw_frame(f: &mut Frame, app: &App) {
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
        signin::draw::draw(f, app, form, &theme, body.union(tabs));
        draw_footer(
            f,
            app,
            &theme,
            footer,
            &[
                ("enter", "sign in", None),
                ("tab", "next field", None),
                ("esc", "quit", None),
            ],
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
        Tab::Dealers => dealers::draw::draw(f, app, &theme, body),
        Tab::RateCards => rate_cards::draw::draw(f, app, &theme, body),
        tab => draw_list(f, app, tab, &theme, body),
    }
    let hints = offered_hints(app);
    draw_footer(f, app, &theme, footer, &hints);
    if let Some(open) = &app.form {
        form_popup::draw(f, open, &theme, body);
        // The question a save asks first goes over its form.
        if let Some(c) = &app.confirm {
            form_popup::draw_confirm(f, c, &theme, body);
        }
        return;
    }
    if let Some(p) = &app.api_keys {
        crate::console::api_keys::draw::draw(f, p, &theme, body);
        if let Some(c) = &app.confirm {
            form_popup::draw_confirm(f, c, &theme, body);
        }
        return;
    }
    if let Some(m) = &app.mover {
        tenants::move_draw::draw(f, m, &theme, body);
        return;
    }
    if let Some((theirs, own)) = &app.scope_report {
        view_as::draw::draw_scope(f, theirs, own.as_ref(), &theme, body);
        return;
    }
    if let Some(p) = &app.goto {
        goto::draw::draw(f, p, &theme, body);
        return;
    }
    if let Some(d) = &app.description {
        describe::draw::draw(f, d, &theme, body);
        return;
    }
    if let Some(e) = &app.audit_detail {
        audit::draw::draw_event(f, e, &theme, body);
        return;
    }
    if let Some(c) = &app.confirm {
        form_popup::draw_confirm(f, c, &theme, body);
        return;
    }
    match &app.mode {
        Mode::Help => help::draw(f, &theme, app.tab, body),
        Mode::Command(input) => command::draw::draw(
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
    // On a narrow terminal the dealer's name, then the server, give way, so the connection's
    // state and `? help` always show.
    let help_w = "? help ".len();
    // After the login: the state mark, " offline, retrying" and " 123 ms" at most.
    let state_w =
        1 + if app.online { 0 } else { 18 } + if app.options.show_latency { 8 } else { 0 };
    let fixed = spans.iter().map(|s| s.width()).sum::<usize>() + help_w + state_w + 1;
    let server = format!("· {} ", app.profile.server);
    let login = app.me.as_ref().map(|me| {
        (
            format!("· {} ({}) ", me.user.email, me.dealer.name),
            format!("· {} ", me.user.email),
        )
    });
    let room = (area.width as usize).saturating_sub(fixed);
    let (long, short) = login.unwrap_or_default();
    for part in [
        vec![server.clone(), long.clone()],
        vec![server, short.clone()],
        vec![short],
    ]
    .into_iter()
    .find(|parts| parts.iter().map(|p| p.chars().count()).sum::<usize>() <= room)
    .unwrap_or_default()
    {
        spans.push(Span::raw(part));
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
    let left_area = Rect {
        width: area.width.saturating_sub(help_w as u16),
        ..area
    };
    f.render_widget(Paragraph::new(left), left_area);
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
    let until = super::widgets::cells::utc_text(
        &view.expires_at,
        time::macros::format_description!("[hour]:[minute]"),
    );
    let _ = &view.real_user;
    let email = app
        .me
        .as_ref()
        .map(|m| m.user.email.clone())
        .unwrap_or_default();
    // The way back (`ctrl-x`) always shows: on a narrow terminal the rest gives way first.
    let width = area.width as usize;
    let text = [
        format!("▌VIEWING AS {who} · read-only · until {until} UTC · ctrl-x returns ▐"),
        format!("▌VIEWING AS {who} · read-only · until {until} · ctrl-x returns ▐"),
        format!("▌VIEWING AS {email} · read-only · until {until} UTC · ctrl-x returns ▐"),
        format!("▌VIEWING AS {email} · read-only · ctrl-x returns ▐"),
    ]
    .into_iter()
    .find(|t| t.chars().count() <= width)
    .unwrap_or_else(|| {
        let tail = " · ctrl-x returns ▐";
        let room = width.saturating_sub("▌VIEWING AS ".chars().count() + tail.chars().count());
        format!(
            "▌VIEWING AS {}{tail}",
            super::widgets::cells::cut(&email, room, theme.sym(Sym::Ellipsis))
        )
    });
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

/// The tab's hints as this login may use them: no write hint in a read-only session, and the
/// permission each lacking write needs (its hint is dimmed).
fn offered_hints(app: &App) -> Vec<(&'static str, &'static str, Option<Permission>)> {
    let read_only = app.read_only_reason().is_some();
    footer_hints(app.tab)
        .into_iter()
        .filter(|(_, _, a)| !(read_only && a.writes()))
        .map(|(key, what, a)| (key, what, app.lacks(a).filter(|_| a.writes())))
        .collect()
}

/// The footer: key hints (dimmed where the login lacks the permission) and the flash.
fn draw_footer(
    f: &mut Frame,
    app: &App,
    theme: &Theme,
    area: Rect,
    hints: &[(&str, &str, Option<Permission>)],
) {
    let mut spans = vec![Span::raw(" ")];
    for (key, what, lacking) in hints {
        let (key_style, text_style) = match lacking {
            Some(_) => (theme.dim(), theme.dim()),
            None => (theme.key(), Style::default()),
        };
        spans.push(Span::styled(key.to_string(), key_style));
        spans.push(Span::styled(format!(" {what}  "), text_style));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
    // A running export's progress takes the flash's place until it ends.
    let progress = app.exporting.as_ref().map(|p| super::app::Flash {
        id: 0,
        text: if p.total > 0 {
            format!("exporting… {} of {} rows", p.done, p.total)
        } else {
            "exporting…".to_string()
        },
        error: false,
    });
    if let Some(flash) = progress.as_ref().or(app.flash.as_ref()) {
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

/// A list tab: its table, with the rows that need a look marked.
fn draw_list(f: &mut Frame, app: &App, tab: Tab, theme: &Theme, area: Rect) {
    let (name, cols) = (tab.title(), headers(tab));
    match tab {
        Tab::Tenants => table(f, &app.tenants, name, cols, theme, area, |_| None),
        Tab::Packages => table(f, &app.packages, name, cols, theme, area, |p| {
            packages::rows::mark(p, theme)
        }),
        Tab::Users => table(f, &app.users, name, cols, theme, area, |u| {
            users::rows::mark(u, theme)
        }),
        Tab::Groups => table(f, &app.groups, name, cols, theme, area, |_| None),
        Tab::Audit => {
            let q = &app.audit_query;
            let mut name = name.to_string();
            if q.narrows() {
                name = format!("{name} [{}]", q.describe());
            }
            if q.follow {
                name.push_str(" following");
            }
            table(f, &app.audit, &name, cols, theme, area, |_| None)
        }
        Tab::Dealers | Tab::RateCards => {}
    }
}
