//! The filter prompt of the tree or the log: the pane filters as the user types.

use crate::app::App;
use crate::app::keymap::Action;

use super::Outcome;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterPopup {
    /// Filtering the tree (true) or the log.
    pub tree: bool,
}

impl FilterPopup {
    pub fn on_key(
        &mut self,
        app: &mut App,
        action: Option<Action>,
        typed: Option<char>,
    ) -> Outcome {
        let filter = if self.tree {
            &mut app.tree.filter
        } else {
            &mut app.log.filter
        };
        let outcome = match (action, typed) {
            (Some(Action::Close), _) => {
                filter.text.clear();
                Outcome::Close
            }
            (Some(Action::Confirm), _) => Outcome::Close,
            (Some(Action::DeleteBack), _) => {
                filter.text.pop();
                Outcome::Keep
            }
            (Some(Action::ClearInput), _) => {
                filter.text.clear();
                Outcome::Keep
            }
            (None, Some(c)) => {
                filter.text.push(c);
                Outcome::Keep
            }
            _ => Outcome::Keep,
        };
        if self.tree {
            app.tree.keep_selection_visible(&app.link.store, app.now);
        }
        outcome
    }
}
