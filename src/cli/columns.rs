//! The columns each kind shows in a table (`-o table`) and the more it shows with `-o wide`
//! (also the CSV's columns).

use serde_json::Value;

use crate::verbs::Kind;

/// A column: its header, and how a cell is read from an object.
pub struct Column {
    pub header: &'static str,
    pub cell: fn(&Value) -> String,
}

const fn col(header: &'static str, cell: fn(&Value) -> String) -> Column {
    Column { header, cell }
}

fn text(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn count(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(String::new(), |a| a.len().to_string())
}

fn yes_no(v: &Value, key: &str) -> String {
    match v.get(key).and_then(Value::as_bool) {
        Some(true) => "yes".into(),
        Some(false) => "no".into(),
        None => String::new(),
    }
}

/// `active`, `suspended`, or `suspended above` when a dealer above is suspended.
pub fn status(v: &Value) -> String {
    let own = v.get("enabled").and_then(Value::as_bool).unwrap_or(true);
    let effective = v
        .get("effective_enabled")
        .and_then(Value::as_bool)
        .unwrap_or(own);
    match (own, effective) {
        (false, _) => "suspended".into(),
        (true, false) => "suspended above".into(),
        (true, true) => "active".into(),
    }
}

fn login_status(v: &Value) -> String {
    match (
        text(v, "status").as_str(),
        v.get("enabled").and_then(Value::as_bool),
    ) {
        (_, Some(false)) => "disabled".into(),
        (s, _) => s.to_string(),
    }
}

/// `taken/package` of one dimension of a dealer's capacity (`unlimited` has no package).
fn taken(v: &Value, dimension: &str) -> String {
    let Some(d) = v.get("capacity").and_then(|c| c.get(dimension)) else {
        return String::new();
    };
    let n = |k: &str| d.get(k).and_then(Value::as_i64).unwrap_or(0);
    let taken = n("allocated") + n("used");
    match d.get("package").and_then(Value::as_i64) {
        Some(p) => format!("{taken}/{p}"),
        None => format!("{taken}/unlimited"),
    }
}

fn markup(v: &Value) -> String {
    match v.get("markup") {
        Some(m) if m.is_object() => format!("{} {}", text(m, "type"), text(m, "value")),
        _ => String::new(),
    }
}

fn increments(v: &Value) -> String {
    format!(
        "{}/{}",
        text(v, "increment_first"),
        text(v, "increment_next")
    )
}

fn actor(v: &Value) -> String {
    let who = text(v, "actor_email");
    let key = text(v, "api_key_name");
    let viewer = text(v, "impersonator_email");
    let mut s = if who.is_empty() { "system".into() } else { who };
    if !key.is_empty() {
        s = format!("{s} (key {key})");
    }
    if !viewer.is_empty() {
        s = format!("{s} (viewed by {viewer})");
    }
    s
}

fn object(v: &Value) -> String {
    let name = text(v, "object_name");
    format!("{} {}", text(v, "object_type"), name)
        .trim()
        .to_string()
}

/// The columns of a kind's table; `wide` adds the rest (ids, versions, details).
pub fn columns(kind: Kind, wide: bool) -> Vec<Column> {
    let (mut cols, more): (Vec<Column>, Vec<Column>) = match kind {
        Kind::Dealers => (
            vec![
                col("NAME", |v| text(v, "name")),
                col("LEVEL", |v| text(v, "level")),
                col("STATUS", status),
                col("SUB-DEALERS", |v| text(v, "children_count")),
                col("TENANTS", |v| text(v, "tenants_count")),
            ],
            vec![
                col("ID", |v| text(v, "id")),
                col("PARENT", |v| text(v, "parent_id")),
                col("DISPLAY NAME", |v| text(v, "display_name")),
                col("EMAIL", |v| text(v, "email")),
                col("VERSION", |v| text(v, "version")),
            ],
        ),
        Kind::Packages => (
            vec![
                col("DEALER", |v| text(v, "name")),
                col("LEVEL", |v| text(v, "level")),
                col("TENANTS", |v| taken(v, "max_tenants")),
                col("EXTENSIONS", |v| taken(v, "extensions")),
                col("CALLS", |v| taken(v, "concurrent_calls")),
                col("RECORDING", |v| taken(v, "recording_minutes")),
            ],
            vec![
                col("ID", |v| text(v, "id")),
                col("HA", |v| {
                    v.get("package")
                        .map_or(String::new(), |p| yes_no(p, "high_availability"))
                }),
                col("MIN EXT", |v| {
                    v.get("package")
                        .map_or(String::new(), |p| text(p, "min_extensions_per_tenant"))
                }),
                col("VERSION", |v| text(v, "version")),
            ],
        ),
        Kind::Tenants => (
            vec![
                col("NAME", |v| text(v, "name")),
                col("DOMAIN", |v| text(v, "domain")),
                col("DEALER", |v| text(v, "dealer_name")),
                col("EXT", |v| text(v, "extensions")),
                col("CALLS", |v| text(v, "concurrent_calls")),
                col("STATUS", status),
            ],
            vec![
                col("ID", |v| text(v, "id")),
                col("RECORDING", |v| text(v, "recording_minutes")),
                col("HA", |v| yes_no(v, "high_availability")),
                col("RATE CARD", |v| text(v, "rate_card_name")),
                col("VERSION", |v| text(v, "version")),
            ],
        ),
        Kind::Users => (
            vec![
                col("EMAIL", |v| text(v, "email")),
                col("NAME", |v| text(v, "display_name")),
                col("DEALER", |v| text(v, "dealer_name")),
                col("STATUS", login_status),
                col("GROUPS", |v| count(v, "group_ids")),
            ],
            vec![
                col("ID", |v| text(v, "id")),
                col("LAST SIGN-IN", |v| text(v, "last_sign_in_at")),
                col("VERSION", |v| text(v, "version")),
            ],
        ),
        Kind::Groups => (
            vec![
                col("NAME", |v| text(v, "name")),
                col("DEALER", |v| text(v, "dealer_name")),
                col("PERMISSIONS", |v| count(v, "permissions")),
                col("MEMBERS", |v| text(v, "members_count")),
            ],
            vec![
                col("ID", |v| text(v, "id")),
                col("INHERITED", |v| yes_no(v, "inherited")),
                col("DESCRIPTION", |v| text(v, "description")),
                col("VERSION", |v| text(v, "version")),
            ],
        ),
        Kind::RateCards => (
            vec![
                col("NAME", |v| text(v, "name")),
                col("KIND", |v| text(v, "kind")),
                col("CURRENCY", |v| text(v, "currency")),
                col("DEALER", |v| text(v, "dealer_name")),
                col("PARENT", |v| text(v, "parent_card_name")),
                col("MARKUP", markup),
            ],
            vec![
                col("ID", |v| text(v, "id")),
                col("RATES", |v| text(v, "rate_count")),
                col("TENANTS", |v| text(v, "tenant_count")),
                col("VERSION", |v| text(v, "version")),
            ],
        ),
        Kind::Rates => (
            vec![
                col("PREFIX", |v| text(v, "prefix")),
                col("DESTINATION", |v| text(v, "destination")),
                col("RATE", |v| text(v, "rate")),
                col("FEE", |v| text(v, "connection_fee")),
                col("INCREMENTS", increments),
            ],
            vec![
                col("COST", |v| text(v, "cost")),
                col("MARGIN", |v| text(v, "margin")),
            ],
        ),
        Kind::Audit => (
            vec![
                col("TIME", |v| text(v, "at")),
                col("ACTOR", actor),
                col("ACTION", |v| text(v, "action")),
                col("OBJECT", object),
            ],
            vec![
                col("ID", |v| text(v, "id")),
                col("OBJECT ID", |v| text(v, "object_id")),
                col("ADDRESS", |v| text(v, "client_addr")),
                col("CHANGE SET", |v| text(v, "change_set")),
            ],
        ),
        Kind::ApiKeys => (
            vec![
                col("NAME", |v| text(v, "name")),
                col("PERMISSIONS", |v| count(v, "permissions")),
                col("EXPIRES", |v| {
                    let t = text(v, "expires_at");
                    if t.is_empty() { "never".into() } else { t }
                }),
                col("LAST USED", |v| text(v, "last_used_at")),
            ],
            vec![
                col("ID", |v| text(v, "id")),
                col("CREATED", |v| text(v, "created_at")),
            ],
        ),
    };
    if wide {
        cols.extend(more);
    }
    cols
}

/// How an object is named in `-o name` lines: `tenant/tnt_…` (a rate by its prefix).
pub fn name_line(kind: Kind, v: &Value) -> String {
    let key = if kind == Kind::Rates { "prefix" } else { "id" };
    format!("{}/{}", kind.singular(), text(v, key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn status_tells_own_suspension_from_one_above() {
        assert_eq!(
            status(&json!({"enabled": true, "effective_enabled": true})),
            "active"
        );
        assert_eq!(
            status(&json!({"enabled": false, "effective_enabled": false})),
            "suspended"
        );
        assert_eq!(
            status(&json!({"enabled": true, "effective_enabled": false})),
            "suspended above"
        );
    }

    #[test]
    fn package_cells_show_what_is_taken_of_the_package() {
        let d = json!({"capacity": {"extensions": {"package": 100, "allocated": 30, "used": 12},
                                    "max_tenants": {"package": null, "allocated": 0, "used": 3}}});
        assert_eq!(taken(&d, "extensions"), "42/100");
        assert_eq!(taken(&d, "max_tenants"), "3/unlimited");
    }

    #[test]
    fn every_kind_has_columns_and_wide_adds_some() {
        for k in Kind::ALL {
            assert!(!columns(k, false).is_empty());
            assert!(columns(k, true).len() > columns(k, false).len(), "{k}");
        }
    }
}
