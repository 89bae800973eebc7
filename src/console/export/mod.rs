//! `:export csv|json PATH`: the current table, narrowed as it is (its server filter, its search
//! text), every page of it, written to a file, with a progress line while it runs.

pub mod requests;
pub mod state;

use crate::console::app::App;
use crate::console::msg::Command;
use state::{Format, Progress};

impl App {
    /// `:export FORMAT PATH`.
    pub(crate) fn run_export_command(&mut self, args: &[&str]) -> Vec<Command> {
        let (format, path) = match args {
            ["csv", path] => (Format::Csv, *path),
            ["json", path] => (Format::Json, *path),
            _ => return self.flash(":export csv PATH or :export json PATH", true),
        };
        let Some(list) = self.tab.list() else {
            return self.flash(
                "export works on a table: the tree's dealers are on the Packages tab (3)",
                true,
            );
        };
        if self.exporting.is_some() {
            return self.flash("an export is running: wait for it to finish", true);
        }
        self.export_gen += 1;
        let id = self.export_gen;
        let Command::LoadPage { mut query, .. } = self.page_command(list, None, 0) else {
            unreachable!("page_command makes a page request");
        };
        let filter = self.current_filter().trim().to_string();
        if !filter.is_empty() {
            query.q = Some(filter);
        }
        self.exporting = Some(Progress {
            id,
            done: 0,
            total: 0,
        });
        vec![Command::Export {
            id,
            list,
            query,
            format,
            path: path.to_string(),
        }]
    }

    /// A page of the export is in.
    pub(crate) fn on_export_progress(&mut self, p: Progress) -> Vec<Command> {
        if self.exporting.as_ref().is_some_and(|e| e.id == p.id) {
            self.exporting = Some(p);
        }
        vec![]
    }

    /// The export finished (or failed, saying why).
    pub(crate) fn on_exported(
        &mut self,
        path: String,
        result: Result<usize, String>,
    ) -> Vec<Command> {
        self.exporting = None;
        match result {
            Ok(rows) => self.flash(format!("exported {rows} row(s) to {path}"), false),
            Err(e) => self.flash(format!("export to {path} failed: {e}"), true),
        }
    }
}
