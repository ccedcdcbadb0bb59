//! The profile picker: choose the broker to connect to.

use crate::app::App;
use crate::app::effect::Effect;
use crate::app::keymap::Action;

use super::Outcome;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PickerPopup {
    pub selected: usize,
}

impl PickerPopup {
    pub fn on_key(&mut self, app: &mut App, action: Option<Action>) -> Outcome {
        let n = app.profiles.len();
        match action {
            Some(Action::Up) => self.selected = self.selected.saturating_sub(1),
            Some(Action::Down) => self.selected = (self.selected + 1).min(n.saturating_sub(1)),
            Some(Action::Confirm) if n > 0 => {
                let name = app.profiles[self.selected.min(n - 1)].name.clone();
                return Outcome::CloseWith(vec![Effect::Connect(name)]);
            }
            // Without a connection there is nothing behind the picker to go back to.
            Some(Action::Close) if app.conn.is_some() => return Outcome::Close,
            Some(Action::Close) => return Outcome::Quit,
            _ => {}
        }
        Outcome::Keep
    }
}
