//! The fields a person types to create or edit each kind (`--dealer "Acme Reseller"
//! --extensions 20`, or the same keys in a YAML file), turned into the API's body: values typed,
//! objects named by name resolved to ids, nested fields (a dealer's package, a card's markup)
//! put in place.

use serde_json::{Map, Value};
use std::collections::BTreeMap;

use super::failure::{CliResult, Failure};
use super::resolve::resolve_id;
use crate::client::ApiClient;
use crate::verbs::Kind;

/// What a field's value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Text,
    Int,
    /// A number, or `unlimited` (null).
    Limit,
    Bool,
    /// Comma-separated words, or a YAML list.
    List,
    /// An object of this kind by name or id; the body holds its id.
    Ref(Kind),
    /// Several objects of this kind by name or id.
    Refs(Kind),
}

/// One field of a kind: the flag typed, where it goes in the API's body, and when it applies.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub flag: &'static str,
    /// The key in the body; `a.b` is nested.
    pub key: &'static str,
    pub ty: Type,
    pub create: bool,
    pub edit: bool,
    /// Where `edit` reads the current value's name (for references), when not `key`.
    pub shown_from: Option<&'static str>,
}

const fn f(flag: &'static str, key: &'static str, ty: Type, create: bool, edit: bool) -> Field {
    Field {
        flag,
        key,
        ty,
        create,
        edit,
        shown_from: None,
    }
}

const fn shown(mut field: Field, from: &'static str) -> Field {
    field.shown_from = Some(from);
    field
}

/// The fields of a kind.
pub fn fields(kind: Kind) -> Vec<Field> {
    use Type::*;
    let package = |prefix: bool| {
        let k = |bare: &'static str, nested: &'static str| if prefix { nested } else { bare };
        let (create, edit) = (prefix, !prefix);
        vec![
            f(
                "max-tenants",
                k("max_tenants", "package.max_tenants"),
                Limit,
                create,
                edit,
            ),
            f(
                "extensions",
                k("extensions", "package.extensions"),
                Limit,
                create,
                edit,
            ),
            f(
                "concurrent-calls",
                k("concurrent_calls", "package.concurrent_calls"),
                Limit,
                create,
                edit,
            ),
            f(
                "recording-minutes",
                k("recording_minutes", "package.recording_minutes"),
                Limit,
                create,
                edit,
            ),
            f(
                "high-availability",
                k("high_availability", "package.high_availability"),
                Bool,
                create,
                edit,
            ),
            f(
                "min-extensions-per-tenant",
                k(
                    "min_extensions_per_tenant",
                    "package.min_extensions_per_tenant",
                ),
                Int,
                create,
                edit,
            ),
        ]
    };
    match kind {
        Kind::Dealers => {
            let mut v = vec![
                f("parent", "parent_id", Ref(Kind::Dealers), true, false),
                f("level", "level", Text, true, false),
                f("name", "name", Text, true, true),
                f("display-name", "display_name", Text, true, true),
                f("email", "email", Text, true, true),
                f("phone", "phone", Text, true, true),
                f("address", "address", Text, true, true),
                f("notes", "notes", Text, true, true),
            ];
            v.extend(package(true));
            v
        }
        Kind::Packages => package(false),
        Kind::Tenants => vec![
            f("dealer", "dealer_id", Ref(Kind::Dealers), true, false),
            f("name", "name", Text, true, true),
            f("domain", "domain", Text, true, true),
            f("extensions", "extensions", Int, true, true),
            f("concurrent-calls", "concurrent_calls", Int, true, true),
            f("recording-minutes", "recording_minutes", Int, true, true),
            f("high-availability", "high_availability", Bool, true, true),
            shown(
                f(
                    "rate-card",
                    "rate_card_id",
                    Ref(Kind::RateCards),
                    true,
                    true,
                ),
                "rate_card_name",
            ),
        ],
        Kind::Users => vec![
            f("dealer", "dealer_id", Ref(Kind::Dealers), true, false),
            f("email", "email", Text, true, false),
            f("display-name", "display_name", Text, true, true),
            f("groups", "group_ids", Refs(Kind::Groups), true, true),
            f("enabled", "enabled", Bool, false, true),
        ],
        Kind::Groups => vec![
            f("dealer", "dealer_id", Ref(Kind::Dealers), true, false),
            f("name", "name", Text, true, true),
            f("description", "description", Text, true, true),
            f("permissions", "permissions", List, true, true),
            f("template", "template", Text, true, false),
        ],
        Kind::RateCards => vec![
            f("dealer", "dealer_id", Ref(Kind::Dealers), true, false),
            f("name", "name", Text, true, true),
            f("kind", "kind", Text, true, false),
            f("currency", "currency", Text, true, false),
            f(
                "parent",
                "parent_card_id",
                Ref(Kind::RateCards),
                true,
                false,
            ),
            f("markup-type", "markup.type", Text, true, true),
            f("markup-value", "markup.value", Text, true, true),
            f("allow-below-cost", "allow_below_cost", Bool, true, true),
        ],
        Kind::ApiKeys => vec![
            f("name", "name", Text, true, false),
            f("permissions", "permissions", List, true, false),
            f("expires-at", "expires_at", Text, true, false),
        ],
        Kind::Rates | Kind::Audit => vec![],
    }
}

