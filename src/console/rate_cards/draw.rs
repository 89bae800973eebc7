//! The Rate cards tab: the cards grouped by kind above the rates of the selected card; and the
//! live markup preview shown under the derive and edit forms.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};

use crate::console::app::App;
use crate::console::columns::headers;
use crate::console::rate_cards::forms::markup_label;
use crate::console::rate_cards::rows::RATE_HEADERS;
use crate::console::rate_cards::state::Preview;
use crate::console::tab::Tab;
use crate::console::theme::{Sym, Theme};
use crate::console::widgets::table::grid;
use crate::model::{RateCardKind, RateRow};

pub fn draw(f: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let v = &app.rate_cards;
    // The cards take what they need, up to two fifths; the rates get the rest.
    let wanted = v.cards.view.len().max(1) as u16 + 3;
    let cards_h = wanted.min(area.height * 2 / 5).max(5.min(area.height));
    let [top, bottom] =
        Layout::vertical([Constraint::Length(cards_h), Constraint::Min(3)]).areas(area);

    let loading = if v.cards.loading {
        " · loading…"
    } else {
        ""
    };
    let title = format!(" Rate cards ({}{loading}) ", v.cards.view.len());
    let block = Block::default().borders(Borders::ALL).title(title);
    grid(
        f,
        &v.cards,
        headers(Tab::RateCards),
        block,
        theme,
        top,
        true,
        |_| None,
    );

    let block = Block::default()
        .borders(Borders::ALL)
        .title(rates_title(app));
    if v.rates_of.is_none() {
        let text = if v.cards.loaded && v.cards.view.is_empty() {
            "no rate cards to show"
        } else {
            "select a card to see its rates"
        };
        f.render_widget(
            ratatui::widgets::Paragraph::new(Span::styled(text, theme.dim())).block(block),
            bottom,
        );
        return;
    }
    grid(
        f,
        &v.rates,
        RATE_HEADERS,
        block,
        theme,
        bottom,
        v.focus_rates,
        |r: &RateRow| below_cost(r).then(|| theme.error()),
    );
}

/// A derived rate that sells for less than it costs.
fn below_cost(r: &RateRow) -> bool {
    r.margin.as_deref().is_some_and(|m| m.starts_with('-'))
}

fn rates_title(app: &App) -> String {
    let v = &app.rate_cards;
    let card = v
        .rates_of
        .as_ref()
        .and_then(|id| v.cards.items.iter().find(|c| &c.id == id));
    let Some(card) = card else {
        return " Rates ".into();
    };
    let count = format!("{} of {}", v.rates.items.len(), v.rates.total);
    let prefix = if v.prefix.is_empty() {
        String::new()
    } else {
        format!(" · prefix {}", v.prefix)
    };
    let loading = if v.rates.loading {
        " · loading…"
    } else {
        ""
    };
    let how = if v.focus_rates {
        " · esc back to the cards"
    } else {
        " · enter to browse, / prefix"
    };
    let costs = if card.kind == RateCardKind::Provider {
        " · your costs"
    } else {
        ""
    };
    format!(
        " Rates of {} ({} {}{costs}) ({count}{prefix}{loading}){how} ",
        card.name,
        card.kind.as_str(),
        card.currency
    )
}

/// The preview of a markup as typed: sample rates from cost to sell, the lowest margin, and
/// the prefixes that would sell below cost (in the warning style).
pub fn preview_lines(p: &Preview, allowed: bool, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let Some(req) = &p.request else {
        lines.push(Line::styled(
            " type a markup value to see what it sells at",
            theme.dim(),
        ));
        return lines;
    };
    let loading = if p.loading { " · previewing…" } else { "" };
    let head = match &p.answer {
        Some(Ok(a)) => format!(
            " over {} · {} {} · {} prefixes{loading}",
            p.parent_name,
            req.markup.kind.as_str(),
            markup_label(Some(&req.markup)),
            a.rate_count
        ),
        _ => format!(" over {}{loading}", p.parent_name),
    };
    lines.push(Line::styled(head, theme.title()));
    match &p.answer {
        None => lines.push(Line::styled(" previewing…", theme.dim())),
        Some(Err(e)) => lines.push(Line::styled(
            format!(" {} {e}", theme.sym(Sym::Warning)),
            theme.error(),
        )),
        Some(Ok(a)) => {
            lines.push(Line::styled(
                format!(
                    " {:<9}{:<24}{:>10}   {:>10}{:>11}",
                    "prefix", "destination", "cost", "sell", "margin"
                ),
                theme.dim(),
            ));
            for r in a.sample.iter().take(5) {
                let style = if below_cost(r) {
                    theme.error()
                } else {
                    ratatui::style::Style::default()
                };
                lines.push(Line::styled(
                    format!(
                        " {:<9}{:<24}{:>10} → {:>10}{:>11}",
                        cut(&r.prefix, 8),
                        cut(&r.destination, 23),
                        r.cost.clone().unwrap_or_default(),
                        r.rate,
                        r.margin.clone().unwrap_or_default()
                    ),
                    style,
                ));
            }
            if let Some(low) = &a.lowest_margin {
                lines.push(Line::raw(format!(
                    " lowest margin {} at {} {}",
                    low.margin.clone().unwrap_or_default(),
                    low.prefix,
                    low.destination
                )));
            }
            if a.below_cost_count == 0 {
                lines.push(Line::styled(" no prefix sells below cost", theme.ok()));
            } else {
                let mut shown: Vec<String> =
                    a.below_cost_prefixes.iter().take(10).cloned().collect();
                if a.below_cost_count as usize > shown.len() {
                    shown.push("…".into());
                }
                lines.push(Line::from(vec![Span::styled(
                    format!(
                        " {} {} prefix(es) would sell below cost: {}",
                        theme.sym(Sym::Warning),
                        a.below_cost_count,
                        shown.join(", ")
                    ),
                    theme.warning(),
                )]));
                lines.push(Line::styled(
                    if allowed {
                        "   allowed: it will be saved as it is"
                    } else {
                        "   saving is refused unless allow below cost is ticked"
                    },
                    theme.dim(),
                ));
            }
        }
    }
    lines
}

fn cut(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}
