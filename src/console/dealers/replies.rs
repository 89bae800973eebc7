//! The Dealers tab's answers: a level of the tree, and the selected dealer's details.

use crate::client::ClientError;
use crate::console::app::{App, describe};
use crate::console::msg::Command;
use crate::model::{Capacity, Dealer, TreeNode};

impl App {
    /// A level of the tree arrived; the details follow the selection, which may have moved.
    pub(crate) fn on_tree(
        &mut self,
        under: Option<String>,
        result: Result<TreeNode, ClientError>,
    ) -> Vec<Command> {
        match result {
            Ok(node) => {
                self.tree.accept(under.as_deref(), node);
                self.online = true;
                // The selection may have moved (a deleted dealer is gone): details follow it.
                self.select_details()
            }
            // A node deleted meanwhile (by someone else): it leaves the tree, without a word in
            // the footer, which belongs to what the operator does.
            Err(ClientError::Api { status: 404, .. }) if under.is_some() => {
                self.tree.forget(under.as_deref().unwrap_or_default());
                self.select_details()
            }
            Err(e) => {
                self.tree.error = Some(describe(&e));
                self.on_error(e, "loading the dealer tree")
            }
        }
    }

    /// The selected dealer's details and capacity arrived (or it is gone meanwhile).
    pub(crate) fn on_details(
        &mut self,
        result: Result<(Dealer, Option<Capacity>), ClientError>,
    ) -> Vec<Command> {
        match result {
            Ok(d) => {
                self.details = Some(d);
                self.details_ahead()
            }
            // Gone meanwhile (deleted here or elsewhere): the reloaded tree moves on.
            Err(e) if e.status() == Some(404) => {
                self.details = None;
                vec![]
            }
            Err(e) => self.on_error(e, "loading the dealer"),
        }
    }
}