/// `--flag value` pairs as typed (also `--flag=value`; a flag with no value is `true`).
pub fn parse_flags(kind: Kind, words: &[String]) -> CliResult<BTreeMap<String, Value>> {
    let mut out = BTreeMap::new();
    let mut i = 0;
    while i < words.len() {
        let word = &words[i];
        let Some(flag) = word.strip_prefix("--") else {
            return Err(Failure::usage(format!(
                "`{word}`: fields are given as --field value ({})",
                flag_list(kind, true)
            )));
        };
        let (flag, value) = match flag.split_once('=') {
            Some((f, v)) => (f.to_string(), v.to_string()),
            None => match words.get(i + 1) {
                Some(v) if !v.starts_with("--") => {
                    i += 1;
                    (flag.to_string(), v.clone())
                }
                _ => (flag.to_string(), "true".to_string()),
            },
        };
        out.insert(flag, Value::String(value));
        i += 1;
    }
    Ok(out)
}

/// The keys of a YAML or JSON document, as flags (`display_name` and `display-name` alike;
/// a nested `package:` or `markup:` is opened).
pub fn parse_document(text: &str) -> CliResult<BTreeMap<String, Value>> {
    let v: Value = serde_yaml_ng::from_str(text)
        .map_err(|e| Failure::usage(format!("the file is not YAML or JSON: {e}")))?;
    let Value::Object(map) = v else {
        return Err(Failure::usage("the file must hold fields (key: value)"));
    };
    let mut out = BTreeMap::new();
    for (k, v) in map {
        match (k.as_str(), v) {
            ("package", Value::Object(inner)) => {
                out.extend(inner.into_iter().map(|(k, v)| (k.replace('_', "-"), v)));
            }
            ("markup", Value::Object(inner)) => {
                out.extend(
                    inner
                        .into_iter()
                        .map(|(k, v)| (format!("markup-{}", k.replace('_', "-")), v)),
                );
            }
            (_, v) => {
                out.insert(k.replace('_', "-"), v);
            }
        }
    }
    Ok(out)
}

fn flag_list(kind: Kind, create: bool) -> String {
    let flags: Vec<String> = fields(kind)
        .iter()
        .filter(|f| if create { f.create } else { f.edit })
        .map(|f| format!("--{}", f.flag))
        .collect();
    if flags.is_empty() {
        format!("{kind} take no fields")
    } else {
        format!("{kind} take {}", flags.join(" "))
    }
}

/// The API body of the typed fields: each checked against the kind's fields, typed, and
/// references resolved to ids through `c`.
pub async fn body(
    c: &ApiClient,
    kind: Kind,
    typed: &BTreeMap<String, Value>,
    create: bool,
) -> CliResult<Value> {
    let known = fields(kind);
    let mut out = Value::Object(Map::new());
    for (flag, raw) in typed {
        let field = known
            .iter()
            .find(|f| f.flag == flag && (if create { f.create } else { f.edit }))
            .ok_or_else(|| {
                Failure::usage(format!("no field --{flag}: {}", flag_list(kind, create)))
            })?;
        let value = typed_value(c, field, raw).await?;
        put(&mut out, field.key, value);
    }
    Ok(out)
}

fn words(raw: &Value) -> Vec<String> {
    match raw {
        Value::Array(a) => a.iter().map(plain).collect(),
        other => plain(other)
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
    }
}

fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

