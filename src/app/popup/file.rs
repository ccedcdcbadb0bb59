//! `Ctrl+F` in compose: a file's path, whose bytes become the payload (read as a job; text
//! stays text, anything else becomes base64 in the field, sent as the bytes it stands for).

use crate::app::App;
use crate::app::Level;
use crate::app::effect::Effect;
use crate::app::keymap::Action;

use super::Outcome;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilePopup {
    pub path: String,
}

impl FilePopup {
    pub fn on_key(
        &mut self,
        app: &mut App,
        action: Option<Action>,
        typed: Option<char>,
    ) -> Outcome {
        match (action, typed) {
            (Some(Action::Close), _) => return Outcome::Close,
            (Some(Action::DeleteBack), _) => {
                self.path.pop();
            }
            (Some(Action::ClearInput), _) => self.path.clear(),
            (Some(Action::Confirm), _) if !self.path.trim().is_empty() => {
                app.tell(
                    Level::Info,
                    format!("reading {}…", crate::text::clean(&self.path)),
                );
                return Outcome::CloseWith(vec![Effect::LoadPayload {
                    path: self.path.trim().into(),
                    limit: app.payload_limit(),
                }]);
            }
            (None, Some(c)) => self.path.push(c),
            _ => {}
        }
        Outcome::Keep
    }
}
