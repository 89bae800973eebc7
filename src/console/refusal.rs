//! A refusal in words: the server's sentence, or, where its details say more (the prefixes that
//! would sell below cost, the CSV lines that are wrong), the console's own wording of them.

use crate::client::ClientError;
use crate::model::Refusal;

/// A refusal in words. Where the error's details say more than its sentence (the prefixes that
/// would sell below cost, the CSV lines that are wrong), the console says it in its own terms.
pub fn refusal(e: &ClientError) -> String {
    match e.refusal() {
        Some(Refusal::BelowCost { count, prefixes }) => {
            let more = if *count > 6 { ", …" } else { "" };
            format!(
                "sells below cost on {count} prefix(es): {}{more}; tick allow below cost to accept",
                prefixes
                    .iter()
                    .take(6)
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
        Some(Refusal::InvalidField { lines }) if !lines.is_empty() => {
            let shown: Vec<String> = lines
                .iter()
                .take(3)
                .map(|l| format!("line {}: {}", l.line, l.message))
                .collect();
            let more = lines.len().saturating_sub(shown.len());
            let tail = if more > 0 {
                format!("; and {more} more")
            } else {
                String::new()
            };
            format!(
                "{} bad line(s) in the file: {}{tail}",
                lines.len(),
                shown.join("; ")
            )
        }
        _ => e.to_string(),
    }
}
