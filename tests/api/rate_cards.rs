//! Rate cards: carrier rates, chains of markups priced on read, the below-cost rule, CSV import
//! and export, and what a dealer below may never see of the cards above it.

use crate::helpers::*;
use dealerctl::client::ApiClient;
use dealerctl::model::*;

/// `prefix,destination,rate,connection_fee,increment_first,increment_next` lines.
fn csv(rows: &[(&str, &str, &str, &str, u32, u32)]) -> String {
    let mut out =
        String::from("prefix,destination,rate,connection_fee,increment_first,increment_next\n");
    for (p, d, r, f, a, b) in rows {
        out.push_str(&format!("{p},{d},{r},{f},{a},{b}\n"));
    }
    out
}

pub fn markup(kind: MarkupType, value: &str) -> MarkupRule {
    MarkupRule {
        kind,
        value: value.into(),
    }
}

pub async fn carrier(client: &ApiClient, owner: &str, name: &str, rates: String) -> RateCard {
    let card = client
        .create_rate_card(&NewRateCard {
            dealer_id: owner.into(),
            name: name.into(),
            currency: Some("USD".into()),
            kind: Some(RateCardKind::Carrier),
            ..NewRateCard::default()
        })
        .await
        .expect("carrier card created");
    client
        .import_rates(&card.id, rates)
        .await
        .expect("rates imported");
    card
}

pub async fn derive(
    client: &ApiClient,
    owner: &str,
    name: &str,
    parent: &str,
    m: MarkupRule,
) -> RateCard {
    client
        .create_rate_card(&NewRateCard {
            dealer_id: owner.into(),
            name: name.into(),
            parent_card_id: Some(parent.into()),
            markup: Some(m),
            ..NewRateCard::default()
        })
        .await
        .expect("customer card created")
}

pub async fn hand(client: &ApiClient, card: &str, dealer: &str) {
    client
        .assign_rate_card(
            card,
            &RateCardAssignment {
                dealer_id: Some(dealer.into()),
                ..RateCardAssignment::default()
            },
        )
        .await
        .expect("card handed down");
}

/// Provider → distributor → sub-distributor → reseller, each handing a marked-up card down.
struct Chain {
    app: TestApp,
    carrier: RateCard,
    dist_card: RateCard,
    sub_card: RateCard,
    retail: RateCard,
    dist: (Dealer, ApiClient),
    reseller: (Dealer, ApiClient),
}

async fn chain() -> Chain {
    let app = TestApp::start().await;
    let carrier = carrier(
        &app.admin,
        &app.provider_id,
        "Carrier secret",
        csv(&[
            ("44", "United Kingdom", "0.100000", "0.010000", 30, 6),
            (
                "4420",
                "United Kingdom - London",
                "0.050000",
                "0.010000",
                30,
                6,
            ),
            ("49", "Germany", "0.013579", "0", 60, 60),
        ]),
    )
    .await;
    let dist = app.dealer(&app.provider_id, Level::Distributor, 1000).await;
    let sub = app.dealer(&dist.id, Level::SubDistributor, 500).await;
    let res = app.dealer(&sub.id, Level::Reseller, 100).await;
    let dist_card = derive(
        &app.admin,
        &app.provider_id,
        "Dist plan",
        &carrier.id,
        markup(MarkupType::Percent, "10"),
    )
    .await;
    hand(&app.admin, &dist_card.id, &dist.id).await;
    let (_, dist_client) = app.dealer_admin(&dist.id).await;
    let sub_card = derive(
        &dist_client,
        &dist.id,
        "Sub plan",
        &dist_card.id,
        markup(MarkupType::Relative, "0.02"),
    )
    .await;
    hand(&dist_client, &sub_card.id, &sub.id).await;
    let (_, sub_client) = app.dealer_admin(&sub.id).await;
    let res_card = derive(
        &sub_client,
        &sub.id,
        "Reseller plan",
        &sub_card.id,
        markup(MarkupType::Percent, "0"),
    )
    .await;
    hand(&sub_client, &res_card.id, &res.id).await;
    let (_, res_client) = app.dealer_admin(&res.id).await;
    let retail = derive(
        &res_client,
        &res.id,
        "Retail",
        &res_card.id,
        markup(MarkupType::Percent, "50"),
    )
    .await;
    Chain {
        app,
        carrier,
        dist_card,
        sub_card,
        retail,
        dist: (dist, dist_client),
        reseller: (res, res_client),
    }
}

