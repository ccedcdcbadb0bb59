//! A yes/no question before something that reaches devices (a Sparkplug Rebirth command):
//! Enter or y does it, Esc or n closes.

use crate::app::keymap::Action;

use super::{Intent, Outcome};

#[derive(Debug, Clone)]
pub struct ConfirmPopup {
    pub title: String,
    /// What will happen, one line each (already escaped).
    pub lines: Vec<String>,
    /// What "yes" does.
    pub yes: Yes,
}

/// What a confirmed question does: built when "yes" comes, so what is sent carries the time it
/// was sent at.
#[derive(Debug, Clone)]
pub enum Yes {
    /// Remove the profile of this name from the profile file.
    RemoveProfile(String),
    /// Publish a Sparkplug B Rebirth NCMD to this topic.
    Rebirth(String),
    /// Remove the alert rule of this name from the profile file.
    RemoveAlert(String),
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
            Some(Action::Confirm) => Outcome::CloseAnd(Intent::Confirmed(self.yes.clone())),
            Some(Action::Close) => Outcome::Close,
            _ => Outcome::Keep,
        }
    }
}
