//! The help popup: every binding of the keymap table, popups' included, scrollable.

use crate::app::keymap::{Action, help_rows};

use super::Outcome;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HelpPopup {
    /// First row shown.
    pub scroll: usize,
}

/// Rows a page of the help scrolls by.
const PAGE: usize = 10;

impl HelpPopup {
    pub fn on_key(&mut self, action: Option<Action>) -> Outcome {
        let last = help_rows().len().saturating_sub(1);
        match action {
            Some(Action::Down) => self.scroll = (self.scroll + 1).min(last),
            Some(Action::Up) => self.scroll = self.scroll.saturating_sub(1),
            Some(Action::PageDown) => self.scroll = (self.scroll + PAGE).min(last),
            Some(Action::PageUp) => self.scroll = self.scroll.saturating_sub(PAGE),
            Some(Action::Home) => self.scroll = 0,
            Some(Action::End) => self.scroll = last,
            // Any other key closes the help.
            _ => return Outcome::Close,
        }
        Outcome::Keep
    }
}
