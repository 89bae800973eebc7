//! The demo tree (`assets/demo.json`): a provider, distributors, sub-distributors, resellers,
//! tenants and users of each level in sensible groups, created through the same operations
//! and rules as any other data.

use serde::Deserialize;
use std::collections::HashMap;

use super::auth::password;
use super::auth::token::{hash_token, new_token};
use super::ops::{Acting, dealers, groups, rate_cards, tenants, users};
use super::store::{Actor, NewLinkToken, PageRequest, Scope, Store, now_micros};
use crate::model::*;

/// Every demo login signs in with this password.
pub const DEMO_PASSWORD: &str = "demo-password";

#[derive(Deserialize)]
struct DemoFile {
    provider: String,
    password: String,
    provider_users: Vec<DemoUser>,
    provider_tenants: Vec<DemoTenant>,
    dealers: Vec<DemoDealer>,
    #[serde(default)]
    rate_cards: Vec<DemoRateCard>,
}

/// A demo rate card: a carrier card with rates from a CSV asset, or a customer card with a
/// markup, handed to dealers below its owner or billing the tenants of a dealer.
#[derive(Deserialize)]
struct DemoRateCard {
    owner: String,
    name: String,
    #[serde(default)]
    currency: Option<String>,
    #[serde(default)]
    rates: Option<String>,
    #[serde(default)]
    parent: Option<String>,
    #[serde(default)]
    markup: Option<MarkupRule>,
    #[serde(default)]
    handed_to: Vec<String>,
    #[serde(default)]
    bills_tenants_of: Option<String>,
}

#[derive(Deserialize)]
struct DemoDealer {
    name: String,
    level: Level,
    parent: Option<String>,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    address: String,
    package: Package,
    groups: Vec<DemoGroup>,
    users: Vec<DemoUser>,
    tenants: Vec<DemoTenant>,
}

#[derive(Deserialize)]
struct DemoGroup {
    name: String,
    template: String,
}

#[derive(Deserialize)]
struct DemoUser {
    email: String,
    display_name: String,
    groups: Vec<String>,
}

#[derive(Deserialize)]
struct DemoTenant {
    name: String,
    domain: String,
    extensions: i64,
    concurrent_calls: i64,
    recording_minutes: i64,
    #[serde(default)]
    high_availability: bool,
    #[serde(default)]
    suspended: bool,
}

/// The demo logins, for the README and tests: (email, dealer).
pub fn demo_logins() -> Vec<(String, String)> {
    let Ok(file) = serde_json::from_str::<DemoFile>(include_str!("../../assets/demo.json")) else {
        return Vec::new();
    };
    let mut out: Vec<(String, String)> = file
        .provider_users
        .iter()
        .map(|u| (u.email.clone(), "provider".into()))
        .collect();
    for d in &file.dealers {
        out.extend(d.users.iter().map(|u| (u.email.clone(), d.name.clone())));
    }
    out
}

/// Fills a store that holds only the bootstrap provider with the demo tree.
pub async fn seed(store: &dyn Store) -> anyhow::Result<()> {
    let file: DemoFile = serde_json::from_str(include_str!("../../assets/demo.json"))?;
    let actor = Actor {
        email: Some("demo seed".into()),
        ..Actor::default()
    };
    let root_id = store
        .provider_id()
        .await?
        .ok_or_else(|| anyhow::anyhow!("the store has no provider yet"))?;
    let scope = Scope::of_account(root_id.clone());
    let hash = password::hash(file.password.clone()).await??;
    let mut ids: HashMap<String, String> = HashMap::new();
    ids.insert(String::new(), root_id.clone());
    let patch = DealerPatch {
        name: Some(file.provider.clone()),
        display_name: Some(file.provider.clone()),
        ..DealerPatch::default()
    };
    let at = Acting {
        store,
        scope: &scope,
        actor: &actor,
    };
    dealers::update_in(at, &root_id, None, patch).await?;

    let all_groups = |dealer_id: String| {
        let scope = scope.clone();
        async move {
            let page = PageRequest {
                limit: 1000,
                cursor: None,
                q: None,
            };
            store
                .list_groups(
                    &scope,
                    &GroupFilter {
                        dealer_id: Some(dealer_id.into()),
                    },
                    &page,
                )
                .await
        }
    };
    for t in &file.provider_tenants {
        add_tenant(store, &scope, &actor, &root_id, t).await?;
    }
    let provider_groups = all_groups(root_id.clone()).await?;
    for u in &file.provider_users {
        add_user(
            store,
            &scope,
            &actor,
            &root_id,
            u,
            &provider_groups.items,
            &hash,
        )
        .await?;
    }
    for d in &file.dealers {
        let parent = ids
            .get(d.parent.as_deref().unwrap_or(""))
            .cloned()
            .unwrap_or_else(|| root_id.clone());
        let dealer = dealers::create_in(
            at,
            NewDealer {
                parent_id: parent.into(),
                level: d.level,
                name: d.name.clone(),
                display_name: d.name.clone(),
                email: d.email.clone(),
                phone: d.phone.clone(),
                address: d.address.clone(),
                notes: String::new(),
                package: Some(d.package),
            },
        )
        .await?;
        ids.insert(d.name.clone(), dealer.id.to_string());
        for g in &d.groups {
            let t = crate::domain::permissions::template(&g.template)
                .ok_or_else(|| anyhow::anyhow!("no template {}", g.template))?;
            groups::create_in(
                at,
                NewGroup {
                    dealer_id: dealer.id.clone(),
                    name: g.name.clone(),
                    description: t.description,
                    permissions: t.permissions,
                    template: None,
                },
            )
            .await?;
        }
        for t in &d.tenants {
            add_tenant(store, &scope, &actor, &dealer.id, t).await?;
        }
        let groups = all_groups(dealer.id.to_string()).await?;
        for u in &d.users {
            add_user(store, &scope, &actor, &dealer.id, u, &groups.items, &hash).await?;
        }
    }
    ids.insert(file.provider.clone(), root_id.clone());
    add_rate_cards(store, &scope, &actor, &ids, &file.rate_cards).await
}

