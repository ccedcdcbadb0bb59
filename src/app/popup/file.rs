//! `Ctrl+F` in compose: a file's path, whose bytes become the payload (read as a job; text
//! stays text, anything else becomes base64 in the field, sent as the bytes it stands for).

use crate::app::keymap::Action;

use super::{Intent, Outcome, edit_line};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilePopup {
    pub path: String,
}

impl FilePopup {
    pub fn on_key(&mut self, action: Option<Action>, typed: Option<char>) -> Outcome {
        match action {
            Some(Action::Close) => Outcome::Close,
            Some(Action::Confirm) if !self.path.trim().is_empty() => {
                Outcome::CloseAnd(Intent::LoadPayload(self.path.trim().into()))
            }
            _ => {
                edit_line(&mut self.path, action, typed, |_| true);
                Outcome::Keep
            }
        }
    }
}
