//! `dealerctl edit KIND NAME|ID`: the object's editable fields as YAML in $VISUAL or $EDITOR
//! (or the changed fields from `-f FILE`); what changed is sent with `If-Match`, so a change
//! someone else made meanwhile is refused (412), not overwritten. When the server refuses, the
//! edited file is kept and its path printed: nothing typed is lost.

use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Write;

use super::create::read_input;
use super::failure::{CliResult, Failure};
use super::fields::{Type, body, fields, get, parse_document, put};
use super::objects;
use super::output::{self, Out};
use super::resolve::{id_of, resolve, version_of};
use crate::client::ApiClient;
use crate::verbs::{EditArgs, Kind};

pub async fn run<W: Write>(c: &ApiClient, a: &EditArgs, out: &mut Out<W>) -> CliResult<()> {
    let object = resolve(c, a.kind, &a.target).await?;
    let current = editable(c, a.kind, &object).await?;
    let (changed, kept) = match &a.file {
        Some(path) => (parse_document(&read_input(path)?)?, None),
        None => {
            let (typed, path) = in_editor(a.kind, &object, &current)?;
            let changed: BTreeMap<String, Value> = typed
                .into_iter()
                .filter(|(k, v)| current.get(k) != Some(v))
                .collect();
            (changed, Some(path))
        }
    };
    if changed.is_empty() {
        eprintln!("no changes: nothing was sent");
        return Ok(());
    }
    let result = apply(c, a.kind, &object, &changed).await;
    match (&result, kept) {
        (Err(_), Some(path)) => {
            // Kept for another try with `-f`; it holds no secret.
            let keep = path.keep().map_err(|e| Failure::error(e.to_string()))?;
            eprintln!(
                "your edit is kept in {}: `dealerctl edit {} {} -f {}` tries again",
                keep.display(),
                a.kind.singular(),
                id_of(&object),
                keep.display()
            );
        }
        (Ok(_), _) | (Err(_), None) => {}
    }
    output::one(out, a.kind, a.output.format, &result?)
}

async fn apply(
    c: &ApiClient,
    kind: Kind,
    object: &Value,
    changed: &BTreeMap<String, Value>,
) -> CliResult<Value> {
    let mut patch = body(c, kind, changed, false).await?;
    if kind == Kind::Packages {
        // A package is replaced whole: the fields not changed keep their values.
        let mut whole = object.get("package").cloned().unwrap_or_default();
        if let (Some(w), Some(p)) = (whole.as_object_mut(), patch.as_object()) {
            w.extend(p.clone());
        }
        patch = whole;
    }
    if kind == Kind::RateCards && patch.get("markup").is_some() {
        // A markup is one value: its other half comes from the card.
        for half in ["type", "value"] {
            if patch["markup"].get(half).is_none() {
                let now = get(object, &format!("markup.{half}"))
                    .cloned()
                    .unwrap_or_default();
                put(&mut patch, &format!("markup.{half}"), now);
            }
        }
    }
    objects::update(c, kind, &id_of(object), version_of(object), patch).await
}

/// The editable fields and their current values, references by name.
async fn editable(c: &ApiClient, kind: Kind, object: &Value) -> CliResult<BTreeMap<String, Value>> {
    let source = if kind == Kind::Packages {
        object.get("package").cloned().unwrap_or_default()
    } else {
        object.clone()
    };
    let mut out = BTreeMap::new();
    for f in fields(kind).into_iter().filter(|f| f.edit) {
        let value = match (f.ty, f.shown_from) {
            (_, Some(from)) => source.get(from).cloned().unwrap_or(Value::Null),
            (Type::Refs(Kind::Groups), _) => {
                let mut names = Vec::new();
                for id in get(&source, f.key)
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let id = id.as_str().unwrap_or_default();
                    let name = match c.get_group(id).await {
                        Ok(g) => g.name,
                        Err(_) => id.to_string(),
                    };
                    names.push(Value::String(name));
                }
                Value::Array(names)
            }
            (Type::Limit, _) => match get(&source, f.key) {
                Some(Value::Null) | None => Value::String("unlimited".into()),
                Some(v) => v.clone(),
            },
            _ => get(&source, f.key).cloned().unwrap_or(Value::Null),
        };
        out.insert(f.flag.to_string(), value);
    }
    Ok(out)
}

/// Opens the fields in the editor; answers what was saved and the file it was saved in.
fn in_editor(
    kind: Kind,
    object: &Value,
    current: &BTreeMap<String, Value>,
) -> CliResult<(BTreeMap<String, Value>, tempfile::TempPath)> {
    let mut file = tempfile::Builder::new()
        .prefix("dealerctl-edit-")
        .suffix(".yaml")
        .tempfile()?;
    let yaml = serde_yaml_ng::to_string(current).map_err(|e| Failure::error(e.to_string()))?;
    write!(
        file,
        "# Editing {} {} (version {}). Save and quit to apply the changes;\n\
         # quit without saving (or empty the file) to change nothing.\n{yaml}",
        kind.singular(),
        id_of(object),
        version_of(object).unwrap_or_default()
    )?;
    let path = file.into_temp_path();
    let editor = std::env::var("VISUAL")
        .ok()
        .filter(|e| !e.trim().is_empty())
        .or_else(|| {
            std::env::var("EDITOR")
                .ok()
                .filter(|e| !e.trim().is_empty())
        })
        .unwrap_or_else(|| "vi".into());
    // Through the shell, as git does, so an editor with arguments (`code --wait`) works.
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(&path)
        .status()
        .map_err(|e| Failure::error(format!("cannot start the editor `{editor}`: {e}")))?;
    if !status.success() {
        return Err(Failure::error(format!(
            "the editor `{editor}` failed ({status}): nothing was changed"
        )));
    }
    let text = std::fs::read_to_string(&path)?;
    let body: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    if body.trim().is_empty() {
        return Ok((BTreeMap::new(), path));
    }
    Ok((parse_document(&body)?, path))
}
