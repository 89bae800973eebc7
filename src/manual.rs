//! `dealerctl completions SHELL` and `dealerctl man`: the shell completions and the manual page,
//! generated from the same command definition that parses the arguments, so they never drift.

use std::io::Write;

/// Writes the completion script of `shell` for `cmd` to standard output.
pub fn completions(mut cmd: clap::Command, shell: clap_complete::Shell) {
    let name = cmd.get_name().to_string();
    clap_complete::generate(shell, &mut cmd, name, &mut std::io::stdout());
}

/// Writes the manual page (roff) of `cmd` and of each subcommand, one after the other, to
/// standard output (`dealerctl man | man -l -` reads it).
pub fn man(cmd: clap::Command) -> anyhow::Result<()> {
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut out)?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let title = format!("{}-{}", cmd.get_name(), sub.get_name());
        clap_mangen::Man::new(sub.clone())
            .title(title)
            .render(&mut out)?;
    }
    std::io::stdout().write_all(&out)?;
    Ok(())
}
