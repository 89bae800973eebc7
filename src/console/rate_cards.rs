//! The Rate cards tab: the cards the caller sees (grouped by kind) and the rates of the selected
//! card, paged by prefix as the selection moves and searched by prefix on the server; and the
//! live markup preview of the derive and edit forms. Every request carries a generation and only
//! the newest answer is shown.

use super::app::*;
use super::forms::Purpose;
use super::lists::ListState;
use super::msg::*;
use crate::client::ClientError;
use crate::model::*;

/// The tab's state.
#[derive(Debug, Default)]
pub struct RateCardsView {
    pub cards: ListState<RateCard>,
    pub rates: ListState<RateRow>,
    /// The card whose rates are shown (or on their way).
    pub rates_of: Option<String>,
    /// The prefix search sent with every rates request.
    pub prefix: String,
    /// The rates take the movement keys (after enter), else the cards do.
    pub focus_rates: bool,
    /// Generation of the latest markup preview request.
    pub preview_gen: u64,
    /// A write may have changed the shown rates: reload them once the cards are back.
    pub(super) rates_stale: bool,
}

impl RateCardsView {
    /// A fresh view whose generations continue from this one (an answer to a request made before
    /// a reset can never match a request made after it).
    pub fn fresh(&self) -> RateCardsView {
        RateCardsView {
            cards: ListState {
                generation: self.cards.generation + 1,
                ..ListState::default()
            },
            rates: ListState {
                generation: self.rates.generation + 1,
                ..ListState::default()
            },
            preview_gen: self.preview_gen + 1,
            ..RateCardsView::default()
        }
    }

    /// The selected card.
    pub fn selected(&self) -> Option<&RateCard> {
        self.cards.selected_item()
    }
}

/// The live preview of a derive or edit form.
#[derive(Debug, Clone, Default)]
pub struct Preview {
    pub generation: u64,
    /// What was last asked (None: the value is not an amount yet).
    pub request: Option<MarkupPreviewRequest>,
    pub parent_name: String,
    pub loading: bool,
    pub answer: Option<Result<MarkupPreview, String>>,
}

impl App {
    /// Moves the selection of the pane that has the keys; the rates follow the card.
    pub(super) fn move_on_rate_cards(&mut self, delta: isize) -> Vec<Command> {
        let v = &mut self.rate_cards;
        if v.focus_rates {
            v.rates.move_by(delta);
            return self.more_rates_if_needed();
        }
        v.cards.move_by(delta);
        let mut cmds = self.more_if_needed(Tab::RateCards);
        cmds.extend(self.rates_follow_selection());
        cmds
    }

    /// Loads the selected card's rates when they are not the ones shown (or may be stale).
    pub(super) fn rates_follow_selection(&mut self) -> Vec<Command> {
        let selected = self.rate_cards.selected().map(|c| c.id.clone());
        if selected == self.rate_cards.rates_of && !self.rate_cards.rates_stale {
            return vec![];
        }
        self.rate_cards.rates_stale = false;
        self.reload_rates()
    }

    /// Asks for the first page of the selected card's rates under the prefix (the newest wins);
    /// rows of another card never stay on screen meanwhile.
    pub(super) fn reload_rates(&mut self) -> Vec<Command> {
        let v = &mut self.rate_cards;
        let card = v.selected().map(|c| c.id.clone());
        let keep = v.rates_of == card;
        v.rates_of = card.clone();
        if !keep {
            v.rates = ListState {
                generation: v.rates.generation,
                ..ListState::default()
            };
        }
        let generation = v.rates.begin_reload();
        match card {
            Some(card_id) => vec![Command::LoadRates {
                card_id,
                prefix: v.prefix.clone(),
                cursor: None,
                generation,
            }],
            None => {
                v.rates.loading = false;
                vec![]
            }
        }
    }

    fn more_rates_if_needed(&mut self) -> Vec<Command> {
        let v = &mut self.rate_cards;
        let Some(card_id) = v.rates_of.clone() else {
            return vec![];
        };
        if !v.rates.wants_more() {
            return vec![];
        }
        match v.rates.begin_more() {
            Some((cursor, generation)) => vec![Command::LoadRates {
                card_id,
                prefix: v.prefix.clone(),
                cursor: Some(cursor),
                generation,
            }],
            None => vec![],
        }
    }

