//! The Rate cards tab through the message loop against a real server: what each dealer sees,
//! rates by prefix, deriving a card with the live preview (below cost refused at its field),
//! importing, assigning and deleting.

use crate::harness::Console;
use crate::snapshot;
use dealerctl::console::tab::Tab;
use dealerctl::model::*;

const W: u16 = 110;
const H: u16 = 30;

/// Moves the card selection onto the card with this name.
async fn select_card(c: &mut Console, name: &str) {
    c.keys("g").await;
    let at = c
        .app
        .rate_cards
        .cards
        .view
        .iter()
        .position(|i| c.app.rate_cards.cards.items[*i].name == name)
        .unwrap_or_else(|| panic!("{name} is not listed:\n{}", c.screen(W, H)));
    for _ in 0..at {
        c.keys("j").await;
    }
    assert_eq!(c.app.rate_cards.selected().unwrap().name, name);
}

async fn card_named(api: &dealerctl::client::ApiClient, name: &str) -> Option<RateCard> {
    api.list_rate_cards(
        &RateCardFilter::default(),
        &PageParams {
            limit: Some(1000),
            ..PageParams::default()
        },
    )
    .await
    .unwrap()
    .items
    .into_iter()
    .find(|c| c.name == name)
}

#[tokio::test]
async fn the_provider_sees_its_carrier_card_first_and_the_rates_follow_the_selection() {
    let mut c = Console::signed_in("admin@acme.example").await;
    c.keys("6").await;
    assert_eq!(c.app.tab, Tab::RateCards);
    let screen = c.screen(W, H);
    let kinds: Vec<RateCardKind> = c
        .app
        .rate_cards
        .cards
        .view
        .iter()
        .map(|i| c.app.rate_cards.cards.items[*i].kind)
        .collect();
    assert_eq!(kinds.first(), Some(&RateCardKind::Carrier), "{screen}");
    let mut sorted = kinds.clone();
    sorted.sort_by_key(|k| RateCardKind::ALL.iter().position(|a| a == k));
    assert_eq!(kinds, sorted, "grouped by kind");
    for card in [
        "Wholesale carrier",
        "Acme direct",
        "Distributor standard",
        "Coastal retail",
    ] {
        assert!(screen.contains(card), "{card}:\n{screen}");
    }
    assert!(
        screen.contains("Rates of Wholesale carrier (carrier USD)")
            && screen.contains("United States and Canada"),
        "the first card's rates show:\n{screen}"
    );
    snapshot!("rate_cards_provider", screen);

    // Down to a derived card: its computed rates come with cost and margin.
    select_card(&mut c, "Distributor standard").await;
    let derived = c.screen(W, H);
    assert!(
        derived.contains("Rates of Distributor standard (customer USD)"),
        "{derived}"
    );
    let us = c
        .app
        .rate_cards
        .rates
        .items
        .iter()
        .find(|r| r.prefix == "1")
        .expect("prefix 1 is priced");
    assert_eq!(
        (us.rate.as_str(), us.cost.as_deref(), us.margin.as_deref()),
        ("0.005040", Some("0.004200"), Some("0.000840")),
        "20 % over the carrier's 0.0042"
    );
}

#[tokio::test]
async fn a_reseller_sees_its_provider_card_and_its_own_never_the_carrier() {
    let mut c = Console::signed_in("staff@coastal.example").await;
    c.keys("6").await;
    let screen = c.screen(W, H);
    let names: Vec<(&str, RateCardKind)> = c
        .app
        .rate_cards
        .cards
        .view
        .iter()
        .map(|i| {
            let card = &c.app.rate_cards.cards.items[*i];
            (card.name.as_str(), card.kind)
        })
        .collect();
    assert_eq!(
        names,
        [
            ("Harbor retail", RateCardKind::Provider),
            ("Coastal retail", RateCardKind::Customer)
        ],
        "{screen}"
    );
    assert!(
        screen.contains("(from above)") && screen.contains("your costs"),
        "{screen}"
    );
    snapshot!("rate_cards_reseller", screen);
    // Nothing upstream of the provider card shows anywhere: not its rates, not its own card's.
    let provider_rates = c.screen(W, H);
    c.keys("j").await;
    let own_rates = c.screen(W, H);
    for s in [&screen, &provider_rates, &own_rates] {
        for upstream in [
            "Wholesale carrier",
            "Northwind wholesale",
            "Distributor standard",
        ] {
            assert!(!s.contains(upstream), "{upstream} leaked:\n{s}");
        }
    }
    let harbor = c.app.rate_cards.cards.items[c.app.rate_cards.cards.view[0]].clone();
    assert!(
        harbor.parent_card_name.is_none() && harbor.markup.is_none(),
        "a provider card carries no upstream details"
    );
}

