//! Breaking text into lines that fit.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// `text` in lines of at most `width` characters, broken between words where it can be.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let mut word = word.to_string();
        while word.chars().count() > width {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            let at = word
                .char_indices()
                .nth(width)
                .map_or(word.len(), |(i, _)| i);
            lines.push(word[..at].to_string());
            word = word[at..].to_string();
        }
        let needed = line.chars().count() + usize::from(!line.is_empty()) + word.chars().count();
        if needed > width && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// A styled line in rows of at most `width` characters, broken between words where it can be.
/// The rows after the first are indented two past the line's own leading spaces, so a wrapped
/// entry still reads as one; each row keeps the line's style and its spans' styles.
pub fn wrap_line(line: &Line, width: usize) -> Vec<Line<'static>> {
    let width = width.max(1);
    let cells: Vec<(char, Style)> = line
        .spans
        .iter()
        .flat_map(|s| s.content.chars().map(move |c| (c, s.style)))
        .collect();
    let lead = cells.iter().take_while(|(c, _)| *c == ' ').count();
    let indent = (lead + 2).min(width / 2);
    let blank = || vec![(' ', Style::default()); indent];
    let mut rows: Vec<Vec<(char, Style)>> = Vec::new();
    let mut row: Vec<(char, Style)> = Vec::new();
    // Where the row may break: just after its last space past the indent.
    let mut space: Option<usize> = None;
    for (c, style) in cells {
        if row.len() >= width {
            if c == ' ' {
                rows.push(std::mem::replace(&mut row, blank()));
                space = None;
                continue;
            }
            match space {
                Some(at) => {
                    let rest = row.split_off(at + 1);
                    row.pop();
                    rows.push(std::mem::replace(&mut row, blank()));
                    row.extend(rest);
                }
                None => rows.push(std::mem::replace(&mut row, blank())),
            }
            space = None;
        }
        if c == ' ' && row.len() > indent.min(lead) {
            space = Some(row.len());
        }
        row.push((c, style));
    }
    if !row.is_empty() || rows.is_empty() {
        rows.push(row);
    }
    rows.into_iter()
        .map(|cells| {
            let mut spans: Vec<Span<'static>> = Vec::new();
            let mut text = String::new();
            let mut current = cells.first().map(|(_, s)| *s).unwrap_or_default();
            for (c, style) in cells {
                if style != current && !text.is_empty() {
                    spans.push(Span::styled(std::mem::take(&mut text), current));
                }
                current = style;
                text.push(c);
            }
            if !text.is_empty() {
                spans.push(Span::styled(text, current));
            }
            Line::from(spans).style(line.style)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{wrap, wrap_line};
    use ratatui::style::{Modifier, Style};
    use ratatui::text::{Line, Span};

    fn text(l: &Line) -> String {
        l.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn a_styled_line_wraps_between_words_with_its_styles_and_an_indent() {
        let bold = Style::default().add_modifier(Modifier::BOLD);
        let line = Line::from(vec![
            Span::styled(" tenant ", bold),
            Span::raw("Riverside Dental under Acme Telecom"),
        ]);
        let rows = wrap_line(&line, 20);
        let texts: Vec<String> = rows.iter().map(text).collect();
        assert_eq!(
            texts,
            [" tenant Riverside", "   Dental under Acme", "   Telecom"]
        );
        assert_eq!(rows[0].spans[0].style, bold);
        assert!(rows.iter().all(|r| r.width() <= 20));
        assert_eq!(wrap_line(&Line::raw(""), 10).len(), 1);
        let long = wrap_line(&Line::raw("abcdefghijkl"), 5);
        assert!(long.iter().all(|r| r.width() <= 5), "{long:?}");
    }

    #[test]
    fn long_errors_wrap_between_words_and_long_words_are_split() {
        assert_eq!(
            wrap("cannot reach the server", 12),
            ["cannot reach", "the server"]
        );
        assert_eq!(wrap("abcdefghij xy", 4), ["abcd", "efgh", "ij", "xy"]);
        assert_eq!(wrap("short", 40), ["short"]);
    }
}
