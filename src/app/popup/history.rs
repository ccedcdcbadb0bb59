//! `Ctrl+P` in compose: the snippets of the profile file, then the publishes made before (newest
//! first, across restarts). Enter loads one into compose, to send again with Ctrl+S; `s` saves
//! what compose holds as a snippet, after asking its name.

use crate::app::history::History;
use crate::app::keymap::Action;

use super::{Intent, Outcome, edit_line};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryPopup {
    /// Row selected: snippets first, then history newest first.
    pub selected: usize,
    /// The name being typed for a new snippet, while asking.
    pub naming: Option<String>,
}

impl HistoryPopup {
    pub fn rows(history: &History) -> usize {
        history.snippets.len() + history.items.len()
    }

    /// A key, with the history lent to read.
    pub fn on_key(
        &mut self,
        history: &History,
        action: Option<Action>,
        typed: Option<char>,
    ) -> Outcome {
        if let Some(name) = self.naming.as_mut() {
            match action {
                Some(Action::Close) => self.naming = None,
                Some(Action::Confirm) if !name.trim().is_empty() => {
                    let name = name.trim().to_string();
                    self.naming = None;
                    return Outcome::KeepAnd(Intent::SaveSnippet(name));
                }
                _ => {
                    edit_line(name, action, typed, |_| true);
                }
            }
            return Outcome::Keep;
        }
        let last = Self::rows(history).saturating_sub(1);
        match action {
            Some(Action::Up) => self.selected = self.selected.saturating_sub(1),
            Some(Action::Down) => self.selected = (self.selected + 1).min(last),
            Some(Action::Home) => self.selected = 0,
            Some(Action::End) => self.selected = last,
            Some(Action::SubSave) => self.naming = Some(String::new()),
            Some(Action::Confirm) => {
                let snippets = history.snippets.len();
                return Outcome::CloseAnd(if self.selected < snippets {
                    Intent::LoadSnippet(self.selected)
                } else {
                    Intent::LoadHistory(self.selected - snippets)
                });
            }
            Some(Action::Close) => return Outcome::Close,
            _ => {}
        }
        Outcome::Keep
    }
}