#[tokio::test]
async fn the_rates_are_searched_by_prefix_on_the_server() {
    let mut c = Console::signed_in("admin@acme.example").await;
    c.keys("6<enter>/44").await;
    let screen = c.screen(W, H);
    let prefixes: Vec<&str> = c
        .app
        .rate_cards
        .rates
        .items
        .iter()
        .map(|r| r.prefix.as_str())
        .collect();
    assert_eq!(prefixes, ["44", "4420", "447"], "{screen}");
    assert!(
        screen.contains("United Kingdom - London")
            && !screen.contains("France")
            && screen.contains("prefix 44"),
        "{screen}"
    );
    snapshot!("rate_cards_prefix_search", screen);
    // Narrower as typed; esc clears the search and all rates come back.
    c.keys("7").await;
    assert_eq!(c.app.rate_cards.rates.items.len(), 1);
    c.keys("<esc>").await;
    assert!(c.app.rate_cards.prefix.is_empty());
    assert_eq!(c.app.rate_cards.rates.total, 20, "{}", c.screen(W, H));
    // Esc in the rates goes back to the cards.
    c.keys("<esc>").await;
    assert!(!c.app.rate_cards.focus_rates);
}

#[tokio::test]
async fn deriving_a_card_previews_the_markup_and_refuses_below_cost_at_its_field() {
    let mut c = Console::signed_in("admin@acme.example").await;
    c.keys("6n").await;
    let form = c.screen(W, H);
    assert!(
        form.contains("Derive a rate card")
            && form.contains("‹ Acme Telecom ›")
            && form.contains("‹ Wholesale carrier (carrier) ›"),
        "owner and parent come from the selected card:\n{form}"
    );
    c.keys("Promo<tab><tab><tab><tab>25").await;
    let preview = c.screen(W, H);
    assert!(
        preview.contains("over Wholesale carrier · percent +25% · 20 prefixes")
            && preview.contains("no prefix sells below cost")
            && preview.contains("0.004200 →   0.005250"),
        "{preview}"
    );
    snapshot!("derive_preview", preview);

    // An absolute price of 0.01 sells the dearer destinations below cost.
    c.keys("<up><right><right><down><bs><bs>0.01").await;
    let below = c.screen(W, H);
    assert!(
        below.contains("12 prefix(es) would sell below cost: 33, 336, 346, 39, 447, 4915")
            && below.contains("saving is refused unless allow below cost is ticked"),
        "{below}"
    );
    snapshot!("derive_below_cost", below);
    c.keys("<enter>").await;
    let refused = c.screen(W, H);
    let open = c.app.form.as_ref().expect("the form stays open");
    assert_eq!(
        open.form.fields[open.form.focus].key, "markup",
        "the refusal lands at the markup:\n{refused}"
    );
    assert!(
        open.form.field("markup").unwrap().server_error.is_some()
            && open.form.value("name") == "Promo"
            && open.form.value("markup") == "0.01",
        "what was typed is kept:\n{refused}"
    );
    assert!(
        refused.contains("sells below cost on 12 prefix(es): 33, 336")
            && refused.contains("allow below cost to accept"),
        "the refusal lists the prefixes, wrapped under the field:\n{refused}"
    );
    let api = c.client_as("admin@acme.example").await;
    assert!(card_named(&api, "Promo").await.is_none(), "nothing saved");

    // Ticked, it is saved as it is.
    c.keys("<tab> <enter>").await;
    assert!(c.app.form.is_none(), "{}", c.screen(W, H));
    assert!(c.screen(W, H).contains("created Promo"));
    let promo = card_named(&api, "Promo").await.expect("saved");
    assert!(promo.allow_below_cost);
    assert_eq!(
        promo.markup,
        Some(MarkupRule {
            kind: MarkupType::Absolute,
            value: promo.markup.as_ref().unwrap().value.clone()
        })
    );
    assert!(
        c.app
            .rate_cards
            .cards
            .items
            .iter()
            .any(|c| c.name == "Promo"),
        "the list is refreshed"
    );

    // And deleted again, after a question naming it.
    select_card(&mut c, "Promo").await;
    c.keys("<C-d>").await;
    assert!(
        c.screen(W, H).contains("Delete the rate card Promo?"),
        "{}",
        c.screen(W, H)
    );
    c.keys("y").await;
    assert!(
        c.screen(W, H).contains("deleted Promo"),
        "{}",
        c.screen(W, H)
    );
    assert!(card_named(&api, "Promo").await.is_none());
}

