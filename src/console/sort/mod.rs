//! `:sort COLUMN [asc|desc]`: orders the current table by one of its columns. The Packages tab
//! is ordered by the server, so that "fullest first" ranks every dealer in scope, not only the
//! loaded pages; other tables sort what they hold, and say so when that is not the whole list.

use crate::console::app::App;
use crate::console::columns;
use crate::console::msg::Command;
use crate::console::tab::ListKind;
use crate::model::DealerSort;

impl App {
    /// `:sort` with its words.
    pub(crate) fn run_sort_command(&mut self, args: &[&str]) -> Vec<Command> {
        let Some(list) = self.tab.list() else {
            return self.flash(
                "sort works on a table: the tree's dealers are on the Packages tab (3), :sort fullest",
                true,
            );
        };
        let headers = columns::headers(self.tab);
        let names = headers
            .iter()
            .map(|(h, _)| *h)
            .collect::<Vec<_>>()
            .join(" ");
        let (word, direction) = match args {
            [word] => (*word, None),
            [word, "asc"] => (*word, Some(false)),
            [word, "desc"] => (*word, Some(true)),
            _ => {
                return self.flash(
                    format!(":sort COLUMN [asc|desc], COLUMN one of: {names}"),
                    true,
                );
            }
        };
        let Some(col) = column_of(headers, word) else {
            return self.flash(format!("no column `{word}` here; one of: {names}"), true);
        };
        let column = headers[col].0;
        let server_order = (list == ListKind::Packages)
            .then(|| DealerSort::parse(package_sort_word(column)))
            .flatten();
        // How full a package is reads best fullest first; names and levels from the top.
        let desc = direction.unwrap_or(server_order.is_some_and(DealerSort::reads_usage));
        self.list_mut(list).sort_by(col, desc);
        if let Some(sort) = server_order {
            self.packages_order = Some((sort, desc));
            let generation = self.packages.begin_reload();
            return vec![self.page_command(list, None, generation)];
        }
        let rows = self.list_mut(list);
        let ((shown, total), partial) = (rows.extent(), rows.is_partial());
        if !partial {
            return vec![];
        }
        self.flash(
            format!(
                "sorted the {shown} loaded of {total} by {column}; only the Packages tab is sorted by the server"
            ),
            false,
        )
    }

    /// The words `:sort ` completes on the current tab.
    pub fn sort_completions(&self, rest: &str) -> Vec<String> {
        let rest = rest.trim().to_lowercase();
        columns::headers(self.tab)
            .iter()
            .map(|(h, _)| h.replace(' ', "-"))
            .filter(|h| h.starts_with(&rest))
            .map(|h| format!("sort {h}"))
            .collect()
    }
}

/// The column a typed word names: its header, case-insensitive, a space typed as `-` (`rec-min`),
/// or a prefix of exactly one header.
fn column_of(headers: &[(&str, u16)], word: &str) -> Option<usize> {
    let word = word.to_lowercase().replace('-', " ");
    if let Some(i) = headers.iter().position(|(h, _)| *h == word) {
        return Some(i);
    }
    let mut prefixed = headers
        .iter()
        .enumerate()
        .filter(|(_, (h, _))| h.starts_with(&word));
    match (prefixed.next(), prefixed.next()) {
        (Some((i, _)), None) => Some(i),
        _ => None,
    }
}

/// The server's word for a Packages column (`dealer` is the dealer's name).
fn package_sort_word(column: &str) -> &str {
    match column {
        "dealer" => "name",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_is_named_by_its_header_a_dashed_header_or_a_unique_prefix() {
        let headers = crate::console::tenants::rows::HEADERS;
        assert_eq!(column_of(headers, "domain"), Some(1));
        assert_eq!(column_of(headers, "REC-MIN"), Some(5));
        assert_eq!(column_of(headers, "dea"), Some(2));
        assert_eq!(column_of(headers, "ra"), Some(8));
        assert_eq!(column_of(headers, "nope"), None);
    }

    #[test]
    fn every_packages_column_is_a_server_order() {
        for (h, _) in crate::console::packages::rows::HEADERS {
            assert!(
                DealerSort::parse(package_sort_word(h)).is_some(),
                "{h} is ordered by the server"
            );
        }
    }
}
