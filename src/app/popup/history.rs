//! `Ctrl+P` in compose: the snippets of the profile file, then the publishes made before (newest
//! first, across restarts). Enter loads one into compose, to send again with Ctrl+S; `s` saves
//! what compose holds as a snippet, after asking its name.

use crate::app::App;
use crate::app::keymap::Action;

use super::Outcome;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryPopup {
    /// Row selected: snippets first, then history newest first.
    pub selected: usize,
    /// The name being typed for a new snippet, while asking.
    pub naming: Option<String>,
}

impl HistoryPopup {
    pub fn rows(app: &App) -> usize {
        app.history.snippets.len() + app.history.items.len()
    }

    pub fn on_key(
        &mut self,
        app: &mut App,
        action: Option<Action>,
        typed: Option<char>,
    ) -> Outcome {
        if let Some(name) = self.naming.as_mut() {
            match (action, typed) {
                (Some(Action::Close), _) => self.naming = None,
                (Some(Action::DeleteBack), _) => {
                    name.pop();
                }
                (Some(Action::Confirm), _) if !name.trim().is_empty() => {
                    let name = name.trim().to_string();
                    self.naming = None;
                    return Outcome::KeepWith(app.save_snippet(name));
                }
                (None, Some(c)) => name.push(c),
                _ => {}
            }
            return Outcome::Keep;
        }
        let last = Self::rows(app).saturating_sub(1);
        match action {
            Some(Action::Up) => self.selected = self.selected.saturating_sub(1),
            Some(Action::Down) => self.selected = (self.selected + 1).min(last),
            Some(Action::Home) => self.selected = 0,
            Some(Action::End) => self.selected = last,
            Some(Action::SubSave) => self.naming = Some(String::new()),
            Some(Action::Confirm) => {
                let snippets = app.history.snippets.len();
                if self.selected < snippets {
                    let s = app.history.snippets[self.selected].clone();
                    app.load_snippet(&s);
                } else if let Some(item) = app
                    .history
                    .items
                    .iter()
                    .rev()
                    .nth(self.selected - snippets)
                    .cloned()
                {
                    app.load_into_compose(&item);
                }
                return Outcome::Close;
            }
            Some(Action::Close) => return Outcome::Close,
            _ => {}
        }
        Outcome::Keep
    }
}
