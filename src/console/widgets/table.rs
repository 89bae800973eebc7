//! A table drawing only its visible rows, with the loading, error and empty states.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row as TableRow, Table};

use crate::console::lists::{ListState, Row};
use crate::console::theme::{Sym, Theme};

/// A list as a bordered table titled with its name, count, filter, loading state and sort.
pub fn table<T: Row>(
    f: &mut Frame,
    list: &ListState<T>,
    name: &str,
    cols: &[(&str, u16)],
    theme: &Theme,
    area: Rect,
    mark: impl Fn(&T) -> Option<Style>,
) {
    let count = if list.filter.is_empty() {
        format!("{} of {}", list.items.len(), list.total)
    } else if list.server_q.is_some() {
        format!(
            "{} of {} matching /{} at the server",
            list.view.len(),
            list.total,
            list.filter
        )
    } else {
        format!("{} matching /{}", list.view.len(), list.filter)
    };
    let loading = if list.loading { " · loading…" } else { "" };
    let sort = cols.get(list.sort_col).map(|(h, _)| *h).unwrap_or("");
    let dir = if list.sort_desc { "desc" } else { "asc" };
    let title = format!(" {name} ({count}{loading}) sorted by {sort} {dir} ");
    let block = Block::default().borders(Borders::ALL).title(title);
    grid(f, list, cols, block, theme, area, true, mark);
}

/// A list's visible rows under its headers, inside `block`; or why there are none. The selected
/// row shows in reverse video when `show_selected`.
#[allow(clippy::too_many_arguments)]
pub fn grid<T: Row>(
    f: &mut Frame,
    list: &ListState<T>,
    cols: &[(&str, u16)],
    block: Block,
    theme: &Theme,
    area: Rect,
    show_selected: bool,
    mark: impl Fn(&T) -> Option<Style>,
) {
    if let Some(why) = &list.unavailable {
        f.render_widget(
            Paragraph::new(Span::styled(why.as_str(), theme.dim())).block(block),
            area,
        );
        return;
    }
    if let Some(e) = &list.error
        && list.items.is_empty()
    {
        let text = vec![
            Line::styled(e.clone(), theme.error()),
            Line::raw("press r to try again"),
        ];
        f.render_widget(Paragraph::new(text).block(block), area);
        return;
    }
    if list.view.is_empty() {
        let text = if list.loading {
            "loading…"
        } else if list.filter.is_empty() {
            "nothing here yet"
        } else {
            "no match"
        };
        // Only the words are dimmed: a restyled border would be sent to the terminal again.
        f.render_widget(
            Paragraph::new(Span::styled(text, theme.dim())).block(block),
            area,
        );
        return;
    }
    // Only the rows that fit are turned into cells.
    let visible = area.height.saturating_sub(3) as usize;
    let start = list.selected.saturating_sub(visible.saturating_sub(1));
    let rows: Vec<TableRow> = list.view[start..(start + visible).min(list.view.len())]
        .iter()
        .enumerate()
        .map(|(i, idx)| {
            let item = &list.items[*idx];
            let mut cells: Vec<Cell> = item.cells().into_iter().map(Cell::from).collect();
            if let Some(style) = mark(item) {
                if let Some(first) = cells.first_mut() {
                    let text = format!("{} {}", theme.sym(Sym::Warning), item.cells()[0]);
                    *first = Cell::from(text).style(style);
                }
            }
            let row = TableRow::new(cells);
            if show_selected && start + i == list.selected {
                row.style(theme.selected())
            } else {
                row
            }
        })
        .collect();
    let widths: Vec<Constraint> = cols
        .iter()
        .map(|(_, w)| {
            if *w == 0 {
                Constraint::Min(20)
            } else {
                Constraint::Length(*w)
            }
        })
        .collect();
    let header = TableRow::new(cols.iter().map(|(h, _)| Cell::from(*h))).style(theme.title());
    let t = Table::new(rows, widths)
        .header(header)
        .block(block)
        .column_spacing(1);
    f.render_widget(t, area);
}
