//! The verbs over the kinds of object, as one grammar: `dealerctl get tenants -q acme` in a
//! script and `:get tenants -q acme` on the console's command line are parsed by the same
//! definitions, so a word means the same thing in both. No I/O here: the CLI (`crate::cli`) and
//! the console each carry a verb out their own way.

mod kind;

pub use kind::Kind;

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// How a verb prints what it got.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Columns for people (colour on a terminal).
    #[default]
    Table,
    /// More columns, ids included.
    Wide,
    /// The API's JSON, exactly (lists as arrays).
    Json,
    /// The API's JSON as YAML.
    Yaml,
    /// The wide columns as CSV.
    Csv,
    /// `kind/id` lines, for the next command in a pipe.
    Name,
}

/// The verbs, as parsed from words.
#[derive(Debug, Subcommand)]
pub enum Verb {
    /// List objects of a kind, or show one.
    Get(GetArgs),
    /// One object in full: its fields, its capacity and its recent audit.
    Describe(DescribeArgs),
    /// Create an object from `--field value` pairs or a YAML/JSON file.
    Create(CreateArgs),
    /// Change an object in $EDITOR (YAML), or from a file; applied only if nobody changed it since.
    Edit(EditArgs),
    /// Delete an object (says what it touches and asks first).
    Delete(ChangeArgs),
    /// Suspend a dealer, a tenant or a login (says what stops and asks first).
    Suspend(ChangeArgs),
    /// Resume a dealer, a tenant or a login.
    Resume(ChangeArgs),
    /// Move a tenant to another dealer: shows the plan; `--yes` carries it out.
    Move(MoveArgs),
    /// Whether a login may do something (on an object).
    CanI(CanIArgs),
}

/// A verb read from a line of words (the console's `:` line), as the CLI would read it.
#[derive(Debug, Parser)]
#[command(name = "", no_binary_name = true, disable_help_subcommand = true)]
pub struct Line {
    #[command(subcommand)]
    pub verb: Verb,
}

impl Line {
    /// Parses `line` split as a shell splits it (quotes group words). The error is clap's
    /// message, first line only (the console shows one line).
    pub fn parse(line: &str) -> Result<Verb, String> {
        let words = shell_words::split(line).map_err(|e| format!("cannot read the line: {e}"))?;
        Line::try_parse_from(words)
            .map(|l| l.verb)
            .map_err(|e| first_line(&e.to_string()))
    }
}

fn first_line(text: &str) -> String {
    text.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim_start_matches("error: ")
        .to_string()
}

/// The output flag of the verbs that print objects.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// table, wide, json, yaml, csv or name.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Reading as another login: a read-only view-as session, on the audit like any other.
#[derive(Debug, Clone, Args)]
pub struct AsArgs {
    /// Read as this login (e-mail or id): what it would see.
    #[arg(long = "as", value_name = "USER")]
    pub as_user: Option<String>,
}

#[derive(Debug, Args)]
pub struct GetArgs {
    /// dealers, tenants, packages, users, groups, rate-cards, rates, audit, api-keys.
    #[arg(ignore_case = true)]
    pub kind: Kind,
    /// One object, by id or unique name (for `rates`: the rate card).
    pub target: Option<String>,
    /// Only what lies under this dealer (for dealers: its direct sub-dealers).
    #[arg(long, value_name = "DEALER")]
    pub under: Option<String>,
    /// Only what matches this text (name, domain, e-mail; a prefix for rates).
    #[arg(short = 'q', long = "query", value_name = "TEXT")]
    pub query: Option<String>,
    /// At most this many (default 50).
    #[arg(long, conflicts_with = "all")]
    pub limit: Option<usize>,
    /// Every match, page after page.
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub view: AsArgs,
}

#[derive(Debug, Args)]
pub struct DescribeArgs {
    #[arg(ignore_case = true)]
    pub kind: Kind,
    /// The object, by id or unique name.
    pub target: String,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub view: AsArgs,
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    #[arg(ignore_case = true)]
    pub kind: Kind,
    /// The fields as YAML or JSON (`-` reads standard input); flags given beside it win.
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
    /// The fields: `--name Acme --dealer "Acme Reseller" --extensions 20` (`create KIND --help-fields` lists them).
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "--FIELD VALUE"
    )]
    pub fields: Vec<String>,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    #[arg(ignore_case = true)]
    pub kind: Kind,
    /// The object, by id or unique name.
    pub target: String,
    /// The changed fields as YAML or JSON, instead of opening $EDITOR (`-` reads standard input).
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct ChangeArgs {
    #[arg(ignore_case = true)]
    pub kind: Kind,
    /// The object, by id or unique name.
    pub target: String,
    /// Go ahead without asking (what it touches is still printed).
    #[arg(short = 'y', long)]
    pub yes: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct MoveArgs {
    /// `tenant` (only tenants move).
    #[arg(ignore_case = true)]
    pub kind: Kind,
    /// The tenant, by id, name or domain.
    pub target: String,
    /// The dealer to move it to.
    #[arg(long, value_name = "DEALER")]
    pub to: String,
    /// The rate card to bill it with there (when its own cannot follow).
    #[arg(long, value_name = "CARD")]
    pub rate_card: Option<String>,
    /// Carry the plan out (without it, only the plan is shown).
    #[arg(short = 'y', long)]
    pub yes: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct CanIArgs {
    /// A permission (`tenants:suspend`, `impersonate`, …).
    pub permission: String,
    /// On this object: `KIND/NAME` (`tenant/acme.sip.example`).
    #[arg(long, value_name = "KIND/NAME")]
    pub on: Option<String>,
    #[command(flatten)]
    pub view: AsArgs,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_parses_as_the_command_line_would() {
        let Verb::Get(g) = Line::parse("get Tenant -q 'acme sip' --limit 5").unwrap() else {
            panic!("not get")
        };
        assert_eq!(g.kind, Kind::Tenants);
        assert_eq!(g.query.as_deref(), Some("acme sip"));
        assert_eq!(g.limit, Some(5));
        let Verb::Describe(d) = Line::parse("describe rc \"Retail EU\"").unwrap() else {
            panic!("not describe")
        };
        assert_eq!((d.kind, d.target.as_str()), (Kind::RateCards, "Retail EU"));
        let Verb::Create(c) = Line::parse("create tenant --name X --extensions 5").unwrap() else {
            panic!("not create")
        };
        assert_eq!(c.fields, ["--name", "X", "--extensions", "5"]);
    }

    #[test]
    fn a_wrong_line_says_why_in_one_line() {
        let e = Line::parse("get widgets").unwrap_err();
        assert!(e.contains("widgets"), "{e}");
        assert!(!e.contains('\n'));
        assert!(Line::parse("get tenants 'open").is_err());
    }
}
