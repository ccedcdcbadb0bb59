//! `O`: the mock rules (`--mock RULES.toml`), each with what it did; ↑↓ choose, Space turns
//! the chosen one off or on.

use crate::app::keymap::Action;

use super::{Intent, Outcome};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MockPopup {
    pub selected: usize,
}

impl MockPopup {
    pub fn on_key(&mut self, rules: usize, action: Option<Action>) -> Outcome {
        let last = rules.saturating_sub(1);
        match action {
            Some(Action::Close) => return Outcome::Close,
            Some(Action::Up) => self.selected = self.selected.saturating_sub(1),
            Some(Action::Down) => self.selected = (self.selected + 1).min(last),
            Some(Action::SubToggle) if rules > 0 => {
                return Outcome::KeepAnd(Intent::ToggleMock(self.selected.min(last)));
            }
            _ => {}
        }
        Outcome::Keep
    }
}