/// The demo carrier rates.
const DEMO_RATES: &str = include_str!("../../assets/demo_rates.csv");

async fn add_rate_cards(
    store: &dyn Store,
    scope: &Scope,
    actor: &Actor,
    dealers: &HashMap<String, String>,
    cards: &[DemoRateCard],
) -> anyhow::Result<()> {
    let dealer = |name: &str| {
        dealers
            .get(name)
            .cloned()
            .ok_or_else(|| anyhow::anyhow!("no demo dealer {name}"))
    };
    let at = Acting {
        store,
        scope,
        actor,
    };
    let mut card_ids: HashMap<String, String> = HashMap::new();
    for c in cards {
        let parent_card_id = match &c.parent {
            Some(p) => Some(
                card_ids
                    .get(p)
                    .cloned()
                    .ok_or_else(|| anyhow::anyhow!("no demo card {p}"))?,
            ),
            None => None,
        };
        let card = rate_cards::create_in(
            at,
            NewRateCard {
                dealer_id: dealer(&c.owner)?.into(),
                name: c.name.clone(),
                currency: c.currency.clone(),
                kind: parent_card_id.is_none().then_some(RateCardKind::Carrier),
                parent_card_id: parent_card_id.map(Into::into),
                markup: c.markup.clone(),
                allow_below_cost: false,
            },
        )
        .await?;
        if c.rates.is_some() {
            let rates = crate::domain::rates::parse_csv(DEMO_RATES, 10)
                .map_err(|bad| anyhow::anyhow!("demo rates: {} bad lines", bad.len()))?;
            rate_cards::rates::replace_in(at, &card.id, &rates, false).await?;
        }
        for to in &c.handed_to {
            let to = RateCardAssignment {
                dealer_id: Some(dealer(to)?.into()),
                ..RateCardAssignment::default()
            };
            rate_cards::assign::assign_in(at, &card.id, &to).await?;
        }
        if let Some(owner) = &c.bills_tenants_of {
            let filter = TenantFilter {
                dealer_id: Some(dealer(owner)?.into()),
                subtree: Some(false),
                enabled: None,
            };
            let page = PageRequest {
                limit: 1000,
                cursor: None,
                q: None,
            };
            for t in store.list_tenants(scope, &filter, &page).await?.items {
                let to = RateCardAssignment {
                    tenant_id: Some(t.id),
                    ..RateCardAssignment::default()
                };
                rate_cards::assign::assign_in(at, &card.id, &to).await?;
            }
        }
        card_ids.insert(c.name.clone(), card.id.to_string());
    }
    Ok(())
}

async fn add_tenant(
    store: &dyn Store,
    scope: &Scope,
    actor: &Actor,
    dealer_id: &str,
    t: &DemoTenant,
) -> anyhow::Result<()> {
    let at = Acting {
        store,
        scope,
        actor,
    };
    let tenant = tenants::create_in(
        at,
        NewTenant {
            dealer_id: dealer_id.into(),
            name: t.name.clone(),
            domain: t.domain.clone(),
            extensions: t.extensions,
            concurrent_calls: t.concurrent_calls,
            recording_minutes: t.recording_minutes,
            high_availability: t.high_availability,
            rate_card_id: None,
        },
    )
    .await?;
    if t.suspended {
        tenants::set_enabled_in(at, &tenant.id, false).await?;
    }
    Ok(())
}

async fn add_user(
    store: &dyn Store,
    scope: &Scope,
    actor: &Actor,
    dealer_id: &str,
    u: &DemoUser,
    groups: &[Group],
    password_hash: &str,
) -> anyhow::Result<()> {
    if store.login_record(&u.email).await?.is_some() {
        tracing::warn!(email = %u.email, "demo login already exists; left as it is");
        return Ok(());
    }
    let group_ids = u
        .groups
        .iter()
        .map(|name| {
            groups
                .iter()
                .find(|g| &g.name == name)
                .map(|g| g.id.clone())
                .ok_or_else(|| anyhow::anyhow!("demo group {name} not found"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let token = new_token();
    let link = NewLinkToken {
        token_hash: hash_token(&token),
        expires_at: now_micros() + 60_000_000,
    };
    let at = Acting {
        store,
        scope,
        actor,
    };
    let new = NewUser {
        dealer_id: dealer_id.into(),
        email: u.email.clone(),
        display_name: u.display_name.clone(),
        group_ids,
    };
    users::create_in(at, new, link).await?;
    let used = store
        .use_link_token(&hash_token(&token), password_hash, now_micros())
        .await?;
    anyhow::ensure!(used, "the demo login {} could not be activated", u.email);
    Ok(())
}
