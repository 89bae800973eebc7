//! The tenant forms: a new tenant of a dealer, and a tenant's name, domain and allocations.

use crate::console::widgets::checks::{domain_check, name_check};
use crate::console::widgets::form::{Field, Form};
use crate::console::writes::{FormData, Write};
use crate::model::*;

/// A new tenant of the dealer in `data`, with what is free and the platform's limits as hints.
pub fn new_tenant(data: &FormData) -> Form {
    let dealer = data.dealer.as_ref();
    let cap = data.capacity.as_ref();
    let min = dealer
        .map(|d| d.package.min_extensions_per_tenant)
        .unwrap_or(0);
    let hint = |d: Option<DimensionUsage>| {
        d.map(|d| match d.free {
            Some(f) => format!("{f} free"),
            None => "unlimited".into(),
        })
    };
    let max = data.policy.max_extensions_per_tenant;
    let mut ext = Field::number("extensions", "extensions", min.max(1), min, max);
    ext = ext.hint(format!(
        "{}; at most {max} per tenant",
        hint(cap.map(|c| c.extensions)).unwrap_or_default()
    ));
    Form::new(
        format!(
            "New tenant of {}",
            dealer.map(|d| d.name.as_str()).unwrap_or("?")
        ),
        vec![
            Field::text("name", "name", "").required().check(name_check),
            Field::text("domain", "SIP domain", "")
                .required()
                .check(domain_check),
            ext,
            Field::number("concurrent_calls", "concurrent calls", 2, 0, 1_000_000)
                .hint(hint(cap.map(|c| c.concurrent_calls)).unwrap_or_default()),
            Field::number(
                "recording_minutes",
                "recording minutes",
                0,
                0,
                1_000_000_000,
            )
            .hint(format!(
                "{} per tenant are free",
                data.policy.free_recording_minutes_per_tenant
            )),
            Field::checkbox("high_availability", "high availability", false),
        ],
    )
}

/// A tenant's name, domain and allocations.
pub fn edit_tenant(data: &FormData) -> Form {
    let t = data.tenant.clone();
    let v = |f: fn(&Tenant) -> i64| t.as_ref().map(f).unwrap_or(0);
    Form::new(
        format!(
            "Edit {}",
            t.as_ref().map(|t| t.name.as_str()).unwrap_or("?")
        ),
        vec![
            Field::text(
                "name",
                "name",
                t.as_ref().map(|t| t.name.as_str()).unwrap_or(""),
            )
            .required()
            .check(name_check),
            Field::text(
                "domain",
                "SIP domain",
                t.as_ref().map(|t| t.domain.as_str()).unwrap_or(""),
            )
            .required()
            .check(domain_check),
            Field::number(
                "extensions",
                "extensions",
                v(|t| t.extensions),
                0,
                data.policy.max_extensions_per_tenant,
            ),
            Field::number(
                "concurrent_calls",
                "concurrent calls",
                v(|t| t.concurrent_calls),
                0,
                1_000_000,
            ),
            Field::number(
                "recording_minutes",
                "recording minutes",
                v(|t| t.recording_minutes),
                0,
                1_000_000_000,
            ),
            Field::checkbox(
                "high_availability",
                "high availability",
                t.as_ref().is_some_and(|t| t.high_availability),
            ),
        ],
    )
}

/// The new tenant a filled form asks for.
pub fn create_write(dealer_id: &str, form: &Form) -> Write {
    let v = |k: &str| form.value(k);
    let n = |k: &str| form.number(k).unwrap_or(0);
    let checked = |k: &str| form.field(k).is_some_and(Field::checked);
    Write::CreateTenant(NewTenant {
        dealer_id: dealer_id.into(),
        name: v("name"),
        domain: v("domain"),
        extensions: n("extensions"),
        concurrent_calls: n("concurrent_calls"),
        recording_minutes: n("recording_minutes"),
        high_availability: checked("high_availability"),
        rate_card_id: None,
    })
}

/// The changes a filled form saves.
pub fn edit_write(id: &str, form: &Form, version: i64) -> Write {
    let v = |k: &str| form.value(k);
    let n = |k: &str| form.number(k).unwrap_or(0);
    let checked = |k: &str| form.field(k).is_some_and(Field::checked);
    Write::UpdateTenant {
        id: id.into(),
        version,
        patch: TenantPatch {
            name: Some(v("name")),
            domain: Some(v("domain")),
            extensions: Some(n("extensions")),
            concurrent_calls: Some(n("concurrent_calls")),
            recording_minutes: Some(n("recording_minutes")),
            high_availability: Some(checked("high_availability")),
            rate_card_id: None,
        },
    }
}
