//! The sign-in screen: profile, server, e-mail and password.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::console::app::App;
use crate::console::signin::SignIn;
use crate::console::theme::Theme;
use crate::console::widgets::wrap::wrap;

pub fn draw(f: &mut Frame, app: &App, form: &SignIn, theme: &Theme, area: Rect) {
    let width = 60.min(area.width);
    let rect = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + 2,
        width,
        height: 12.min(area.height),
    };
    f.render_widget(Clear, rect);
    let field = |label: &str, value: String, focused: bool| {
        let style = if focused {
            theme.selected()
        } else {
            ratatui::style::Style::default()
        };
        Line::from(vec![
            Span::raw(format!(" {label:<10}")),
            Span::styled(format!("{value:<40}"), style),
        ])
    };
    let masked = "•".repeat(form.password.value().chars().count());
    let masked = if theme.ascii {
        "*".repeat(masked.chars().count())
    } else {
        masked
    };
    let mut lines = vec![
        Line::raw(format!(" profile   {}", app.profile.name)),
        Line::raw(format!(" server    {}", app.profile.server)),
        Line::raw(""),
        field("e-mail", form.email.value().to_string(), form.focus == 0),
        field("password", masked, form.focus == 1),
        Line::raw(""),
    ];
    if form.busy {
        lines.push(Line::styled(" signing in…", theme.dim()));
    } else if let Some(e) = &form.error {
        // Wrapped, not cut: why sign-in failed is the one thing this screen must show whole.
        let inner = usize::from(width.saturating_sub(3)).max(10);
        for part in wrap(e, inner).into_iter().take(3) {
            lines.push(Line::styled(format!(" {part}"), theme.error()));
        }
    }
    lines.push(Line::styled(
        format!(" the session is kept in: {}", app.store_label),
        theme.dim(),
    ));
    let block = Block::default().borders(Borders::ALL).title(" sign in ");
    f.render_widget(Paragraph::new(lines).block(block), rect);
    let (input, row) = if form.focus == 0 {
        (&form.email, 4)
    } else {
        (&form.password, 5)
    };
    if !form.busy {
        f.set_cursor_position((rect.x + 12 + input.visual_cursor() as u16, rect.y + row));
    }
}
