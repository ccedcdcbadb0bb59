//! The filter prompt of the tree or the log: the pane filters as the user types.

use crate::app::keymap::Action;

use super::{Intent, Outcome, edit_line};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterPopup {
    /// Filtering the tree (true) or the log.
    pub tree: bool,
}

impl FilterPopup {
    /// A key, with the filter's text lent (the tree's or the log's, as `tree` says).
    pub fn on_key(
        &mut self,
        text: &mut String,
        action: Option<Action>,
        typed: Option<char>,
    ) -> Outcome {
        let tree = self.tree;
        match action {
            Some(Action::Close) => {
                text.clear();
                Outcome::CloseAnd(Intent::FilterChanged { tree, done: true })
            }
            Some(Action::Confirm) => Outcome::CloseAnd(Intent::FilterChanged { tree, done: true }),
            _ if edit_line(text, action, typed, |_| true) => {
                Outcome::KeepAnd(Intent::FilterChanged { tree, done: false })
            }
            _ => Outcome::Keep,
        }
    }
}
