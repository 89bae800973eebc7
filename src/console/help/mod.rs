//! The help overlay (`?`): every key that does something on the current tab, and the commands
//! of the `:` line that apply there.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::console::keymap::help_lines;
use crate::console::tab::Tab;
use crate::console::theme::{Sym, Theme};
use crate::console::widgets::cells::cut;
use crate::console::widgets::popup::{Anchor, popup};

/// The commands of the `:` line on `tab`, in short lines so that they fit 80 columns.
pub fn commands(tab: Tab) -> Vec<&'static str> {
    let mut lines =
        vec![":dealers :tenants :packages :users :groups :rate-cards :refresh :logout :q"];
    lines.push(if tab.list().is_some() {
        ":goto TEXT :audit k=v :sort COLUMN [asc|desc] :export csv|json PATH"
    } else {
        ":goto TEXT :audit k=v (the tree: :sort and :export work on tables)"
    });
    lines.push(":profile [NAME] :as LOGIN :scope LOGIN");
    lines.push(":get KIND [NAME] [-q TEXT] :describe KIND NAME (as `dealerctl` takes them)");
    lines
}

/// Draws the help of `tab` over `area`.
pub fn draw(f: &mut Frame, theme: &Theme, tab: Tab, area: Rect) {
    let entries = help_lines(tab);
    // An entry in a column `col_w` wide: the keys whole, what they do cut with an ellipsis
    // where the column ends, so the two columns never run into each other.
    let ellipsis = theme.sym(Sym::Ellipsis);
    let line = |(keys, what, _): &(String, &str, &str), key_w: usize, col_w: usize| {
        let key_w = key_w.max(keys.chars().count());
        let text_w = col_w.saturating_sub(key_w + 2);
        Line::from(vec![
            Span::styled(format!("{keys:<key_w$} "), theme.key()),
            Span::raw(cut(what, text_w, ellipsis)),
        ])
    };
    let commands: Vec<Line> = commands(tab)
        .into_iter()
        .map(|text| Line::styled(text, theme.dim()))
        .collect();
    let block = Block::default().borders(Borders::ALL).title(format!(
        " keys of the {} tab (any key closes) ",
        tab.title()
    ));
    // One column when it fits, else two side by side (24 rows is the smallest terminal).
    if entries.len() as u16 + 4 + commands.len() as u16 <= area.height {
        let col_w = area.width.min(88).saturating_sub(2) as usize;
        let mut lines: Vec<Line> = entries.iter().map(|e| line(e, 22, col_w)).collect();
        lines.push(Line::raw(""));
        lines.extend(commands);
        let rect = popup(area, 88, lines.len() as u16 + 2, Anchor::Middle);
        f.render_widget(Clear, rect);
        f.render_widget(Paragraph::new(lines).block(block), rect);
        return;
    }
    let half = entries.len().div_ceil(2);
    let rect = popup(
        area,
        area.width,
        half as u16 + 3 + commands.len() as u16,
        Anchor::Middle,
    );
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
        let key_w = part.iter().map(|e| e.0.chars().count()).max().unwrap_or(0);
        part.iter()
            .map(|e| line(e, key_w, left.width as usize))
            .collect()
    };
    f.render_widget(Paragraph::new(col(&entries[..half])), left);
    let mut right_lines = col(&entries[half..]);
    right_lines.push(Line::raw(""));
    f.render_widget(Paragraph::new(right_lines), right);
    let bottom = Rect {
        y: inner.y + inner.height.saturating_sub(commands.len() as u16),
        height: (commands.len() as u16).min(inner.height),
        ..inner
    };
    f.render_widget(Paragraph::new(commands.to_vec()), bottom);
}
