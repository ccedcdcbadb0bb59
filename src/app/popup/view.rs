//! `v`: how the selected topic's payloads are shown: auto (the user's rules, the declared
//! content type, then the best guess) or one decoder, kept for that topic until changed.

use crate::app::keymap::Action;
use crate::decode::Registry;
use crate::store::NodeId;

use super::{Intent, Outcome};

/// The choice that leaves it to the rules and the guess.
pub const AUTO: &str = "auto";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewPopup {
    /// The topic the choice is for.
    pub node: NodeId,
    /// `auto`, then every decoder, in the registry's order.
    pub choices: Vec<&'static str>,
    pub selected: usize,
}

impl ViewPopup {
    /// The choices for topic `node`: `auto`, then the registry's decoders; `current` is the
    /// view picked for it before, if any.
    pub fn new(decoders: &Registry, current: Option<&'static str>, node: NodeId) -> ViewPopup {
        let mut choices = vec![AUTO];
        choices.extend(decoders.ids());
        let current = current.unwrap_or(AUTO);
        let selected = choices.iter().position(|c| *c == current).unwrap_or(0);
        ViewPopup {
            node,
            choices,
            selected,
        }
    }

    pub fn on_key(&mut self, action: Option<Action>) -> Outcome {
        let last = self.choices.len().saturating_sub(1);
        match action {
            Some(Action::Up) => self.selected = self.selected.saturating_sub(1),
            Some(Action::Down) => self.selected = (self.selected + 1).min(last),
            Some(Action::Home) => self.selected = 0,
            Some(Action::End) => self.selected = last,
            Some(Action::Confirm) => {
                let view = match self.choices.get(self.selected).copied() {
                    Some(AUTO) | None => None,
                    Some(id) => Some(id),
                };
                let node = self.node;
                return Outcome::CloseAnd(Intent::PickView { node, view });
            }
            Some(Action::Close) => return Outcome::Close,
            _ => {}
        }
        Outcome::Keep
    }
}
