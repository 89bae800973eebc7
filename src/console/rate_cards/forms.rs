//! The rate card forms: derive a card from a parent with a markup, edit a card, import a carrier
//! card's rates from a CSV file, and assign a card to a dealer or a tenant.

use crate::console::widgets::checks::name_check;
use crate::console::widgets::form::{Field, Form};
use crate::console::writes::{FormData, Purpose, Write};
use crate::domain::money::Money;
use crate::model::*;

fn amount_check(v: &str) -> Result<(), String> {
    Money::parse(v).map(|_| ()).map_err(|e| e.to_string())
}

fn markup_options() -> Vec<(String, String)> {
    MarkupType::ALL
        .iter()
        .map(|t| {
            let label = match t {
                MarkupType::Percent => "percent (cost × (1 + value/100))",
                MarkupType::Relative => "relative (cost + value)",
                MarkupType::Absolute => "absolute (the value is the price)",
            };
            (t.as_str().to_string(), label.to_string())
        })
        .collect()
}

fn markup_type(value: &str) -> MarkupType {
    MarkupType::ALL
        .into_iter()
        .find(|t| t.as_str() == value)
        .unwrap_or(MarkupType::Percent)
}

/// A card's markup in a few characters: `+40%`, `+0.005`, `=0.02`.
pub fn markup_label(m: Option<&MarkupRule>) -> String {
    let Some(m) = m else {
        return String::new();
    };
    let v = trim_zeros(&m.value);
    let signed = if v.starts_with('-') {
        v.clone()
    } else {
        format!("+{v}")
    };
    match m.kind {
        MarkupType::Percent => format!("{signed}%"),
        MarkupType::Relative => signed,
        MarkupType::Absolute => format!("={v}"),
    }
}

/// `"40.000000"` as `"40"`, `"0.005000"` as `"0.005"`: the server writes six decimals.
fn trim_zeros(v: &str) -> String {
    let v = v.trim();
    if !v.contains('.') {
        return v.to_string();
    }
    v.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The dealers a card may be owned by: the caller's own first, then the rest by name.
fn owner_options(data: &FormData) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    if let Some(own) = &data.dealer {
        out.push((own.id.to_string(), own.name.clone()));
    }
    let mut rest: Vec<&Dealer> = data
        .dealers
        .iter()
        .filter(|d| Some(&d.id) != data.dealer.as_ref().map(|o| &o.id))
        .collect();
    rest.sort_by_key(|d| d.name.to_lowercase());
    out.extend(rest.into_iter().map(|d| (d.id.to_string(), d.name.clone())));
    out
}

fn position(options: &[(String, String)], value: Option<&str>) -> usize {
    value
        .and_then(|v| options.iter().position(|(id, _)| id == v))
        .unwrap_or(0)
}

/// Derive a card: name, owner, parent, markup, and whether below cost is accepted.
pub fn derive_form(parent_id: Option<&str>, dealer_id: &str, data: &FormData) -> Form {
    let parents: Vec<(String, String)> = data
        .rate_cards
        .iter()
        .map(|c| {
            (
                c.id.to_string(),
                format!("{} ({})", c.name, c.kind.as_str()),
            )
        })
        .collect();
    let owners = owner_options(data);
    Form::new(
        "Derive a rate card",
        vec![
            Field::text("name", "name", "").required().check(name_check),
            Field::select(
                "dealer_id",
                "owner",
                owners.clone(),
                position(&owners, Some(dealer_id)),
            )
            .hint("←/→; the parent must be its own or handed to it"),
            Field::select(
                "parent_card_id",
                "parent card",
                parents.clone(),
                position(&parents, parent_id),
            ),
            Field::select("markup_type", "markup type", markup_options(), 0),
            Field::text("markup", "markup value", "")
                .required()
                .check(amount_check),
            Field::checkbox("allow_below_cost", "allow below cost", false)
                .hint("space ticks; else a below-cost rule is refused"),
        ],
    )
}

