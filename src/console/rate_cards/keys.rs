//! The Rate cards tab's keys and answers: the selection, paging of rates by prefix as the
//! selection moves, the prefix search, and the markup preview. Every request carries a
//! generation and only the newest answer is shown.

use crate::client::ClientError;
use crate::console::app::*;
use crate::console::lists::ListState;
use crate::console::msg::*;
use crate::console::rate_cards::state::Preview;
use crate::console::tab::Tab;
use crate::console::writes::Purpose;
use crate::model::*;

impl App {
    /// Moves the selection of the pane that has the keys; the rates follow the card.
    pub(crate) fn move_on_rate_cards(&mut self, delta: isize) -> Vec<Command> {
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
    pub(crate) fn rates_follow_selection(&mut self) -> Vec<Command> {
        let selected = self.rate_cards.selected().map(|c| c.id.clone());
        if selected == self.rate_cards.rates_of && !self.rate_cards.rates_stale {
            return vec![];
        }
        self.rate_cards.rates_stale = false;
        self.reload_rates()
    }

    /// Asks for the first page of the selected card's rates under the prefix (the newest wins);
    /// rows of another card never stay on screen meanwhile.
    pub(crate) fn reload_rates(&mut self) -> Vec<Command> {
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
    pub(crate) fn set_rate_prefix(&mut self, text: &str) -> Vec<Command> {
        let prefix: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if prefix == self.rate_cards.prefix {
            return vec![];
        }
        self.rate_cards.prefix = prefix;
        self.rate_cards.focus_rates = true;
        self.reload_rates()
    }

    /// Enter: the rates take the keys. Esc: back to the cards, clearing the prefix search.
    pub(crate) fn focus_rates(&mut self, on: bool) -> Vec<Command> {
        self.rate_cards.focus_rates = on && self.rate_cards.selected().is_some();
        if !on && !self.rate_cards.prefix.is_empty() {
            self.rate_cards.prefix.clear();
            return self.reload_rates();
        }
        vec![]
    }

    pub(crate) fn on_rate_cards_page(
        &mut self,
        append: bool,
        result: Result<Page<RateCard>, ClientError>,
    ) -> Vec<Command> {
        match accept(&mut self.rate_cards.cards, append, result) {
            Ok(()) => self.rates_follow_selection(),
            Err(e) => self.on_error(e, "loading rate cards"),
        }
    }

    pub(crate) fn on_rates_page(
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
    pub(crate) fn preview_if_changed(&mut self) -> Vec<Command> {
        let Some(open) = self.form.as_mut() else {
            return vec![];
        };
        if !matches!(
            open.purpose,
            Purpose::DeriveRateCard { .. } | Purpose::EditRateCard { .. }
        ) {
            return vec![];
        }
        let request = crate::console::rate_cards::forms::preview_request(
            &open.purpose,
            &open.form,
            &open.data,
        );
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
                preview.parent_name =
                    crate::console::rate_cards::forms::parent_name(&request, &open.data);
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

    pub(crate) fn on_preview(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::console::widgets::form::Kind;
    use crate::console::writes::FormData;

    fn card(id: &str) -> RateCard {
        serde_json::from_value(serde_json::json!({
            "id": id, "kind": "carrier", "name": "Carrier", "currency": "USD",
            "dealer_id": "d", "dealer_name": "D", "parent_card_id": null,
            "parent_card_name": null, "markup": null, "allow_below_cost": false,
            "rate_count": 1, "tenant_count": 0, "created_at": "1970-01-01T00:00:00Z",
            "updated_at": "1970-01-01T00:00:00Z",
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
            form: crate::console::rate_cards::forms::derive_form(Some("p"), "d", &data),
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
