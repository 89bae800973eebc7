//! The dealer forms: a new dealer under its parent, a dealer's contact details, its package.

use crate::console::widgets::checks::{email_check, name_check};
use crate::console::widgets::form::{Field, Form, Kind};
use crate::console::writes::{FormData, Write};
use crate::domain::capacity::MAX_PACKAGE_AMOUNT;
use crate::domain::level::creatable_levels;
use crate::model::*;

/// A new dealer under the dealer in `data` (the levels it may create, its free capacity).
pub fn new_dealer(data: &FormData) -> Form {
    let parent = data.dealer.as_ref();
    let levels = parent
        .map(|p| creatable_levels(p.level))
        .unwrap_or_default();
    let options = levels
        .iter()
        .map(|l| (l.as_str().to_string(), l.label().to_string()))
        .collect();
    let title = format!(
        "New dealer under {}",
        parent.map(|p| p.name.as_str()).unwrap_or("?")
    );
    let mut fields = vec![
        Field::select("level", "level", options, 0),
        Field::text("name", "name", "").required().check(name_check),
        Field::text("display_name", "display name", ""),
        Field::text("email", "contact e-mail", "").check(email_check),
        Field::text("phone", "phone", ""),
    ];
    fields.extend(package_fields(
        &Package::empty(),
        data.capacity.as_ref(),
        false,
        &data.policy,
    ));
    Form::new(title, fields)
}

/// A dealer's name and contact details (a new name must be free among its siblings, as for a
/// new dealer: the server says so at the field).
pub fn edit_dealer(data: &FormData) -> Form {
    let d = data.dealer.clone().unwrap_or_else(empty_dealer);
    Form::new(
        format!("Edit {}", d.name),
        vec![
            Field::text("display_name", "display name", &d.display_name).required(),
            Field::text("email", "contact e-mail", &d.email).check(email_check),
            Field::text("phone", "phone", &d.phone),
            Field::text("address", "address", &d.address),
            Field::text("notes", "notes", &d.notes),
            // Last: a rename is rarer than a contact change, and never made by accident.
            Field::text("name", "name", &d.name)
                .required()
                .check(name_check),
        ],
    )
}

/// A dealer's package.
pub fn edit_package(data: &FormData) -> Form {
    let d = data.dealer.clone().unwrap_or_else(empty_dealer);
    Form::new(
        format!("Package of {}", d.name),
        package_fields(&d.package, None, false, &data.policy),
    )
}

/// The new dealer a filled form asks for.
pub fn create_write(parent_id: &str, form: &Form) -> Write {
    let v = |k: &str| form.value(k);
    Write::CreateDealer(NewDealer {
        parent_id: parent_id.into(),
        level: Level::parse(&v("level")).unwrap_or_default(),
        name: v("name"),
        display_name: v("display_name"),
        email: v("email"),
        phone: v("phone"),
        address: String::new(),
        notes: String::new(),
        package: Some(package_of(form)),
    })
}

/// The contact details a filled form saves.
pub fn edit_write(id: &str, form: &Form, version: i64) -> Write {
    let v = |k: &str| form.value(k);
    Write::UpdateDealer {
        id: id.into(),
        version,
        patch: DealerPatch {
            name: Some(v("name")),
            display_name: Some(v("display_name")),
            email: Some(v("email")),
            phone: Some(v("phone")),
            address: Some(v("address")),
            notes: Some(v("notes")),
        },
    }
}

/// The package a filled form saves.
pub fn package_write(id: &str, form: &Form, version: i64) -> Write {
    Write::SetPackage {
        id: id.into(),
        version,
        package: package_of(form),
    }
}

fn free_hint(cap: Option<&Capacity>, pick: fn(&Capacity) -> DimensionUsage) -> Option<String> {
    let d = pick(cap?);
    Some(match d.free {
        Some(f) => format!("free above: {f}"),
        None => "unlimited above".into(),
    })
}

fn package_fields(
    p: &Package,
    above: Option<&Capacity>,
    allow_unlimited: bool,
    policy: &PlatformPolicy,
) -> Vec<Field> {
    let num = |key, label, v: Option<i64>, pick: fn(&Capacity) -> DimensionUsage| {
        let mut f = Field::number(key, label, v.unwrap_or(0), 0, MAX_PACKAGE_AMOUNT);
        if v.is_none() {
            // Unlimited stays unlimited unless a number is typed.
            if let Kind::Number { input, .. } = &mut f.kind {
                *input = tui_input::Input::default();
            }
            f = f.hint("unlimited");
        }
        if let Some(h) = free_hint(above, pick) {
            f = f.hint(h);
        }
        let _ = allow_unlimited;
        f
    };
    vec![
        num("max_tenants", "tenants", p.max_tenants, |c| c.max_tenants),
        num("extensions", "extensions", p.extensions, |c| c.extensions),
        num(
            "concurrent_calls",
            "concurrent calls",
            p.concurrent_calls,
            |c| c.concurrent_calls,
        ),
        num(
            "recording_minutes",
            "recording minutes",
            p.recording_minutes,
            |c| c.recording_minutes,
        ),
        Field::checkbox(
            "high_availability",
            "high availability",
            p.high_availability,
        )
        .hint(if above.is_some_and(|c| c.high_availability) {
            "the dealer above has it"
        } else {
            "only if the dealer above has it"
        }),
        Field::number(
            "min_extensions_per_tenant",
            "min ext / tenant",
            p.min_extensions_per_tenant,
            0,
            policy.max_extensions_per_tenant,
        ),
    ]
}

fn package_of(form: &Form) -> Package {
    Package {
        max_tenants: form.number("max_tenants"),
        extensions: form.number("extensions"),
        concurrent_calls: form.number("concurrent_calls"),
        recording_minutes: form.number("recording_minutes"),
        high_availability: form.field("high_availability").is_some_and(Field::checked),
        min_extensions_per_tenant: form.number("min_extensions_per_tenant").unwrap_or(0),
    }
}

fn empty_dealer() -> Dealer {
    Dealer {
        id: String::new().into(),
        parent_id: None,
        level: Level::Reseller,
        name: "?".into(),
        display_name: String::new(),
        email: String::new(),
        phone: String::new(),
        address: String::new(),
        notes: String::new(),
        enabled: true,
        effective_enabled: true,
        package: Package::empty(),
        children_count: 0,
        tenants_count: 0,
        users_count: 0,
        groups_count: 0,
        path: None,
        capacity: None,
        created_at: time::OffsetDateTime::UNIX_EPOCH,
        updated_at: time::OffsetDateTime::UNIX_EPOCH,
        version: 0,
    }
}
