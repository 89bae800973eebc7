//! Made-up rows of every kind the console lists, as the server would answer them: varied names
//! (a word list picked by a fixed hash of the row number) so that sorting and fuzzy matching see
//! realistic text, and the same rows on every run.

use dealerctl::model::*;

const FIRST: &[&str] = &[
    "Bluebird",
    "Harbor",
    "Riverside",
    "Coastal",
    "Northwind",
    "Lakeside",
    "Summit",
    "Southgate",
    "Maple",
    "Cedar",
    "Granite",
    "Silver",
    "Golden",
    "Pine",
    "Willow",
    "Meadow",
    "Falcon",
    "Beacon",
    "Redwood",
    "Juniper",
    "Aurora",
    "Orchard",
    "Highland",
    "Sterling",
    "Prairie",
    "Ironbridge",
    "Kingsway",
    "Westfield",
    "Ashford",
    "Brookside",
    "Crescent",
    "Evergreen",
];

const SECOND: &[&str] = &[
    "Cafe",
    "Dental",
    "Marina",
    "Bakery",
    "Hotel",
    "Clinic",
    "Legal",
    "Books",
    "Florist",
    "Gym",
    "Tailor",
    "Ferries",
    "Kayaks",
    "Surf School",
    "Logistics",
    "Motors",
    "Pharmacy",
    "Studio",
    "Garage",
    "Academy",
    "Accounting",
    "Architects",
    "Veterinary",
    "Brewery",
    "Pizzeria",
    "Plumbing",
    "Roofing",
    "Opticians",
    "Realty",
    "Insurance",
    "Consulting",
    "Dance School",
];

