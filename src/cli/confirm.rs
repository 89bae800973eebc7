//! Asking before harm on the command line: what a change touches is printed first; on a
//! terminal the person answers, and a script must say `--yes`. Anything but `y` is No.

use std::io::{BufRead, IsTerminal, Write};

use super::failure::{CliResult, Failure};

/// Whether to go ahead: `yes` given, or `y` typed at the prompt. Without a terminal to ask on
/// and without `--yes`, nothing is done (exit 2).
pub fn go_ahead(question: &str, yes: bool) -> CliResult<bool> {
    if yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure::usage(
            "nothing was changed: pass --yes to go ahead without a terminal to ask on",
        ));
    }
    let answer = ask(&format!("{question} [y/N] "))?;
    Ok(answer.trim().eq_ignore_ascii_case("y") || answer.trim().eq_ignore_ascii_case("yes"))
}

/// Asks for a line on the terminal (the prompt on standard error, so output stays clean).
pub fn ask(prompt: &str) -> CliResult<String> {
    eprint!("{prompt}");
    std::io::stderr().flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// Whether the person typed `name` exactly (for changes that stop a whole subtree).
pub fn typed_name(name: &str, yes: bool) -> CliResult<bool> {
    if yes {
        return Ok(true);
    }
    let typed = ask(&format!("type `{name}` to confirm: "))?;
    Ok(typed.trim() == name)
}