on_both_backends! {
#[tokio::test]
async fn a_chain_of_markups_prices_a_call_by_longest_prefix() {
    let c = chain().await;
    let res = &c.reseller.1;
    // London: 0.05 → +10 % 0.055 → +0.02 0.075 → +0 % → +50 % 0.1125. The fee follows the
    // percents only: 0.01 → 0.011 → 0.011 → 0.011 → 0.0165. 61 s bills 30 + 6 × 6 = 66 s:
    // 0.1125 × 66 / 60 + 0.0165.
    let q = res
        .quote(&c.retail.id, "+44 20 7946 0000", 61)
        .await
        .unwrap();
    assert_eq!(q.rate.prefix, "4420");
    assert_eq!((q.billed_seconds, q.price.as_str()), (66, "0.140250"));
    assert_eq!(
        (q.rate.rate.as_str(), q.rate.cost.as_deref()),
        ("0.112500", Some("0.075000"))
    );
    // A UK mobile falls back to 44: 0.1 → 0.195, fee 0.0165; 10 s bills the first 30 s.
    let q = res.quote(&c.retail.id, "447911123456", 10).await.unwrap();
    assert_eq!(
        (q.rate.prefix.as_str(), q.billed_seconds, q.price.as_str()),
        ("44", 30, "0.114000")
    );
    let e = expect_err(
        res.quote(&c.retail.id, "3312345", 10).await,
        422,
        "invalid_field",
    );
    assert_eq!(e.field(), Some("number"));
    // The rates page agrees with the quote, with cost and margin.
    let rows = res
        .list_rates(&c.retail.id, &RateFilter::default(), &page())
        .await
        .unwrap();
    let london = rows.items.iter().find(|r| r.prefix == "4420").unwrap();
    assert_eq!(
        (
            london.rate.as_str(),
            london.connection_fee.as_str(),
            london.cost.as_deref(),
            london.margin.as_deref()
        ),
        ("0.112500", "0.016500", Some("0.075000"), Some("0.037500"))
    );
}
}

on_both_backends! {
#[tokio::test]
async fn a_change_to_the_carrier_card_shows_at_once_in_every_derived_card() {
    let c = chain().await;
    c.app
        .admin
        .import_rates(
            &c.carrier.id,
            csv(&[
                ("44", "United Kingdom", "0.200000", "0.010000", 30, 6),
                (
                    "4420",
                    "United Kingdom - London",
                    "0.050000",
                    "0.010000",
                    30,
                    6,
                ),
                ("49", "Germany", "0.013579", "0", 60, 60),
                ("39", "Italy", "0.010000", "0", 60, 60),
            ]),
        )
        .await
        .unwrap();
    // 0.2 → 0.22 → 0.24 → 0.24 → 0.36.
    let q = c
        .reseller
        .1
        .quote(&c.retail.id, "447911123456", 60)
        .await
        .unwrap();
    assert_eq!(q.rate.rate, "0.360000");
    let dist_rates = c
        .dist
        .1
        .list_rates(
            &c.dist_card.id,
            &RateFilter {
                prefix: Some("44".into()),
            },
            &page(),
        )
        .await
        .unwrap();
    assert_eq!(dist_rates.items[0].rate, "0.220000");
    // The new prefix reaches the bottom of the chain too: 0.01 → 0.011 → 0.031 → 0.0465.
    let italy = c
        .reseller
        .1
        .list_rates(
            &c.retail.id,
            &RateFilter {
                prefix: Some("39".into()),
            },
            &page(),
        )
        .await
        .unwrap();
    assert_eq!((italy.total, italy.items[0].rate.as_str()), (1, "0.046500"));
    assert_eq!(
        c.reseller
            .1
            .get_rate_card(&c.retail.id)
            .await
            .unwrap()
            .rate_count,
        4
    );
}
}

