//! Printing objects in the format asked for: a table for people (colour only on a terminal and
//! without NO_COLOR), or the API's JSON, YAML, CSV or `kind/id` lines for programs.

use serde::Serialize;
use serde_json::Value;
use std::io::Write;

use super::columns::{Column, columns, name_line};
use super::failure::{CliResult, Failure};
use crate::verbs::{Format, Kind};

/// Where output goes, and whether it may be coloured.
pub struct Out<W: Write> {
    pub w: W,
    pub color: bool,
}

impl Out<std::io::Stdout> {
    /// Standard output, coloured when it is a terminal and NO_COLOR is not set.
    pub fn stdout() -> Out<std::io::Stdout> {
        use std::io::IsTerminal;
        let color = std::io::stdout().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        Out {
            w: std::io::stdout(),
            color,
        }
    }
}

fn io(e: impl std::fmt::Display) -> Failure {
    Failure::error(format!("cannot write the output: {e}"))
}

/// Any serialisable answer as JSON (pretty) or YAML.
pub fn document<W: Write, T: Serialize>(out: &mut Out<W>, format: Format, t: &T) -> CliResult<()> {
    match format {
        Format::Yaml => {
            let text = serde_yaml_ng::to_string(t).map_err(io)?;
            write!(out.w, "{text}").map_err(io)
        }
        _ => {
            let text = serde_json::to_string_pretty(t).map_err(io)?;
            writeln!(out.w, "{text}").map_err(io)
        }
    }
}

/// A list of objects of `kind`.
pub fn list<W: Write>(
    out: &mut Out<W>,
    kind: Kind,
    format: Format,
    items: &[Value],
) -> CliResult<()> {
    match format {
        Format::Json | Format::Yaml => document(out, format, &items),
        Format::Name => {
            for v in items {
                writeln!(out.w, "{}", name_line(kind, v)).map_err(io)?;
            }
            Ok(())
        }
        Format::Csv => csv(out, &columns(kind, true), items),
        Format::Table | Format::Wide => table(out, &columns(kind, format == Format::Wide), items),
    }
}

/// One object of `kind`: in a table it is a one-row list.
pub fn one<W: Write>(out: &mut Out<W>, kind: Kind, format: Format, v: &Value) -> CliResult<()> {
    match format {
        Format::Json | Format::Yaml => document(out, format, v),
        _ => list(out, kind, format, std::slice::from_ref(v)),
    }
}

fn csv<W: Write>(out: &mut Out<W>, cols: &[Column], items: &[Value]) -> CliResult<()> {
    let mut w = ::csv::Writer::from_writer(&mut out.w);
    w.write_record(cols.iter().map(|c| c.header)).map_err(io)?;
    for v in items {
        w.write_record(cols.iter().map(|c| (c.cell)(v)))
            .map_err(io)?;
    }
    w.flush().map_err(io)
}

const BOLD: &str = "\x1b[1m";
const YELLOW: &str = "\x1b[33m";
const RESET: &str = "\x1b[0m";