async fn typed_value(c: &ApiClient, field: &Field, raw: &Value) -> CliResult<Value> {
    let bad =
        |what: &str| Failure::usage(format!("--{}: {what}, not `{}`", field.flag, plain(raw)));
    Ok(match field.ty {
        Type::Text => Value::String(plain(raw)),
        Type::Int => match raw {
            Value::Number(n) if n.is_i64() => raw.clone(),
            _ => Value::from(
                plain(raw)
                    .trim()
                    .parse::<i64>()
                    .map_err(|_| bad("a whole number"))?,
            ),
        },
        Type::Limit => match plain(raw).trim() {
            "" | "unlimited" | "null" | "~" => Value::Null,
            n => Value::from(
                n.parse::<i64>()
                    .map_err(|_| bad("a whole number or `unlimited`"))?,
            ),
        },
        Type::Bool => match plain(raw).trim().to_lowercase().as_str() {
            "true" | "yes" | "on" | "1" => Value::Bool(true),
            "false" | "no" | "off" | "0" => Value::Bool(false),
            _ => return Err(bad("true or false")),
        },
        Type::List => Value::from(words(raw)),
        Type::Ref(kind) => match plain(raw).trim() {
            "" => Value::Null,
            name => Value::String(resolve_id(c, kind, name).await?),
        },
        Type::Refs(kind) => {
            let mut ids = Vec::new();
            for name in words(raw) {
                ids.push(Value::String(resolve_id(c, kind, &name).await?));
            }
            Value::Array(ids)
        }
    })
}

/// Sets `key` (`a.b` nested) in an object.
pub fn put(out: &mut Value, key: &str, value: Value) {
    match key.split_once('.') {
        Some((outer, inner)) => {
            let slot = &mut out[outer];
            if !slot.is_object() {
                *slot = Value::Object(Map::new());
            }
            put(slot, inner, value);
        }
        None => out[key] = value,
    }
}

/// Reads `key` (`a.b` nested) of an object.
pub fn get<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    match key.split_once('.') {
        Some((outer, inner)) => get(v.get(outer)?, inner),
        None => v.get(key),
    }
}

/// What a new dealer's package holds where the fields name nothing: an empty package, so that
/// `--extensions 100` alone is a whole package.
pub fn complete_new(kind: Kind, body: &mut Value) {
    if kind == Kind::Dealers && body.get("package").is_some() {
        let mut package = serde_json::json!(crate::model::Package::empty());
        if let (Some(p), Some(given)) = (package.as_object_mut(), body["package"].as_object()) {
            p.extend(given.clone());
        }
        body["package"] = package;
    }
    if kind == Kind::RateCards
        && body.get("markup").is_some()
        && body["markup"].get("type").is_none()
    {
        body["markup"]["type"] = Value::String("percent".into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn words(s: &[&str]) -> Vec<String> {
        s.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn flags_pair_with_their_values_and_stand_alone_as_true() {
        let m = parse_flags(
            Kind::Tenants,
            &words(&[
                "--name",
                "Acme PBX",
                "--high-availability",
                "--extensions=20",
            ]),
        )
        .unwrap();
        assert_eq!(m["name"], json!("Acme PBX"));
        assert_eq!(m["high-availability"], json!("true"));
        assert_eq!(m["extensions"], json!("20"));
        assert!(parse_flags(Kind::Tenants, &words(&["name"])).is_err());
    }

    #[test]
    fn a_document_takes_api_keys_and_nested_packages() {
        let m = parse_document(
            "display_name: X\npackage:\n  extensions: 100\nmarkup:\n  value: '12'\n",
        )
        .unwrap();
        assert_eq!(m["display-name"], json!("X"));
        assert_eq!(m["extensions"], json!(100));
        assert_eq!(m["markup-value"], json!("12"));
        assert!(parse_document("- a\n- b\n").is_err());
    }

    #[test]
    fn nested_keys_are_put_in_place_and_a_package_is_completed() {
        let mut body = json!({});
        put(&mut body, "package.extensions", json!(100));
        complete_new(Kind::Dealers, &mut body);
        assert_eq!(body["package"]["extensions"], json!(100));
        assert_eq!(body["package"]["max_tenants"], json!(0));
        assert_eq!(get(&body, "package.extensions"), Some(&json!(100)));
    }

    #[test]
    fn every_create_and_edit_field_has_a_unique_flag() {
        for k in Kind::ALL {
            let fs = fields(k);
            for (i, a) in fs.iter().enumerate() {
                assert!(
                    fs[i + 1..].iter().all(|b| b.flag != a.flag),
                    "{k}: {}",
                    a.flag
                );
            }
        }
    }
}
