//! The retained clean-up's popup: the look running, then the list of what will be cleared
//! (Enter clears, Esc cancels), then the progress and the outcome. Esc closes it at any time; a
//! clean-up under way goes on, and `D` shows it again.

use crate::app::cleanup::Phase;
use crate::app::keymap::Action;

use super::{Intent, Outcome};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CleanupPopup {
    /// First row of the list shown.
    pub scroll: usize,
}

impl CleanupPopup {
    /// A key, with the clean-up's phase lent to read.
    pub fn on_key(
        &mut self,
        phase: Option<&Phase>,
        action: Option<Action>,
        typed: Option<char>,
    ) -> Outcome {
        // Finished: the outcome has been read; `u` (which the notice offers) undoes at once,
        // any other key just closes (the popup once stayed and swallowed the `u`).
        if matches!(phase, Some(Phase::Finished(_))) {
            return match typed {
                Some('u') => Outcome::CloseAnd(Intent::UndoCleanup),
                _ => Outcome::Close,
            };
        }
        let rows = match phase {
            Some(Phase::Preview { found, .. }) => found.len(),
            _ => 0,
        };
        match action {
            Some(Action::Down) => self.scroll = (self.scroll + 1).min(rows.saturating_sub(1)),
            Some(Action::Up) => self.scroll = self.scroll.saturating_sub(1),
            Some(Action::PageDown) => self.scroll = (self.scroll + 10).min(rows.saturating_sub(1)),
            Some(Action::PageUp) => self.scroll = self.scroll.saturating_sub(10),
            Some(Action::Confirm) => return Outcome::KeepAnd(Intent::ConfirmCleanup),
            Some(Action::Close) => {
                // Cancelling a preview forgets it; a running clean-up goes on.
                if matches!(phase, Some(Phase::Preview { .. })) {
                    return Outcome::CloseAnd(Intent::ForgetCleanup);
                }
                return Outcome::Close;
            }
            _ => {}
        }
        Outcome::Keep
    }
}
