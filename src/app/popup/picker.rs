//! The profile picker: choose the broker to connect to. Scales to thousands of profiles: pages,
//! Home/End, and typing filters by name or broker URL.

use crate::app::App;
use crate::app::keymap::Action;

use super::Outcome;

/// Rows a page moves.
const PAGE: usize = 10;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PickerPopup {
    /// Index into the filtered list.
    pub selected: usize,
    /// Typed text: profiles whose name or broker contains it (any case).
    pub filter: String,
}

impl PickerPopup {
    /// The picker opened on profile `index` of the app's list.
    pub fn at(index: usize) -> PickerPopup {
        PickerPopup {
            selected: index,
            filter: String::new(),
        }
    }

    /// Indices into `app.profiles` that the filter lets through, in order.
    pub fn shown(&self, app: &App) -> Vec<usize> {
        let needle = self.filter.to_lowercase();
        app.profiles
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                needle.is_empty()
                    || p.name.to_lowercase().contains(&needle)
                    || p.broker.to_string().to_lowercase().contains(&needle)
            })
            .map(|(i, _)| i)
            .collect()
    }

    pub fn on_key(
        &mut self,
        app: &mut App,
        action: Option<Action>,
        typed: Option<char>,
    ) -> Outcome {
        let n = self.shown(app).len();
        let last = n.saturating_sub(1);
        match (action, typed) {
            (Some(Action::Up), _) => self.selected = self.selected.saturating_sub(1),
            (Some(Action::Down), _) => self.selected = (self.selected + 1).min(last),
            (Some(Action::PageUp), _) => self.selected = self.selected.saturating_sub(PAGE),
            (Some(Action::PageDown), _) => self.selected = (self.selected + PAGE).min(last),
            (Some(Action::Home), _) => self.selected = 0,
            (Some(Action::End), _) => self.selected = last,
            (Some(Action::Confirm), _) if n > 0 => {
                let i = self.shown(app)[self.selected.min(last)];
                let name = app.profiles[i].name.clone();
                return Outcome::CloseWith(app.connect_to(&name));
            }
            (Some(Action::ProfileNew), _) => {
                app.open_profile_form(None, false);
                return Outcome::Close;
            }
            (Some(a @ (Action::ProfileEdit | Action::ProfileDuplicate)), _) if n > 0 => {
                let i = self.shown(app)[self.selected.min(last)];
                app.open_profile_form(Some(i), a == Action::ProfileDuplicate);
                return Outcome::Close;
            }
            (Some(Action::ProfileRemove), _) if n > 0 => {
                let i = self.shown(app)[self.selected.min(last)];
                app.ask_remove_profile(Some(i));
                return Outcome::Close;
            }
            (Some(Action::DeleteBack), _) => {
                self.filter.pop();
                self.selected = 0;
            }
            // Esc clears a filter first; then closes (quits when nothing is connected behind).
            (Some(Action::Close), _) if !self.filter.is_empty() => {
                self.filter.clear();
                self.selected = 0;
            }
            (Some(Action::Close), _) if app.link.conn.is_some() => return Outcome::Close,
            (Some(Action::Close), _) => return Outcome::Quit,
            (None, Some(c)) => {
                self.filter.push(c);
                self.selected = 0;
            }
            _ => {}
        }
        Outcome::Keep
    }
}
