//! `A`: the alert rules (↑↓ choose; `a` a new one, Enter edits, x removes after asking) and
//! what fired, newest first, with times and what each action came to (PgUp/PgDn scroll).

use crate::app::keymap::Action;

use super::{Intent, Outcome};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AlertsPopup {
    pub selected: usize,
    /// Firings scrolled past, from the newest.
    pub scroll: usize,
}

impl AlertsPopup {
    /// A key, with the rules' names and how many firings the list holds.
    pub fn on_key(&mut self, rules: &[String], fired: usize, action: Option<Action>) -> Outcome {
        let last = rules.len().saturating_sub(1);
        match action {
            Some(Action::Close) => return Outcome::Close,
            Some(Action::Up) => self.selected = self.selected.saturating_sub(1),
            Some(Action::Down) => self.selected = (self.selected + 1).min(last),
            Some(Action::PageDown) => self.scroll = (self.scroll + 10).min(fired.saturating_sub(1)),
            Some(Action::PageUp) => self.scroll = self.scroll.saturating_sub(10),
            Some(Action::SubAdd) => return Outcome::KeepAnd(Intent::EditAlert(None)),
            Some(Action::Confirm) if !rules.is_empty() => {
                return Outcome::KeepAnd(Intent::EditAlert(Some(self.selected.min(last))));
            }
            Some(Action::SubRemove) => {
                if let Some(name) = rules.get(self.selected.min(last)) {
                    return Outcome::KeepAnd(Intent::RemoveAlert(name.clone()));
                }
            }
            _ => {}
        }
        Outcome::Keep
    }
}