on_both_backends! {
#[tokio::test]
async fn a_reseller_never_sees_the_carrier_card_or_any_field_of_it() {
    let c = chain().await;
    let res = &c.reseller.1;
    let hidden_ids = [&c.carrier.id, &c.dist_card.id, &c.sub_card.id];
    // By id, through every endpoint: 404, as for anything outside the scope.
    for id in hidden_ids {
        expect_err(res.get_rate_card(id).await, 404, "not_found");
        expect_err(
            res.list_rates(id, &RateFilter::default(), &page()).await,
            404,
            "not_found",
        );
        expect_err(
            res.export_rates(id, &RateFilter::default()).await,
            404,
            "not_found",
        );
        expect_err(res.quote(id, "44", 60).await, 404, "not_found");
        expect_err(
            res.preview_markup(&MarkupPreviewRequest {
                parent_card_id: id.to_string().into(),
                markup: markup(MarkupType::Percent, "10"),
            })
            .await,
            404,
            "not_found",
        );
        expect_err(
            res.create_rate_card(&NewRateCard {
                dealer_id: c.reseller.0.id.clone(),
                name: "Sneaky".into(),
                parent_card_id: Some(id.to_string().into()),
                markup: Some(markup(MarkupType::Percent, "1")),
                ..NewRateCard::default()
            })
            .await,
            404,
            "not_found",
        );
    }
    // Its provider card shows as such, with nothing upstream.
    let cards = res
        .list_rate_cards(&RateCardFilter::default(), &page())
        .await
        .unwrap();
    let names: Vec<&str> = cards.items.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Reseller plan", "Retail"]);
    let provider = &cards.items[0];
    assert_eq!(provider.kind, RateCardKind::Provider);
    assert_eq!(
        (
            &provider.dealer_id,
            &provider.parent_card_id,
            &provider.markup,
            provider.assigned_dealers.len()
        ),
        (&None, &None, &None, 0)
    );
    let provider_rates = res
        .list_rates(&provider.id, &RateFilter::default(), &page())
        .await
        .unwrap();
    assert!(
        provider_rates
            .items
            .iter()
            .all(|r| r.cost.is_none() && r.margin.is_none())
    );
    // Nothing the reseller can read anywhere names or prices the cards above it: every list,
    // page of rates, export and audit event, serialized and searched.
    let mut seen = serde_json::to_string(&cards).unwrap();
    for card in &cards.items {
        seen += &serde_json::to_string(&res.get_rate_card(&card.id).await.unwrap()).unwrap();
        seen += &serde_json::to_string(
            &res.list_rates(&card.id, &RateFilter::default(), &page())
                .await
                .unwrap(),
        )
        .unwrap();
        seen += &res
            .export_rates(&card.id, &RateFilter::default())
            .await
            .unwrap();
        seen += &serde_json::to_string(&res.quote(&card.id, "4420", 60).await.unwrap()).unwrap();
    }
    seen += &serde_json::to_string(&res.audit(&AuditFilter::default(), &page()).await.unwrap())
        .unwrap();
    seen += &serde_json::to_string(&res.me().await.unwrap()).unwrap();
    for secret in [
        c.carrier.id.as_str(),
        "Carrier secret",
        c.dist_card.id.as_str(),
        "Dist plan",
        c.sub_card.id.as_str(),
        "Sub plan",
        "0.013579", // the carrier's rate for 49
        "0.014937", // the distributor plan's (0.013579 × 1.1)
    ] {
        assert!(!seen.contains(secret), "the reseller saw {secret}");
    }
    // It may not change the card it was handed.
    expect_err(
        res.update_rate_card(
            &provider.id,
            None,
            &RateCardPatch {
                name: Some("Mine".into()),
                ..RateCardPatch::default()
            },
        )
        .await,
        403,
        "forbidden",
    );
}
}

