//! A refusal in words: the server's sentence, or, where its details say more (the prefixes that
//! would sell below cost, the CSV lines that are wrong), the console's own wording of them.

use crate::client::ClientError;

/// A refusal in words. Where the error's details say more than its sentence (the prefixes that
/// would sell below cost, the CSV lines that are wrong), the console says it in its own terms.
pub fn refusal(e: &ClientError) -> String {
    let text = e.to_string();
    let Some(details) = e.details() else {
        return text;
    };
    if e.code() == Some("below_cost")
        && let Some(prefixes) = details.get("prefixes").and_then(|p| p.as_array())
    {
        let list: Vec<&str> = prefixes.iter().filter_map(|p| p.as_str()).collect();
        let count = details
            .get("count")
            .and_then(|c| c.as_i64())
            .unwrap_or(list.len() as i64);
        let more = if count as usize > 6 { ", …" } else { "" };
        return format!(
            "sells below cost on {count} prefix(es): {}{more}; tick allow below cost to accept",
            list.iter().take(6).copied().collect::<Vec<_>>().join(", ")
        );
    }
    if let Some(lines) = details.get("lines").and_then(|l| l.as_array())
        && !lines.is_empty()
    {
        let shown: Vec<String> = lines
            .iter()
            .take(3)
            .map(|l| {
                format!(
                    "line {}: {}",
                    l.get("line").and_then(|n| n.as_i64()).unwrap_or(0),
                    l.get("message").and_then(|m| m.as_str()).unwrap_or("?")
                )
            })
            .collect();
        let more = lines.len().saturating_sub(shown.len());
        let tail = if more > 0 {
            format!("; and {more} more")
        } else {
            String::new()
        };
        return format!(
            "{} bad line(s) in the file: {}{tail}",
            lines.len(),
            shown.join("; ")
        );
    }
    text
}