fn table<W: Write>(out: &mut Out<W>, cols: &[Column], items: &[Value]) -> CliResult<()> {
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|v| cols.iter().map(|c| clean((c.cell)(v))).collect())
        .collect();
    let widths: Vec<usize> = cols
        .iter()
        .enumerate()
        .map(|(i, c)| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([c.header.len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<(String, Option<&str>)>| -> String {
        let last = cells.len().saturating_sub(1);
        cells
            .into_iter()
            .enumerate()
            .map(|(i, (cell, style))| {
                let pad = if i == last {
                    String::new()
                } else {
                    " ".repeat(widths[i] - cell.chars().count() + 2)
                };
                match style {
                    Some(s) => format!("{s}{cell}{RESET}{pad}"),
                    None => format!("{cell}{pad}"),
                }
            })
            .collect()
    };
    let header = cols
        .iter()
        .map(|c| (c.header.to_string(), out.color.then_some(BOLD)))
        .collect();
    writeln!(out.w, "{}", line(header)).map_err(io)?;
    for r in rows {
        let styled = r
            .into_iter()
            .map(|cell| {
                let warn = out.color && (cell.starts_with("suspended") || cell == "disabled");
                (cell, warn.then_some(YELLOW))
            })
            .collect();
        writeln!(out.w, "{}", line(styled)).map_err(io)?;
    }
    Ok(())
}

/// A cell on one line, without control characters a server could use to move the cursor.
fn clean(s: String) -> String {
    if s.chars().any(char::is_control) {
        s.chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect()
    } else {
        s
    }
}

/// The fields of one object as `key: value` lines (nested objects indented), for `describe`.
pub fn fields<W: Write>(out: &mut Out<W>, v: &Value, indent: usize) -> CliResult<()> {
    let Some(map) = v.as_object() else {
        return writeln!(out.w, "{}{}", " ".repeat(indent), scalar(v)).map_err(io);
    };
    let width = map.keys().map(String::len).max().unwrap_or(0);
    for (k, val) in map {
        let pad = " ".repeat(indent);
        match val {
            Value::Object(m) if !m.is_empty() => {
                writeln!(out.w, "{pad}{k}:").map_err(io)?;
                fields(out, val, indent + 2)?;
            }
            Value::Array(a) if a.iter().any(Value::is_object) => {
                writeln!(out.w, "{pad}{k}:").map_err(io)?;
                for item in a {
                    let named = ["name", "permission", "id"]
                        .iter()
                        .find_map(|n| item.get(*n).and_then(Value::as_str));
                    match named {
                        Some(n) => writeln!(out.w, "{pad}  - {}", clean(n.to_string())),
                        None => writeln!(out.w, "{pad}  - {}", clean(item.to_string())),
                    }
                    .map_err(io)?;
                }
            }
            _ => writeln!(out.w, "{pad}{k:width$}  {}", scalar(val)).map_err(io)?,
        }
    }
    Ok(())
}

fn scalar(v: &Value) -> String {
    clean(match v {
        Value::String(s) => s.clone(),
        Value::Null => "-".into(),
        Value::Array(a) => a
            .iter()
            .map(|x| x.as_str().map_or(x.to_string(), str::to_string))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn render(kind: Kind, format: Format, items: &[Value], color: bool) -> String {
        let mut out = Out {
            w: Vec::new(),
            color,
        };
        list(&mut out, kind, format, items).unwrap();
        String::from_utf8(out.w).unwrap()
    }

    fn tenant(name: &str, enabled: bool) -> Value {
        json!({"id": format!("tnt_{name}"), "name": name, "domain": format!("{name}.sip"),
               "dealer_name": "Acme", "extensions": 10, "concurrent_calls": 4,
               "enabled": enabled, "effective_enabled": enabled})
    }

    #[test]
    fn a_table_aligns_its_columns_and_is_plain_without_colour() {
        let t = render(
            Kind::Tenants,
            Format::Table,
            &[tenant("a", true), tenant("longer", false)],
            false,
        );
        let lines: Vec<&str> = t.lines().collect();
        assert!(lines[0].starts_with("NAME    DOMAIN"), "{t}");
        assert!(lines[2].starts_with("longer  longer.sip"), "{t}");
        assert!(lines[2].ends_with("suspended"));
        assert!(!t.contains('\x1b'));
        assert!(render(Kind::Tenants, Format::Table, &[tenant("a", false)], true).contains(YELLOW));
    }

    #[test]
    fn json_is_an_array_and_name_lines_are_kind_slash_id() {
        let items = [tenant("a", true)];
        let j: Value =
            serde_json::from_str(&render(Kind::Tenants, Format::Json, &items, false)).unwrap();
        assert_eq!(j, json!(items));
        assert_eq!(
            render(Kind::Tenants, Format::Name, &items, false),
            "tenant/tnt_a\n"
        );
        let y: Value =
            serde_yaml_ng::from_str(&render(Kind::Tenants, Format::Yaml, &items, false)).unwrap();
        assert_eq!(y, json!(items));
    }

    #[test]
    fn csv_has_the_wide_columns_and_quotes_what_needs_it() {
        let mut t = tenant("a", true);
        t["name"] = json!("A, Inc.");
        let c = render(Kind::Tenants, Format::Csv, &[t], false);
        assert!(
            c.starts_with("NAME,DOMAIN,DEALER,EXT,CALLS,STATUS,ID,"),
            "{c}"
        );
        assert!(c.contains("\"A, Inc.\""));
    }

    #[test]
    fn a_server_cannot_move_the_cursor_through_a_cell() {
        let mut t = tenant("a", true);
        t["name"] = json!("evil\x1b[2J");
        assert!(!render(Kind::Tenants, Format::Table, &[t], false).contains('\x1b'));
    }
}
