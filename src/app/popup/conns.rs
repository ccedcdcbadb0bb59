//! `C`: the open connections with each one's state (MQTT X's sidebar). Enter puts the chosen
//! one in focus, `x` closes it, `a` opens a profile beside them; the list itself is drawn from
//! the connections as they are.

use crate::app::keymap::Action;
use crate::session::link::ConnId;

use super::{Intent, Outcome};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConnsPopup {
    pub selected: usize,
}

impl ConnsPopup {
    /// A key, with the connections' ids in the order listed.
    pub fn on_key(&mut self, ids: &[ConnId], action: Option<Action>) -> Outcome {
        let last = ids.len().saturating_sub(1);
        self.selected = self.selected.min(last);
        let at = ids.get(self.selected).copied();
        match (action, at) {
            (Some(Action::Close), _) => return Outcome::Close,
            (Some(Action::Up), _) => self.selected = self.selected.saturating_sub(1),
            (Some(Action::Down), _) => self.selected = (self.selected + 1).min(last),
            (Some(Action::Home), _) => self.selected = 0,
            (Some(Action::End), _) => self.selected = last,
            (Some(Action::Confirm), Some(id)) => return Outcome::CloseAnd(Intent::FocusConn(id)),
            (Some(Action::SubRemove), Some(id)) => return Outcome::KeepAnd(Intent::CloseConn(id)),
            (Some(Action::SubAdd), _) => return Outcome::CloseAnd(Intent::PickBeside),
            _ => {}
        }
        Outcome::Keep
    }
}
