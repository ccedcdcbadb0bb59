//! The profile picker: choose the broker to connect to. Scales to thousands of profiles: pages,
//! Home/End, and typing filters by name or broker URL.

use crate::app::keymap::Action;
use crate::config::Profile;

use super::{Intent, Outcome, edit_line};

/// Rows a page moves.
const PAGE: usize = 10;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PickerPopup {
    /// Index into the filtered list.
    pub selected: usize,
    /// Typed text: profiles whose name or broker contains it (any case).
    pub filter: String,
    /// Opened to add a connection (`C`, then `a`): Enter opens beside the others.
    pub beside: bool,
}

impl PickerPopup {
    /// The picker opened on profile `index` of the app's list.
    pub fn at(index: usize) -> PickerPopup {
        PickerPopup {
            selected: index,
            filter: String::new(),
            beside: false,
        }
    }

    /// The picker opened to add a connection beside the open ones.
    pub fn beside() -> PickerPopup {
        PickerPopup {
            beside: true,
            ..PickerPopup::default()
        }
    }

    /// Indices into `profiles` that the filter lets through, in order.
    pub fn shown(&self, profiles: &[Profile]) -> Vec<usize> {
        let needle = self.filter.to_lowercase();
        profiles
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

    /// A key, with the profile list lent; `connected`: a connection stays behind the picker.
    pub fn on_key(
        &mut self,
        profiles: &[Profile],
        connected: bool,
        action: Option<Action>,
        typed: Option<char>,
    ) -> Outcome {
        let shown = self.shown(profiles);
        let last = shown.len().saturating_sub(1);
        let at = shown.get(self.selected.min(last)).copied();
        match (action, at) {
            (Some(Action::Up), _) => self.selected = self.selected.saturating_sub(1),
            (Some(Action::Down), _) => self.selected = (self.selected + 1).min(last),
            (Some(Action::PageUp), _) => self.selected = self.selected.saturating_sub(PAGE),
            (Some(Action::PageDown), _) => self.selected = (self.selected + PAGE).min(last),
            (Some(Action::Home), _) => self.selected = 0,
            (Some(Action::End), _) => self.selected = last,
            (Some(a @ (Action::Confirm | Action::ConnectBeside)), Some(i)) => {
                let name = profiles.get(i).map(|p| p.name.clone()).unwrap_or_default();
                return Outcome::CloseAnd(match self.beside || a == Action::ConnectBeside {
                    true => Intent::ConnectBeside(name),
                    false => Intent::Connect(name),
                });
            }
            (Some(Action::ProfileNew), _) => {
                return Outcome::CloseAnd(Intent::EditProfile {
                    index: None,
                    duplicate: false,
                });
            }
            (Some(a @ (Action::ProfileEdit | Action::ProfileDuplicate)), Some(i)) => {
                return Outcome::CloseAnd(Intent::EditProfile {
                    index: Some(i),
                    duplicate: a == Action::ProfileDuplicate,
                });
            }
            (Some(Action::ProfileRemove), Some(i)) => {
                return Outcome::CloseAnd(Intent::RemoveProfile(i));
            }
            // Esc clears a filter first; then closes (quits when nothing is connected behind).
            (Some(Action::Close), _) if !self.filter.is_empty() => {
                self.filter.clear();
                self.selected = 0;
            }
            (Some(Action::Close), _) if connected => return Outcome::Close,
            (Some(Action::Close), _) => return Outcome::Quit,
            _ => {
                if edit_line(&mut self.filter, action, typed, |_| true) {
                    self.selected = 0;
                }
            }
        }
        Outcome::Keep
    }
}