/// A fixed scramble of the row number (splitmix64's finaliser), so neighbours differ.
fn mix(i: usize) -> u64 {
    let mut z = (i as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn words(i: usize) -> (&'static str, &'static str) {
    let h = mix(i);
    (
        FIRST[(h % FIRST.len() as u64) as usize],
        SECOND[((h >> 16) % SECOND.len() as u64) as usize],
    )
}

const AT: time::OffsetDateTime = time::macros::datetime!(2026-11-23 10:15:00 UTC);

/// A tenant's name, e.g. "Cedar Pharmacy 4711".
pub fn tenant_name(i: usize) -> String {
    let (a, b) = words(i);
    format!("{a} {b} {i}")
}

fn slug(s: &str) -> String {
    s.to_lowercase().replace(' ', "-")
}

pub fn tenant(i: usize) -> Tenant {
    let (a, b) = words(i);
    let h = mix(i);
    Tenant {
        id: format!("tenant-{i}").into(),
        dealer_id: format!("dealer-{}", i % 10_000).into(),
        dealer_name: format!("Reseller {}", i % 10_000),
        name: tenant_name(i),
        domain: format!("{}-{}-{i}.pbx.example", slug(a), slug(b)),
        extensions: 3 + (h % 120) as i64,
        concurrent_calls: 1 + (h % 30) as i64,
        recording_minutes: if h % 5 == 0 { 600 } else { 0 },
        high_availability: h % 7 == 0,
        enabled: h % 50 != 0,
        effective_enabled: h % 50 != 0,
        rate_card_id: (h % 3 == 0).then(|| "card-1".into()),
        rate_card_name: (h % 3 == 0).then(|| "Retail standard".into()),
        created_at: AT,
        updated_at: AT,
        version: 1,
    }
}

fn usage(package: i64, allocated: i64, used: i64) -> DimensionUsage {
    DimensionUsage {
        package: Some(package),
        allocated,
        used,
        free: Some(package - allocated - used),
        subtree_used: allocated / 2 + used,
    }
}

pub fn dealer(i: usize) -> Dealer {
    let (a, b) = words(i);
    let level = [Level::Distributor, Level::SubDistributor, Level::Reseller][i % 3];
    Dealer {
        id: format!("dealer-{i}").into(),
        parent_id: Some("dealer-root".into()),
        level,
        name: format!("{a} {b} Comms {i}"),
        display_name: format!("{a} {b} Communications"),
        email: format!("ops@{}.example", slug(a)),
        phone: "+44 20 7946 0000".into(),
        address: "1 High Street".into(),
        notes: String::new(),
        enabled: true,
        effective_enabled: true,
        package: Package {
            max_tenants: Some(100),
            extensions: Some(5_000),
            concurrent_calls: Some(400),
            recording_minutes: Some(20_000),
            high_availability: true,
            min_extensions_per_tenant: 0,
        },
        children_count: 2,
        tenants_count: 3,
        users_count: 1,
        groups_count: 1,
        path: None,
        capacity: None,
        created_at: AT,
        updated_at: AT,
        version: 1,
    }
}

pub fn capacity(i: usize) -> Capacity {
    let h = (mix(i) % 40) as i64;
    Capacity {
        dealer_id: format!("dealer-{i}").into(),
        max_tenants: usage(100, 40 + h, 3),
        extensions: usage(5_000, 3_000, 80 + h),
        concurrent_calls: usage(400, 250, 20 + h),
        recording_minutes: usage(20_000, 12_000, 0),
        high_availability: true,
        min_extensions_per_tenant: 0,
        tenants_below_minimum: 0,
    }
}

pub fn provider() -> Dealer {
    Dealer {
        id: "dealer-root".into(),
        parent_id: None,
        level: Level::Provider,
        name: "Acme Telecom".into(),
        package: Package::default(),
        ..dealer(0)
    }
}

pub fn user(i: usize) -> User {
    let (a, b) = words(i);
    User {
        id: format!("user-{i}").into(),
        dealer_id: format!("dealer-{}", i % 10_000).into(),
        dealer_name: format!("Reseller {}", i % 10_000),
        email: format!("{}.{}{i}@{}.example", slug(b), i % 97, slug(a)),
        display_name: format!("{a} {b} staff"),
        status: UserStatus::Active,
        enabled: true,
        group_ids: vec!["group-1".into()],
        last_sign_in_at: Some(AT),
        created_at: AT,
        updated_at: AT,
        version: 1,
    }
}

pub fn group(i: usize) -> Group {
    let (a, b) = words(i);
    Group {
        id: format!("group-{i}").into(),
        dealer_id: format!("dealer-{}", i % 10_000).into(),
        dealer_name: format!("Reseller {}", i % 10_000),
        name: format!("{a} {b} admins {i}"),
        description: "Runs the dealer's tenants and users".into(),
        permissions: Permission::all().into_iter().take(12).collect(),
        inherited: false,
        members_count: (mix(i) % 9) as i64,
        created_at: AT,
        updated_at: AT,
        version: 1,
    }
}

pub fn audit(i: usize) -> AuditEvent {
    AuditEvent {
        id: format!("event-{i}"),
        at: AT,
        actor_id: Some("user-1".into()),
        actor_email: Some(user(i % 500).email),
        impersonator_id: None,
        impersonator_email: None,
        api_key_id: None,
        api_key_name: None,
        action: ["tenant.create", "tenant.update", "user.sign_in"][i % 3].into(),
        object_type: "tenant".into(),
        object_id: Some(format!("tenant-{i}")),
        object_name: Some(tenant_name(i)),
        before: None,
        after: None,
        client_addr: Some("127.0.0.1".into()),
        request_id: Some(format!("req-{i}")),
        change_set: None,
    }
}

pub fn rate_card(i: usize) -> RateCard {
    let (a, b) = words(i);
    RateCard {
        id: format!("card-{i}").into(),
        kind: if i == 0 {
            RateCardKind::Carrier
        } else {
            RateCardKind::Customer
        },
        name: format!("{a} {b} retail {i}"),
        currency: "USD".into(),
        dealer_id: Some(format!("dealer-{}", i % 10_000).into()),
        dealer_name: Some(format!("Reseller {}", i % 10_000)),
        parent_card_id: (i > 0).then(|| "card-0".into()),
        parent_card_name: (i > 0).then(|| "Wholesale carrier".into()),
        markup: (i > 0).then(|| MarkupRule {
            kind: MarkupType::Percent,
            value: "30".into(),
        }),
        allow_below_cost: false,
        rate_count: 100_000,
        assigned_dealers: vec![],
        tenant_count: (mix(i) % 20) as i64,
        created_at: AT,
        updated_at: AT,
        version: 1,
    }
}

pub fn rate(i: usize) -> RateRow {
    let (a, b) = words(i);
    RateRow {
        prefix: format!("{}", 100_000 + i),
        destination: format!("{a} {b} - mobile"),
        rate: format!("0.{:06}", 10_000 + mix(i) % 50_000),
        connection_fee: "0.000000".into(),
        increment_first: 30,
        increment_next: 6,
        cost: Some("0.010796".into()),
        margin: Some("0.003239".into()),
    }
}

/// `GET /tree` of the provider: `rows - 1` children, dealers and tenants in turn.
pub fn tree(rows: usize) -> TreeNode {
    let children = (1..rows)
        .map(|i| {
            let is_dealer = i % 2 == 1;
            TreeNode {
                id: format!("node-{i}"),
                kind: if is_dealer {
                    NodeKind::Dealer
                } else {
                    NodeKind::Tenant
                },
                name: if is_dealer {
                    dealer(i).name
                } else {
                    tenant_name(i)
                },
                level: is_dealer.then_some(Level::Reseller),
                enabled: true,
                effective_enabled: true,
                children_count: if is_dealer { 1 } else { 0 },
                tenants_count: if is_dealer { 3 } else { 0 },
                children: vec![],
            }
        })
        .collect();
    TreeNode {
        id: "dealer-root".into(),
        kind: NodeKind::Dealer,
        name: "Acme Telecom".into(),
        level: Some(Level::Provider),
        enabled: true,
        effective_enabled: true,
        children_count: (rows / 2) as i64,
        tenants_count: (rows / 2) as i64,
        children,
    }
}
