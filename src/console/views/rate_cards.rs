//! The Rate cards tab: says whether the server offers rate cards.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::console::app::App;
use crate::console::theme::Theme;

pub fn draw(f: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let text = match &app.rate_cards {
        None => "checking whether this server offers rate cards…".to_string(),
        Some(Ok(())) => String::new(),
        Some(Err(why)) => why.clone(),
    };
    let block = Block::default().borders(Borders::ALL).title(" Rate cards ");
    f.render_widget(Paragraph::new(text).style(theme.dim()).block(block), area);
}