    /// The prefix search: digits only are sent (a prefix is digits), every change asks again.
    pub(super) fn set_rate_prefix(&mut self, text: &str) -> Vec<Command> {
        let prefix: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if prefix == self.rate_cards.prefix {
            return vec![];
        }
        self.rate_cards.prefix = prefix;
        self.rate_cards.focus_rates = true;
        self.reload_rates()
    }

    /// Enter: the rates take the keys. Esc: back to the cards, clearing the prefix search.
    pub(super) fn focus_rates(&mut self, on: bool) -> Vec<Command> {
        self.rate_cards.focus_rates = on && self.rate_cards.selected().is_some();
        if !on && !self.rate_cards.prefix.is_empty() {
            self.rate_cards.prefix.clear();
            return self.reload_rates();
        }
        vec![]
    }

    pub(super) fn on_rate_cards_page(
        &mut self,
        append: bool,
        result: Result<Page<RateCard>, ClientError>,
    ) -> Vec<Command> {
        match accept(&mut self.rate_cards.cards, append, result) {
            Ok(()) => self.rates_follow_selection(),
            Err(e) => self.on_error(e, "loading rate cards"),
        }
    }

    pub(super) fn on_rates_page(
        &mut self,
        append: bool,
        result: Result<Page<RateRow>, ClientError>,
    ) -> Vec<Command> {
        match result {
            // The card went away meanwhile (deleted here or elsewhere): the reloaded cards move on.
            Err(e) if e.status() == Some(404) => {
                let rates = &mut self.rate_cards.rates;
                rates.items.clear();
                rates.view.clear();
                rates.total = 0;
                rates.loading = false;
                vec![]
            }
            result => accept(&mut self.rate_cards.rates, append, result)
                .map_or_else(|e| self.on_error(e, "loading rates"), |_| vec![]),
        }
    }

    /// After a key in a derive or edit form: preview the markup when what it stands for changed.
    pub(super) fn preview_if_changed(&mut self) -> Vec<Command> {
        let Some(open) = self.form.as_mut() else {
            return vec![];
        };
        if !matches!(
            open.purpose,
            Purpose::DeriveRateCard { .. } | Purpose::EditRateCard { .. }
        ) {
            return vec![];
        }
        let request =
            super::rate_card_forms::preview_request(&open.purpose, &open.form, &open.data);
        let preview = open.preview.get_or_insert_with(Preview::default);
        if preview.request == request && (preview.answer.is_some() || preview.loading) {
            return vec![];
        }
        if request.is_none() && preview.request.is_none() && preview.generation != 0 {
            return vec![];
        }
        self.rate_cards.preview_gen += 1;
        preview.generation = self.rate_cards.preview_gen;
        preview.request = request.clone();
        // The last answer stays on screen until the new one comes (no flicker while typing).
        match request {
            Some(request) => {
                preview.parent_name = super::rate_card_forms::parent_name(&request, &open.data);
                preview.loading = true;
                vec![Command::PreviewMarkup {
                    request,
                    generation: preview.generation,
                }]
            }
            None => {
                preview.loading = false;
                preview.answer = None;
                vec![]
            }
        }
    }

    pub(super) fn on_preview(
        &mut self,
        generation: u64,
        result: Result<MarkupPreview, ClientError>,
    ) -> Vec<Command> {
        let Some(preview) = self
            .form
            .as_mut()
            .and_then(|o| o.preview.as_mut())
            .filter(|p| p.generation == generation)
        else {
            self.dirty = false;
            return vec![];
        };
        preview.loading = false;
        if matches!(result, Err(ClientError::Network(_))) {
            self.online = false;
        }
        preview.answer = Some(result.map_err(|e| describe(&e)));
        vec![]
    }
}

