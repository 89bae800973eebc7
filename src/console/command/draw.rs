//! The command line in the footer, with its completions above it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};

use crate::console::app::App;
use crate::console::theme::Theme;

/// Draws what is typed after `:` in the footer, and the completions just above it.
pub fn draw(
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
