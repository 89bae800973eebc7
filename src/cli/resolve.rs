//! An object named on the command line, by id or by a name unique in the caller's scope: a
//! tenant also by its SIP domain, a login by its e-mail. An ambiguous name is refused with every
//! candidate listed, so the next try can use an id.

use serde_json::Value;

use super::failure::{CliResult, Exit, Failure};
use super::objects::{self, ListScope};
use crate::client::ApiClient;
use crate::model::{ErrorBody, ErrorDetail, Refusal};
use crate::verbs::Kind;

/// How many candidates an ambiguous name lists.
const CANDIDATES: usize = 20;

/// The names an object answers to.
fn names(kind: Kind, v: &Value) -> Vec<String> {
    let keys: &[&str] = match kind {
        Kind::Tenants => &["name", "domain"],
        Kind::Users => &["email", "display_name"],
        _ => &["name"],
    };
    keys.iter()
        .filter_map(|k| v.get(*k).and_then(Value::as_str))
        .map(str::to_lowercase)
        .collect()
}

/// A line naming a candidate: `tenant/tnt_…  Acme PBX (Acme Reseller)`.
pub fn label(kind: Kind, v: &Value) -> String {
    let id = v.get("id").and_then(Value::as_str).unwrap_or("?");
    let name = v
        .get("name")
        .or_else(|| v.get("email"))
        .and_then(Value::as_str)
        .unwrap_or("");
    let owner = v
        .get("dealer_name")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(|d| format!(" ({d})"))
        .unwrap_or_default();
    format!("{}/{id}  {name}{owner}", kind.singular())
}

/// The object `text` names.
pub async fn resolve(c: &ApiClient, kind: Kind, text: &str) -> CliResult<Value> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Failure::usage(format!(
            "name the {} by id or name",
            kind.singular()
        )));
    }
    if kind.is_id(text) {
        return objects::get(c, kind, text).await;
    }
    let lookup = match kind {
        Kind::Packages => Kind::Dealers,
        k => k,
    };
    let scope = ListScope {
        query: Some(text.to_string()),
        ..Default::default()
    };
    let found = objects::list(c, lookup, &scope, Some(200)).await?;
    let wanted = text.to_lowercase();
    let exact: Vec<&Value> = found
        .items
        .iter()
        .filter(|v| names(lookup, v).contains(&wanted))
        .collect();
    match exact.as_slice() {
        [] => Err(Failure::not_found(format!(
            "no {} named `{text}` in your scope",
            kind.singular()
        ))),
        // A list's item may carry less than the object itself (a dealer's path): fetched whole.
        [one] => objects::get(c, kind, &id_of(one)).await,
        many => Err(ambiguous(kind, text, many)),
    }
}

/// The id of the object `text` names.
pub async fn resolve_id(c: &ApiClient, kind: Kind, text: &str) -> CliResult<String> {
    if kind.is_id(text.trim()) {
        return Ok(text.trim().to_string());
    }
    Ok(id_of(&resolve(c, kind, text).await?))
}

/// The `id` of an object.
pub fn id_of(v: &Value) -> String {
    v.get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// The `version` of an object, for `If-Match`.
pub fn version_of(v: &Value) -> Option<i64> {
    v.get("version").and_then(Value::as_i64)
}

fn ambiguous(kind: Kind, text: &str, many: &[&Value]) -> Failure {
    let mut lines: Vec<String> = many
        .iter()
        .take(CANDIDATES)
        .map(|v| format!("  {}", label(kind, v)))
        .collect();
    if many.len() > CANDIDATES {
        lines.push(format!("  … and {} more", many.len() - CANDIDATES));
    }
    Failure {
        exit: Exit::Usage,
        body: ErrorBody {
            error: ErrorDetail {
                refusal: Refusal::BadRequest,
                message: format!(
                    "`{text}` names {} {}; use an id:\n{}",
                    many.len(),
                    kind.plural(),
                    lines.join("\n")
                ),
                field: None,
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_are_told_from_names_by_their_kind_prefix() {
        assert!(Kind::Tenants.is_id("tnt_0190f5a3b2c47d"));
        assert!(!Kind::Tenants.is_id("dlr_0190f5a3b2c47d"));
        assert!(!Kind::Tenants.is_id("tnt_ acme"));
        assert!(Kind::Packages.is_id("dlr_0190f5a3b2c47d"));
    }

    #[test]
    fn a_tenant_answers_to_its_name_and_domain_a_login_to_its_email() {
        let t = json!({"name": "Acme PBX", "domain": "acme.sip.example"});
        assert_eq!(names(Kind::Tenants, &t), ["acme pbx", "acme.sip.example"]);
        let u = json!({"email": "Noc@Acme.example", "display_name": "NOC"});
        assert!(names(Kind::Users, &u).contains(&"noc@acme.example".to_string()));
    }

    #[test]
    fn an_ambiguous_name_lists_every_candidate_with_its_id() {
        let a = json!({"id": "tnt_1", "name": "Shop", "dealer_name": "North"});
        let b = json!({"id": "tnt_2", "name": "Shop", "dealer_name": "South"});
        let f = ambiguous(Kind::Tenants, "Shop", &[&a, &b]);
        assert_eq!(f.exit, Exit::Usage);
        assert!(f.message().contains("tenant/tnt_1  Shop (North)"));
        assert!(f.message().contains("tenant/tnt_2  Shop (South)"));
    }
}