on_both_backends! {
#[tokio::test]
async fn a_markup_below_cost_is_refused_with_the_prefixes_unless_allowed() {
    let c = chain().await;
    let admin = &c.app.admin;
    let new = |m: MarkupRule, allow: bool| NewRateCard {
        dealer_id: c.app.provider_id.clone().into(),
        name: format!("Cheap {}", m.value),
        parent_card_id: Some(c.carrier.id.clone()),
        markup: Some(m),
        allow_below_cost: allow,
        ..NewRateCard::default()
    };
    // An absolute 0.06 sells 44 (cost 0.1) below cost, but not 4420 (0.05) or 49.
    let e = expect_err(
        admin
            .create_rate_card(&new(markup(MarkupType::Absolute, "0.06"), false))
            .await,
        422,
        "below_cost",
    );
    assert_eq!(e.field(), Some("markup"));
    assert_eq!(e.details().unwrap()["prefixes"], serde_json::json!(["44"]));
    let preview = admin
        .preview_markup(&MarkupPreviewRequest {
            parent_card_id: c.carrier.id.clone(),
            markup: markup(MarkupType::Absolute, "0.06"),
        })
        .await
        .unwrap();
    assert_eq!((preview.rate_count, preview.below_cost_count), (3, 1));
    assert_eq!(preview.below_cost_prefixes, ["44"]);
    let lowest = preview.lowest_margin.unwrap();
    assert_eq!(
        (lowest.prefix.as_str(), lowest.margin.as_deref()),
        ("44", Some("-0.040000"))
    );
    // A negative relative markup sells everything below cost.
    let e = expect_err(
        admin
            .create_rate_card(&new(markup(MarkupType::Relative, "-0.001"), false))
            .await,
        422,
        "below_cost",
    );
    assert_eq!(e.details().unwrap()["count"], 3);
    // Allowed explicitly, it is made, and says so.
    let cheap = admin
        .create_rate_card(&new(markup(MarkupType::Absolute, "0.06"), true))
        .await
        .unwrap();
    assert!(cheap.allow_below_cost);
    // A patch is held to the same rule.
    let e = expect_err(
        admin
            .update_rate_card(
                &c.dist_card.id,
                None,
                &RateCardPatch {
                    markup: Some(markup(MarkupType::Percent, "-5")),
                    ..RateCardPatch::default()
                },
            )
            .await,
        422,
        "below_cost",
    );
    assert_eq!(e.details().unwrap()["count"], 3);
    // Bad rules are refused at the field.
    for bad in [
        markup(MarkupType::Percent, "abc"),
        markup(MarkupType::Absolute, "-1"),
        markup(MarkupType::Percent, "-100"),
    ] {
        let e = expect_err(
            admin.create_rate_card(&new(bad, true)).await,
            422,
            "invalid_field",
        );
        assert_eq!(e.field(), Some("markup"));
    }
}
}

on_both_backends! {
#[tokio::test]
async fn a_large_card_imports_pages_by_prefix_and_exports() {
    let app = TestApp::start().await;
    let mut text =
        String::from("prefix,destination,rate,connection_fee,increment_first,increment_next\n");
    for i in 0..100_000 {
        text.push_str(&format!("2{i:06},Zone {i},0.{:06},0,60,60\n", i % 1000 + 1));
    }
    let card = carrier(&app.admin, &app.provider_id, "Big carrier", text).await;
    let card = app.admin.get_rate_card(&card.id).await.unwrap();
    assert_eq!(card.rate_count, 100_000);
    let all = app
        .admin
        .list_rates(
            &card.id,
            &RateFilter::default(),
            &PageParams {
                limit: Some(1000),
                ..page()
            },
        )
        .await
        .unwrap();
    assert_eq!((all.total, all.items.len()), (100_000, 1000));
    assert!(all.next_cursor.is_some());
    // A prefix search pages through exactly the matching rates, in order.
    let filter = RateFilter {
        prefix: Some("2012".into()),
    };
    let mut prefixes = Vec::new();
    let mut cursor = None;
    loop {
        let p = app
            .admin
            .list_rates(
                &card.id,
                &filter,
                &PageParams {
                    limit: Some(300),
                    cursor: cursor.clone(),
                    ..page()
                },
            )
            .await
            .unwrap();
        assert_eq!(p.total, 1000);
        prefixes.extend(p.items.into_iter().map(|r| r.prefix));
        cursor = p.next_cursor;
        if cursor.is_none() {
            break;
        }
    }
    let expected: Vec<String> = (12_000..13_000).map(|i| format!("2{i:06}")).collect();
    assert_eq!(prefixes, expected);
    // A derived card prices all of them, and exports as CSV that parses back to its rates.
    let derived = derive(
        &app.admin,
        &app.provider_id,
        "Big retail",
        &card.id,
        markup(MarkupType::Percent, "25"),
    )
    .await;
    let exported = app.admin.export_rates(&derived.id, &filter).await.unwrap();
    let parsed = dealerctl::domain::rates::parse_csv(&exported, 5).unwrap();
    assert_eq!(parsed.len(), 1000);
    let first = &parsed[0];
    // 2012000: 0.000001 × (12000 % 1000 + 1) = 0.000001, +25 % rounds half up to 0.000001.
    assert_eq!(
        (first.prefix.as_str(), first.rate.to_string().as_str()),
        ("2012000", "0.000001")
    );
    let sixth = parsed.iter().find(|r| r.prefix == "2012006").unwrap();
    // 0.000007 × 1.25 = 0.00000875 → 0.000009.
    assert_eq!(sixth.rate.to_string(), "0.000009");
}
}