#[tokio::test]
async fn a_csv_file_is_imported_into_the_carrier_card_and_errors_keep_the_path() {
    let mut c = Console::signed_in("admin@acme.example").await;
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("rates.csv");
    std::fs::write(
        &good,
        "prefix,destination,rate,connection_fee,increment_first,increment_next\n\
         1,United States and Canada,0.004000,0,6,6\n\
         44,United Kingdom,0.007500,0,30,6\n",
    )
    .unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "prefix,destination,rate,connection_fee,increment_first,increment_next\n\
         1,United States and Canada,cheap,0,6,6\n",
    )
    .unwrap();
    c.keys("6u").await;
    assert!(
        c.screen(W, H)
            .contains("Import rates into Wholesale carrier")
    );
    let missing = dir.path().join("missing.csv");
    c.keys(&missing.display().to_string()).await;
    c.keys("<enter>").await;
    let refused = c.screen(W, H);
    assert!(
        refused.contains("cannot read") && refused.contains("missing.csv"),
        "{refused}"
    );
    assert_eq!(
        c.app.form.as_ref().unwrap().form.value("path"),
        missing.display().to_string(),
        "the path is kept"
    );
    // A file the server refuses: the bad line is named.
    for _ in 0.."missing.csv".len() {
        c.keys("<bs>").await;
    }
    c.keys("bad.csv<enter>").await;
    let lines = c.screen(W, H);
    assert!(c.app.form.is_some() && lines.contains("line 2"), "{lines}");
    for _ in 0.."bad.csv".len() {
        c.keys("<bs>").await;
    }
    c.keys("rates.csv<enter>").await;
    // It asks first, with what the import does to this card and the cards priced from it; No
    // keeps the form and the card as they were.
    let ask = c.screen(W, H);
    assert!(
        ask.contains("into Wholesale carrier? 0 rates added, 2")
            && ask.contains("changed, 18 removed")
            && ask.contains("Distributor"),
        "{ask}"
    );
    c.keys("n").await;
    assert!(c.app.form.is_some() && c.app.confirm.is_none());
    assert_eq!(c.app.rate_cards.rates.total, 20, "nothing imported");
    c.keys("<enter>y").await;
    assert!(c.app.form.is_none(), "{}", c.screen(W, H));
    assert!(c.screen(W, H).contains("imported"), "{}", c.screen(W, H));
    assert_eq!(
        c.app.rate_cards.rates.total, 2,
        "the shown rates are reloaded"
    );
    // Derived cards follow at once.
    let api = c.client_as("admin@acme.example").await;
    let standard = card_named(&api, "Distributor standard").await.unwrap();
    let rates = api
        .list_rates(&standard.id, &RateFilter::default(), &PageParams::default())
        .await
        .unwrap();
    assert_eq!(rates.items.len(), 2);
    assert_eq!(rates.items[0].rate, "0.004800");
}

#[tokio::test]
async fn a_card_is_assigned_to_a_child_dealer_and_import_refuses_derived_cards() {
    let mut c = Console::signed_in("admin@acme.example").await;
    c.keys("6").await;
    select_card(&mut c, "Acme direct").await;
    c.keys("u").await;
    assert!(c.app.form.is_none());
    assert!(
        c.screen(W, H).contains("import into a carrier card"),
        "{}",
        c.screen(W, H)
    );
    c.keys("a").await;
    let form = c.screen(W, H);
    assert!(
        form.contains("Assign Acme direct") && form.contains("‹ dealer · Bluebird Reseller ›"),
        "{form}"
    );
    c.keys("<enter>").await;
    assert!(
        c.screen(W, H)
            .contains("assigned the card to Bluebird Reseller"),
        "{}",
        c.screen(W, H)
    );
    let api = c.client_as("admin@acme.example").await;
    let card = card_named(&api, "Acme direct").await.unwrap();
    assert!(
        card.assigned_dealers
            .iter()
            .any(|d| d.name == "Bluebird Reseller"),
        "{card:?}"
    );
}

#[tokio::test]
async fn editing_a_derived_card_previews_at_once_and_saves_the_new_markup() {
    let mut c = Console::signed_in("admin@acme.example").await;
    c.keys("6").await;
    select_card(&mut c, "Acme direct").await;
    c.keys("e").await;
    let form = c.screen(W, H);
    assert!(
        form.contains("Edit Acme direct")
            && form.contains("‹ percent (cost × (1 + value/100)) ›")
            && form.contains("over Wholesale carrier · percent +40% · 20 prefixes"),
        "the markup as saved, previewed before any key:\n{form}"
    );
    c.keys("<tab><tab><bs><bs>55").await;
    assert!(
        c.screen(W, H).contains("percent +55%"),
        "{}",
        c.screen(W, H)
    );
    c.keys("<enter>").await;
    assert!(
        c.screen(W, H).contains("saved the rate card"),
        "{}",
        c.screen(W, H)
    );
    let api = c.client_as("admin@acme.example").await;
    let card = card_named(&api, "Acme direct").await.unwrap();
    let value = card.markup.unwrap().value;
    assert!(value == "55" || value.starts_with("55."), "{value}");
    // A card handed from above is not the caller's to edit (even with the right to edit cards).
    let mut coastal = Console::signed_in_with(
        "staff@coastal.example",
        &[Permission::Crud(Area::RateCards, Action::Update)],
    )
    .await;
    coastal.keys("6e").await;
    assert!(coastal.app.form.is_none());
    assert!(
        coastal.screen(W, H).contains("handed to you from above"),
        "{}",
        coastal.screen(W, H)
    );
}
