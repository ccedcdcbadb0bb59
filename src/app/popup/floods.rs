//! `F`: what floods the broker, ranked (see `features::floods`): `w` changes the window (10 s,
//! 1 min, 5 min), `b` ranks by bytes/s or msg/s, `s` topics or subtrees; Enter shows the row in
//! the tree.

use crate::app::keymap::Action;
use crate::store::NodeId;
use crate::store::decay::Window;

use super::{Intent, Outcome};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FloodsPopup {
    pub window: Window,
    pub by_bytes: bool,
    pub subtrees: bool,
    pub selected: usize,
}

impl FloodsPopup {
    /// A key, with the ranked rows' nodes.
    pub fn on_key(&mut self, rows: &[NodeId], action: Option<Action>) -> Outcome {
        let last = rows.len().saturating_sub(1);
        match action {
            Some(Action::Close) => return Outcome::Close,
            Some(Action::Up) => self.selected = self.selected.saturating_sub(1),
            Some(Action::Down) => self.selected = (self.selected + 1).min(last),
            Some(Action::Home) => self.selected = 0,
            Some(Action::End) => self.selected = last,
            Some(Action::FloodWindow) => self.window = self.window.next(),
            Some(Action::FloodBytes) => self.by_bytes = !self.by_bytes,
            Some(Action::FloodSubtrees) => {
                self.subtrees = !self.subtrees;
                self.selected = 0;
            }
            Some(Action::Confirm) => {
                if let Some(&node) = rows.get(self.selected.min(last)) {
                    return Outcome::CloseAnd(Intent::GoTo(node));
                }
            }
            _ => {}
        }
        Outcome::Keep
    }
}