/// Edit a card's name, and a customer card's markup.
pub fn edit_form(data: &FormData) -> Form {
    let card = data.rate_card.as_ref();
    let mut fields = vec![
        Field::text("name", "name", card.map(|c| c.name.as_str()).unwrap_or(""))
            .required()
            .check(name_check),
    ];
    if let Some(m) = card.and_then(|c| c.markup.as_ref()) {
        let options = markup_options();
        fields.push(Field::select(
            "markup_type",
            "markup type",
            options.clone(),
            position(&options, Some(m.kind.as_str())),
        ));
        fields.push(
            Field::text("markup", "markup value", &trim_zeros(&m.value))
                .required()
                .check(amount_check),
        );
        fields.push(Field::checkbox(
            "allow_below_cost",
            "allow below cost",
            card.is_some_and(|c| c.allow_below_cost),
        ));
    }
    Form::new(
        format!("Edit {}", card.map(|c| c.name.as_str()).unwrap_or("?")),
        fields,
    )
}

/// Import a carrier card's rates from a CSV file the console reads.
pub fn import_form(name: &str) -> Form {
    Form::new(
        format!("Import rates into {name}"),
        vec![
            Field::text("path", "CSV file", "")
                .required()
                .hint("prefix,destination,rate,connection_fee,increment_first,increment_next"),
        ],
    )
}

/// The import a filled form asks for: the console reads the file when it sends it.
pub fn import_write(id: &str, name: &str, form: &Form) -> Write {
    Write::ImportRates {
        id: id.into(),
        name: name.to_string(),
        path: form.value("path"),
    }
}

/// Hand a card to a dealer, or bill a tenant with it (or take it back).
pub fn assign_form(data: &FormData) -> Form {
    let card = data.rate_card.as_ref();
    let options = assign_options(card, data);
    Form::new(
        format!("Assign {}", card.map(|c| c.name.as_str()).unwrap_or("?")),
        vec![
            Field::select("target", "to", options, 0)
                .hint("←/→: a dealer gets it as its provider card; a tenant is billed with it"),
            Field::checkbox("unassign", "take it back", false),
        ],
    )
}

/// Who a card can go to: the direct children of its owner (as their provider card), and the
/// tenants of its owner and of the dealers it is handed to (billed with it). A provider card is
/// the caller's own dealer's to bill its tenants with.
fn assign_options(card: Option<&RateCard>, data: &FormData) -> Vec<(String, String)> {
    let Some(card) = card else { return vec![] };
    let owner = card
        .dealer_id
        .clone()
        .or_else(|| data.dealer.as_ref().map(|d| d.id.clone()));
    let mut billing: Vec<DealerId> = owner.iter().cloned().collect();
    billing.extend(card.assigned_dealers.iter().map(|d| d.id.clone().into()));
    let mut out = Vec::new();
    if card.kind != RateCardKind::Provider {
        let mut kids: Vec<&Dealer> = data
            .dealers
            .iter()
            .filter(|d| d.parent_id.is_some() && d.parent_id == owner)
            .collect();
        kids.sort_by_key(|d| d.name.to_lowercase());
        out.extend(
            kids.into_iter()
                .map(|d| (format!("dealer:{}", d.id), format!("dealer · {}", d.name))),
        );
    }
    let mut tenants: Vec<&Tenant> = data
        .tenants
        .iter()
        .filter(|t| billing.contains(&t.dealer_id))
        .collect();
    tenants.sort_by_key(|t| t.name.to_lowercase());
    out.extend(tenants.into_iter().map(|t| {
        (
            format!("tenant:{}", t.id),
            format!("tenant · {} ({})", t.name, t.dealer_name),
        )
    }));
    out
}

fn markup_of(form: &Form) -> MarkupRule {
    MarkupRule {
        kind: markup_type(&form.value("markup_type")),
        value: form.value("markup"),
    }
}

