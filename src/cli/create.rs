//! `dealerctl create KIND --field value … [-f FILE]`: the fields typed and named objects
//! resolved (`fields`), then the API's create.

use std::io::Write;

use super::failure::{CliResult, Failure};
use super::fields::{body, complete_new, parse_document, parse_flags};
use super::objects;
use super::output::{self, Out};
use crate::client::ApiClient;
use crate::verbs::{CreateArgs, Format};

pub async fn run<W: Write>(c: &ApiClient, a: &CreateArgs, out: &mut Out<W>) -> CliResult<()> {
    let (fields, format) = split_output(&a.fields, a.output.format)?;
    let mut typed = match &a.file {
        Some(path) => parse_document(&read_input(path)?)?,
        None => Default::default(),
    };
    // Flags given beside a file win over it.
    typed.extend(parse_flags(a.kind, &fields)?);
    if typed.is_empty() {
        return Err(Failure::usage(format!(
            "no fields given: `dealerctl create {} --help` lists them",
            a.kind.singular()
        )));
    }
    let mut new = body(c, a.kind, &typed, true).await?;
    complete_new(a.kind, &mut new);
    if a.kind == crate::verbs::Kind::ApiKeys {
        // The secret is shown once, the way `apikey create` shows it.
        let created = c.create_api_key(&objects::from_value(a.kind, new)?).await?;
        return super::api_keys::show_created(out, format, &created);
    }
    let created = objects::create(c, a.kind, new).await?;
    output::one(out, a.kind, format, &created)
}

/// `-o FORMAT` typed among the fields (after them, where clap no longer reads it).
pub fn split_output(words: &[String], given: Format) -> CliResult<(Vec<String>, Format)> {
    use clap::ValueEnum;
    let mut fields = Vec::new();
    let mut format = given;
    let mut it = words.iter();
    while let Some(w) = it.next() {
        let inline = w
            .strip_prefix("--output=")
            .or_else(|| w.strip_prefix("-o="));
        let value = match (w.as_str(), inline) {
            (_, Some(v)) => Some(v.to_string()),
            ("-o" | "--output", None) => Some(it.next().cloned().unwrap_or_default()),
            _ => None,
        };
        match value {
            Some(v) => {
                format = Format::from_str(&v, true).map_err(|_| {
                    Failure::usage(format!("-o {v}: one of table, wide, json, yaml, csv, name"))
                })?;
            }
            None => fields.push(w.clone()),
        }
    }
    Ok((fields, format))
}

/// A file's text, or standard input's for `-`.
pub fn read_input(path: &std::path::Path) -> CliResult<String> {
    if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)?;
        return Ok(s);
    }
    std::fs::read_to_string(path)
        .map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_output_flag_after_the_fields_is_taken_out_of_them() {
        let w: Vec<String> = ["--name", "X", "-o", "json", "--extensions=5"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let (fields, format) = split_output(&w, Format::Table).unwrap();
        assert_eq!(fields, ["--name", "X", "--extensions=5"]);
        assert_eq!(format, Format::Json);
        assert!(split_output(&["-o".into(), "xml".into()], Format::Table).is_err());
    }
}