/// A refusal in words. Where the error's details say more than its sentence (the prefixes that
/// would sell below cost, the CSV lines that are wrong), the console says it in its own terms.
pub fn refusal(e: &ClientError) -> String {
    let text = describe(e);
    let Some(details) = e.details() else {
        return text;
    };
    if e.code() == Some("below_cost")
        && let Some(prefixes) = details.get("prefixes").and_then(|p| p.as_array())
    {
        let list: Vec<&str> = prefixes.iter().filter_map(|p| p.as_str()).collect();
        let count = details
            .get("count")
            .and_then(|c| c.as_i64())
            .unwrap_or(list.len() as i64);
        let more = if count as usize > 6 { ", …" } else { "" };
        return format!(
            "sells below cost on {count} prefix(es): {}{more}; tick allow below cost to accept",
            list.iter().take(6).copied().collect::<Vec<_>>().join(", ")
        );
    }
    if let Some(lines) = details.get("lines").and_then(|l| l.as_array())
        && !lines.is_empty()
    {
        let shown: Vec<String> = lines
            .iter()
            .take(3)
            .map(|l| {
                format!(
                    "line {}: {}",
                    l.get("line").and_then(|n| n.as_i64()).unwrap_or(0),
                    l.get("message").and_then(|m| m.as_str()).unwrap_or("?")
                )
            })
            .collect();
        let more = lines.len().saturating_sub(shown.len());
        let tail = if more > 0 {
            format!("; and {more} more")
        } else {
            String::new()
        };
        return format!(
            "{} bad line(s) in the file: {}{tail}",
            lines.len(),
            shown.join("; ")
        );
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::console::forms::FormData;
    use crate::console::widgets::form::Kind;

    fn card(id: &str) -> RateCard {
        serde_json::from_value(serde_json::json!({
            "id": id, "kind": "carrier", "name": "Carrier", "currency": "USD",
            "dealer_id": "d", "dealer_name": "D", "parent_card_id": null,
            "parent_card_name": null, "markup": null, "allow_below_cost": false,
            "rate_count": 1, "tenant_count": 0, "created_at": "", "updated_at": "",
            "version": 1
        }))
        .unwrap()
    }

    fn preview(count: i64) -> MarkupPreview {
        MarkupPreview {
            rate_count: count,
            sample: vec![],
            lowest_margin: None,
            below_cost_count: 0,
            below_cost_prefixes: vec![],
        }
    }

    fn type_markup(app: &mut App, value: &str) -> Vec<Command> {
        let open = app.form.as_mut().unwrap();
        if let Some(Kind::Text { input, .. }) = open.form.field_mut("markup").map(|f| &mut f.kind) {
            *input = tui_input::Input::new(value.into());
        }
        app.preview_if_changed()
    }

    fn generation(cmds: &[Command]) -> u64 {
        match cmds {
            [Command::PreviewMarkup { generation, .. }] => *generation,
            other => panic!("one preview request, not {other:?}"),
        }
    }

    #[test]
    fn the_newest_preview_wins_and_an_unchanged_markup_is_not_asked_again() {
        let options = Options {
            color: false,
            ascii: true,
            show_latency: false,
        };
        let mut app = App::new(ProfileInfo::default(), options, String::new());
        let data = FormData {
            rate_cards: vec![card("p")],
            ..FormData::default()
        };
        app.form = Some(OpenForm {
            form: super::super::rate_card_forms::derive_form(Some("p"), "d", &data),
            purpose: Purpose::DeriveRateCard {
                parent_id: Some("p".into()),
                dealer_id: "d".into(),
            },
            data,
            version: 0,
            preview: None,
        });
        assert!(app.preview_if_changed().is_empty(), "no value yet");
        let first = generation(&type_markup(&mut app, "10"));
        let second = generation(&type_markup(&mut app, "20"));
        assert!(second > first);
        assert!(
            type_markup(&mut app, "20").is_empty(),
            "same markup, no request"
        );
        app.on_preview(second, Ok(preview(2)));
        app.on_preview(first, Ok(preview(1)));
        let shown = app.form.as_ref().unwrap().preview.as_ref().unwrap();
        assert_eq!(
            shown.answer.as_ref().unwrap().as_ref().unwrap().rate_count,
            2,
            "a late answer to an older request is dropped"
        );
        assert!(
            type_markup(&mut app, "x").is_empty(),
            "not an amount: nothing asked"
        );
        assert!(
            app.form
                .as_ref()
                .unwrap()
                .preview
                .as_ref()
                .unwrap()
                .answer
                .is_none()
        );
    }
}