on_both_backends! {
#[tokio::test]
async fn an_import_reports_every_bad_line_and_stores_nothing() {
    let app = TestApp::start().await;
    let card = carrier(
        &app.admin,
        &app.provider_id,
        "C",
        csv(&[("1", "US", "0.01", "0", 6, 6)]),
    )
    .await;
    let bad = "prefix,destination,rate,connection_fee,increment_first,increment_next\n\
               1,US,0.01,0,6,6\n\
               x1,Bad prefix,0.01,0,6,6\n\
               44,UK,lots,0,6,6\n\
               1,Again,0.02,0,6,6\n\
               49,DE,0.01,0,0,6\n";
    let e = expect_err(
        app.admin.import_rates(&card.id, bad.into()).await,
        422,
        "invalid_field",
    );
    let lines: Vec<i64> = e.details().unwrap()["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["line"].as_i64().unwrap())
        .collect();
    assert_eq!(lines, [3, 4, 5, 6]);
    assert_eq!(
        app.admin.get_rate_card(&card.id).await.unwrap().rate_count,
        1
    );
    // A customer card has no rates of its own to import.
    let derived = derive(
        &app.admin,
        &app.provider_id,
        "D",
        &card.id,
        markup(MarkupType::Percent, "5"),
    )
    .await;
    let e = expect_err(
        app.admin
            .import_rates(&derived.id, csv(&[("1", "US", "0.01", "0", 6, 6)]))
            .await,
        422,
        "invalid_field",
    );
    assert_eq!(e.field(), Some("rates"));
}
}

on_both_backends! {
#[tokio::test]
async fn cards_are_handed_one_level_down_and_deleted_only_when_unused() {
    let c = chain().await;
    let admin = &c.app.admin;
    // Only the provider holds carrier cards.
    let e = expect_err(
        c.dist
            .1
            .create_rate_card(&NewRateCard {
                dealer_id: c.dist.0.id.clone(),
                name: "Own carrier".into(),
                currency: Some("USD".into()),
                kind: Some(RateCardKind::Carrier),
                ..NewRateCard::default()
            })
            .await,
        422,
        "invalid_field",
    );
    assert_eq!(e.field(), Some("kind"));
    // A card goes to a dealer directly below its owner, not further.
    let e = expect_err(
        admin
            .assign_rate_card(
                &c.dist_card.id,
                &RateCardAssignment {
                    dealer_id: Some(c.reseller.0.id.clone()),
                    ..RateCardAssignment::default()
                },
            )
            .await,
        422,
        "invalid_field",
    );
    assert_eq!(e.field(), Some("dealer_id"));
    // A tenant is billed only with a card its dealer owns or was handed.
    let t = c.app.tenant(&c.reseller.0.id, 5).await;
    let e = expect_err(
        admin
            .assign_rate_card(
                &c.dist_card.id,
                &RateCardAssignment {
                    tenant_id: Some(t.id.clone()),
                    ..RateCardAssignment::default()
                },
            )
            .await,
        422,
        "invalid_field",
    );
    assert_eq!(e.field(), Some("rate_card_id"));
    let retail = c
        .reseller
        .1
        .assign_rate_card(
            &c.retail.id,
            &RateCardAssignment {
                tenant_id: Some(t.id.clone()),
                ..RateCardAssignment::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(retail.tenant_count, 1);
    let t = c.reseller.1.get_tenant(&t.id).await.unwrap();
    assert_eq!(t.rate_card_name.as_deref(), Some("Retail"));
    // In use: by a tenant, by a dealer, by a derived card.
    let e = expect_err(
        c.reseller.1.delete_rate_card(&c.retail.id, None).await,
        409,
        "card_in_use",
    );
    assert!(e.to_string().contains("1 tenant"), "{e}");
    expect_err(
        admin.delete_rate_card(&c.dist_card.id, None).await,
        409,
        "card_in_use",
    );
    expect_err(
        admin.delete_rate_card(&c.carrier.id, None).await,
        409,
        "card_in_use",
    );
    let e = expect_err(
        c.dist
            .1
            .assign_rate_card(
                &c.sub_card.id,
                &RateCardAssignment {
                    dealer_id: Some(c.dist.0.id.clone()),
                    unassign: true,
                    ..RateCardAssignment::default()
                },
            )
            .await,
        422,
        "invalid_field",
    );
    assert_eq!(e.field(), Some("dealer_id"));
    // Free again, it goes.
    c.reseller
        .1
        .update_tenant(
            &t.id,
            Some(t.version),
            &TenantPatch {
                rate_card_id: Some(String::new().into()),
                ..TenantPatch::default()
            },
        )
        .await
        .unwrap();
    c.reseller
        .1
        .delete_rate_card(&c.retail.id, None)
        .await
        .unwrap();
    expect_err(
        c.reseller.1.get_rate_card(&c.retail.id).await,
        404,
        "not_found",
    );
    let events = admin.audit(&AuditFilter::default(), &page()).await.unwrap();
    let actions: Vec<&str> = events.items.iter().map(|e| e.action.as_str()).collect();
    for a in [
        "rate_card.delete",
        "tenant.update",
        "tenant.rate_card",
        "rate_card.assign",
        "rate_card.import",
        "rate_card.create",
    ] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
}
}

on_both_backends! {
#[tokio::test]
async fn an_upstream_change_that_would_sell_a_card_below_it_under_cost_is_refused() {
    let c = chain().await;
    let res = &c.reseller.1;
    // The reseller sells UK calls at a flat 0.2 (its cost is 0.13).
    let reseller_plan = res
        .list_rate_cards(
            &RateCardFilter {
                kind: Some(RateCardKind::Provider),
                ..RateCardFilter::default()
            },
            &page(),
        )
        .await
        .unwrap()
        .items
        .remove(0);
    let flat = derive(
        res,
        &c.reseller.0.id,
        "Flat",
        &reseller_plan.id,
        markup(MarkupType::Absolute, "0.2"),
    )
    .await;
    let before = res.quote(&flat.id, "447700900000", 60).await.unwrap();
    // A carrier rise to 0.2 would make it 0.24 at the reseller: refused, naming the card.
    let rise = csv(&[
        ("44", "United Kingdom", "0.200000", "0.010000", 30, 6),
        (
            "4420",
            "United Kingdom - London",
            "0.050000",
            "0.010000",
            30,
            6,
        ),
        ("49", "Germany", "0.013579", "0", 60, 60),
    ]);
    let e = expect_err(
        c.app.admin.import_rates(&c.carrier.id, rise).await,
        409,
        "below_cost_downstream",
    );
    assert_eq!(e.details().unwrap()["cards"][0]["name"], "Flat");
    assert!(e.to_string().contains("Flat"), "{e}");
    // So would the distributor doubling its markup.
    let e = expect_err(
        c.dist
            .1
            .update_rate_card(
                &c.sub_card.id,
                None,
                &RateCardPatch {
                    markup: Some(markup(MarkupType::Relative, "0.1")),
                    ..RateCardPatch::default()
                },
            )
            .await,
        409,
        "below_cost_downstream",
    );
    assert_eq!(e.details().unwrap()["cards"][0]["id"], flat.id.as_str());
    // Nothing changed.
    assert_eq!(
        res.quote(&flat.id, "447700900000", 60).await.unwrap(),
        before
    );
    assert_eq!(
        c.dist.1.get_rate_card(&c.sub_card.id).await.unwrap().markup,
        Some(markup(MarkupType::Relative, "0.020000"))
    );
    // Once the reseller allows selling below cost, the rise goes through.
    res.update_rate_card(
        &flat.id,
        None,
        &RateCardPatch {
            allow_below_cost: Some(true),
            ..RateCardPatch::default()
        },
    )
    .await
    .unwrap();
    c.app
        .admin
        .import_rates(
            &c.carrier.id,
            csv(&[("44", "United Kingdom", "0.200000", "0.010000", 30, 6)]),
        )
        .await
        .unwrap();
    let after = res.quote(&flat.id, "447700900000", 60).await.unwrap();
    assert_eq!(
        (after.rate.rate.as_str(), after.rate.cost.as_deref()),
        ("0.200000", Some("0.240000"))
    );
}
}

on_both_backends! {
#[tokio::test]
async fn carrier_cards_are_never_handed_down_or_billed_and_prices_never_go_below_zero() {
    let c = chain().await;
    let admin = &c.app.admin;
    let e = expect_err(
        admin
            .assign_rate_card(
                &c.carrier.id,
                &RateCardAssignment {
                    dealer_id: Some(c.dist.0.id.clone()),
                    ..RateCardAssignment::default()
                },
            )
            .await,
        422,
        "invalid_field",
    );
    assert_eq!(e.field(), Some("dealer_id"));
    let t = c.app.tenant(&c.app.provider_id, 5).await;
    let e = expect_err(
        admin
            .assign_rate_card(
                &c.carrier.id,
                &RateCardAssignment {
                    tenant_id: Some(t.id.clone()),
                    ..RateCardAssignment::default()
                },
            )
            .await,
        422,
        "invalid_field",
    );
    assert_eq!(e.field(), Some("rate_card_id"));
    // An empty import never wipes a carrier card.
    let e = expect_err(
        admin.import_rates(&c.carrier.id, csv(&[])).await,
        422,
        "invalid_field",
    );
    assert_eq!(e.field(), Some("rates"));
    assert_eq!(
        admin.get_rate_card(&c.carrier.id).await.unwrap().rate_count,
        3
    );
    // Below cost may be allowed; below zero never.
    let e = expect_err(
        admin
            .create_rate_card(&NewRateCard {
                dealer_id: c.app.provider_id.clone().into(),
                name: "Negative".into(),
                parent_card_id: Some(c.carrier.id.clone()),
                markup: Some(markup(MarkupType::Relative, "-0.05")),
                allow_below_cost: true,
                ..NewRateCard::default()
            })
            .await,
        422,
        "invalid_field",
    );
    assert!(e.to_string().contains("below zero"), "{e}");
    // A card taken back must not be in use by the dealer it was handed to.
    let e = expect_err(
        c.dist
            .1
            .assign_rate_card(
                &c.sub_card.id,
                &RateCardAssignment {
                    dealer_id: Some(sub_of(&c).await.into()),
                    unassign: true,
                    ..RateCardAssignment::default()
                },
            )
            .await,
        409,
        "card_in_use",
    );
    assert!(e.to_string().contains("1 card"), "{e}");
    let spare = c
        .app
        .dealer(&c.app.provider_id, Level::Distributor, 10)
        .await;
    hand(admin, &c.dist_card.id, &spare.id).await;
    let card = admin
        .assign_rate_card(
            &c.dist_card.id,
            &RateCardAssignment {
                dealer_id: Some(spare.id.clone()),
                unassign: true,
                ..RateCardAssignment::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        card.assigned_dealers
            .iter()
            .map(|d| d.id.as_str())
            .collect::<Vec<_>>(),
        [c.dist.0.id.as_str()]
    );
}
}

/// The sub-distributor the distributor handed its card to.
async fn sub_of(c: &Chain) -> String {
    c.dist
        .1
        .get_rate_card(&c.sub_card.id)
        .await
        .unwrap()
        .assigned_dealers[0]
        .id
        .clone()
}
