//! A yes/no question before something that reaches devices (a Sparkplug Rebirth command):
//! Enter or y does it, Esc or n closes.

use crate::app::effect::Effect;
use crate::app::keymap::Action;

use super::Outcome;

#[derive(Debug, Clone)]
pub struct ConfirmPopup {
    pub title: String,
    /// What will happen, one line each (already escaped).
    pub lines: Vec<String>,
    /// What "yes" does.
    pub effects: Vec<Effect>,
}

impl PartialEq for ConfirmPopup {
    fn eq(&self, other: &Self) -> bool {
        self.title == other.title && self.lines == other.lines
    }
}

impl Eq for ConfirmPopup {}

impl ConfirmPopup {
    pub fn on_key(&mut self, action: Option<Action>) -> Outcome {
        match action {
            Some(Action::Confirm) => Outcome::CloseWith(std::mem::take(&mut self.effects)),
            Some(Action::Close) => Outcome::Close,
            _ => Outcome::Keep,
        }
    }
}