fn checked(form: &Form, key: &str) -> bool {
    form.field(key).is_some_and(Field::checked)
}

/// The label of the option chosen in a select.
fn chosen_label(form: &Form, key: &str) -> String {
    match form.field(key).map(|f| &f.kind) {
        Some(crate::console::widgets::form::Kind::Select { options, selected }) => options
            .get(*selected)
            .map(|o| o.1.clone())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// The card a filled derive form creates.
pub fn derive_write(form: &Form) -> Write {
    Write::CreateRateCard(NewRateCard {
        dealer_id: form.value("dealer_id").into(),
        name: form.value("name"),
        currency: None,
        kind: None,
        parent_card_id: Some(form.value("parent_card_id").into()),
        markup: Some(markup_of(form)),
        allow_below_cost: checked(form, "allow_below_cost"),
    })
}

/// The change a filled edit form sends.
pub fn edit_write(id: &str, form: &Form, version: i64) -> Write {
    let customer = form.field("markup").is_some();
    Write::UpdateRateCard {
        id: id.into(),
        version,
        patch: RateCardPatch {
            name: Some(form.value("name")),
            markup: customer.then(|| markup_of(form)),
            allow_below_cost: customer.then(|| checked(form, "allow_below_cost")),
        },
    }
}

/// The assignment a filled assign form sends.
pub fn assign_write(id: &str, form: &Form) -> Write {
    let target = form.value("target");
    let unassign = checked(form, "unassign");
    let mut to = RateCardAssignment {
        unassign,
        ..RateCardAssignment::default()
    };
    match target.split_once(':') {
        Some(("dealer", d)) => to.dealer_id = Some(d.into()),
        Some(("tenant", t)) => to.tenant_id = Some(t.into()),
        _ => {}
    }
    let label = chosen_label(form, "target");
    Write::AssignRateCard {
        id: id.into(),
        to,
        target: label.split(" · ").nth(1).unwrap_or(&label).to_string(),
    }
}

/// The preview request a derive or edit form stands for now; None while the value is not an
/// amount (its field says why).
pub fn preview_request(
    purpose: &Purpose,
    form: &Form,
    data: &FormData,
) -> Option<MarkupPreviewRequest> {
    let parent = match purpose {
        Purpose::DeriveRateCard { .. } => form.value("parent_card_id"),
        Purpose::EditRateCard { .. } => data.rate_card.as_ref()?.parent_card_id.clone()?.into(),
        _ => return None,
    };
    let field = form.field("markup")?;
    if parent.is_empty() || field.problem().is_some() {
        return None;
    }
    Some(MarkupPreviewRequest {
        parent_card_id: parent.into(),
        markup: markup_of(form),
    })
}

/// The parent card's name, for the preview's title.
pub fn parent_name(req: &MarkupPreviewRequest, data: &FormData) -> String {
    data.rate_cards
        .iter()
        .find(|c| c.id == req.parent_card_id)
        .map(|c| c.name.clone())
        .or_else(|| {
            data.rate_card
                .as_ref()
                .and_then(|c| c.parent_card_name.clone())
        })
        .unwrap_or_else(|| "the parent card".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markups_read_short_whatever_the_decimals() {
        let rule = |kind, value: &str| MarkupRule {
            kind,
            value: value.into(),
        };
        assert_eq!(
            markup_label(Some(&rule(MarkupType::Percent, "40.000000"))),
            "+40%"
        );
        assert_eq!(
            markup_label(Some(&rule(MarkupType::Percent, "-5.500000"))),
            "-5.5%"
        );
        assert_eq!(
            markup_label(Some(&rule(MarkupType::Relative, "0.005000"))),
            "+0.005"
        );
        assert_eq!(
            markup_label(Some(&rule(MarkupType::Absolute, "0.010000"))),
            "=0.01"
        );
        assert_eq!(markup_label(Some(&rule(MarkupType::Relative, "10"))), "+10");
        assert_eq!(markup_label(None), "");
    }
}
