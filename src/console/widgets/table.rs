//! A table drawing only its visible rows, with the loading, error and empty states.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row as TableRow, Table};

use crate::console::lists::{ListState, Row};
use crate::console::theme::{Sym, Theme};
use crate::console::widgets::cells::cut;

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
    let shown: Vec<(Vec<String>, Option<Style>)> = list.view
        [start..(start + visible).min(list.view.len())]
        .iter()
        .map(|idx| {
            let item = &list.items[*idx];
            let mut cells = item.cells();
            let style = mark(item);
            if style.is_some()
                && let Some(first) = cells.first_mut()
            {
                *first = format!("{} {first}", theme.sym(Sym::Warning));
            }
            (cells, style)
        })
        .collect();
    let needs: Vec<usize> = cols
        .iter()
        .enumerate()
        .map(|(c, (h, _))| {
            shown
                .iter()
                .filter_map(|(cells, _)| cells.get(c))
                .map(|s| s.chars().count())
                .chain([h.chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mins: Vec<usize> = cols.iter().map(|(_, w)| *w as usize).collect();
    let inner = area.width.saturating_sub(2) as usize;
    let widths = fit_widths(
        &mins,
        &needs,
        inner.saturating_sub(cols.len().saturating_sub(1)),
    );
    let ellipsis = theme.sym(Sym::Ellipsis);
    let fitted = |texts: &mut dyn Iterator<Item = &str>| -> Vec<Cell<'static>> {
        texts
            .zip(&widths)
            .map(|(t, w)| Cell::from(cut(t, *w, ellipsis)))
            .collect()
    };
    let rows: Vec<TableRow> = shown
        .iter()
        .enumerate()
        .map(|(i, (cells, style))| {
            let mut cells = fitted(&mut cells.iter().map(String::as_str));
            if let (Some(style), Some(first)) = (style, cells.first_mut()) {
                *first = first.clone().style(*style);
            }
            let row = TableRow::new(cells);
            if show_selected && start + i == list.selected {
                row.style(theme.selected())
            } else {
                row
            }
        })
        .collect();
    let header = TableRow::new(fitted(&mut cols.iter().map(|(h, _)| *h))).style(theme.title());
    let constraints: Vec<Constraint> = widths
        .iter()
        .map(|w| Constraint::Length(*w as u16))
        .collect();
    let t = Table::new(rows, constraints)
        .header(header)
        .block(block)
        .column_spacing(1);
    f.render_widget(t, area);
}

/// Each column's width in `room` characters (the spaces between columns already taken off).
/// When every cell fits, each column gets what its widest cell `needs` and the room to spare is
/// shared in proportion to those needs, so no single column takes a wide terminal's extra width.
/// When they do not all fit, each column keeps its minimum (`mins`, less when its cells are
/// narrower) and the rest is shared evenly, a column that needs less than its share made whole
/// first; below the minimums the widest column gives way first.
pub fn fit_widths(mins: &[usize], needs: &[usize], room: usize) -> Vec<usize> {
    let total: usize = needs.iter().sum();
    if total <= room {
        let spare = room - total;
        let mut widths: Vec<usize> = needs.iter().map(|n| n + spare * n / total.max(1)).collect();
        let mut left = room - widths.iter().sum::<usize>();
        for w in widths.iter_mut().filter(|w| **w > 0) {
            if left == 0 {
                break;
            }
            *w += 1;
            left -= 1;
        }
        return widths;
    }
    let mut widths: Vec<usize> = mins.iter().zip(needs).map(|(m, n)| *m.min(n)).collect();
    let floor: usize = widths.iter().sum();
    if floor <= room {
        // Water-filling: the room left is shared evenly among the columns still cut, and a
        // column that needs less than its share is made whole first, so short names are not cut
        // to give a long description a few more characters.
        let mut spare = room - floor;
        let mut lacking: Vec<usize> = (0..widths.len())
            .filter(|&i| widths[i] < needs[i])
            .collect();
        lacking.sort_by_key(|&i| needs[i] - widths[i]);
        while let Some(&first) = lacking.first() {
            let share = spare / lacking.len();
            let lack = needs[first] - widths[first];
            if lack <= share {
                widths[first] = needs[first];
                spare -= lack;
                lacking.remove(0);
                continue;
            }
            for &i in &lacking {
                widths[i] += share;
            }
            spare -= share * lacking.len();
            for &i in lacking.iter().take(spare) {
                widths[i] += 1;
            }
            break;
        }
        return widths;
    }
    while widths.iter().sum::<usize>() > room {
        let Some(widest) = widths.iter_mut().max() else {
            break;
        };
        if *widest <= 1 {
            break;
        }
        *widest -= 1;
    }
    widths
}

#[cfg(test)]
mod tests {
    use super::fit_widths;

    #[test]
    fn extra_width_is_shared_by_every_column() {
        // 60 characters needed, 120 available: each column doubles, none takes it all.
        assert_eq!(fit_widths(&[5, 5, 5], &[30, 20, 10], 120), [60, 40, 20]);
    }

    #[test]
    fn a_narrow_table_keeps_its_minimums_and_makes_short_columns_whole_first() {
        // Minimums 10 + 4 + 6 = 20, 10 to share: the description lacks 20, the dealer 4.
        let w = fit_widths(&[10, 4, 6], &[30, 4, 10], 30);
        assert_eq!(
            w,
            [16, 4, 10],
            "the dealer is whole, the description takes the rest"
        );
        // Two long columns share evenly.
        assert_eq!(fit_widths(&[5, 5], &[40, 30], 21), [10, 11]);
    }

    #[test]
    fn below_the_minimums_the_widest_gives_way() {
        assert_eq!(fit_widths(&[10, 4], &[20, 4], 10), [6, 4]);
    }
}
