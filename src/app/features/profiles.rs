//! The profile editor's work in the app: the picker's keys that open it (new, edit,
//! duplicate) or remove a profile (asked first), what saving does to the profile list, and the
//! answers of its jobs (a save, a removal, a test connection).

use crate::app::Level;
use crate::app::popup::{ConfirmPopup, PickerPopup, Popup, ProfileForm, Yes};
use crate::app::{App, Effect};
use crate::config::Profile;
use crate::text::clean;

impl App {
    /// The picker's Ctrl+N / Ctrl+E / Ctrl+D: the editor, for a new profile, this one, a copy.
    pub fn open_profile_form(&mut self, selected: Option<usize>, duplicate: bool) {
        let form = match selected.and_then(|i| self.profiles.get(i)) {
            None => ProfileForm::new(),
            Some(p) if duplicate => {
                let mut copy = p.clone();
                copy.name = self.unused_name(&format!("{} copy", p.name));
                ProfileForm::of(&copy, None)
            }
            Some(p) => ProfileForm::of(p, Some(p.name.clone())),
        };
        self.popups.push(Popup::Profile(Box::new(form)));
    }

    fn unused_name(&self, base: &str) -> String {
        let mut name = base.to_string();
        let mut n = 2;
        while self.profiles.iter().any(|p| p.name == name) {
            name = format!("{base} {n}");
            n += 1;
        }
        name
    }

    /// The picker's Delete: asks, then removes the profile from the file.
    pub fn ask_remove_profile(&mut self, selected: Option<usize>) {
        let Some(p) = selected.and_then(|i| self.profiles.get(i)) else {
            return;
        };
        let name = p.name.clone();
        self.popups.push(Popup::Confirm(ConfirmPopup {
            title: format!("Remove profile '{}'?", clean(&name)),
            lines: vec![
                format!(
                    "[profiles.{}] leaves the profile file; the rest of it stays as it is.",
                    clean(&name)
                ),
                format!("broker: {}", p.broker),
            ],
            yes: Yes::RemoveProfile(name),
        }));
    }

    /// `Ctrl+S` on a valid form: the file is written (a job); the editor stays open until the
    /// job says how it went (`on_profile_saved`), so a failed save is never taken for a saved
    /// one.
    pub fn save_edited_profile(&mut self, mut p: Profile, original: Option<String>) -> Vec<Effect> {
        // The form has no decoder rules: the edited profile keeps its own.
        if let Some(old) = original
            .as_ref()
            .and_then(|o| self.profiles.iter().find(|x| &x.name == o))
        {
            p.decoders = old.decoders.clone();
        }
        let replacing = original
            .clone()
            .filter(|o| *o != p.name && self.profiles.iter().any(|x| &x.name == o));
        self.saving_profile = Some((p.clone(), original));
        vec![Effect::SaveProfile {
            profile: Box::new(p),
            replacing,
        }]
    }

    /// The editor's save finished: saved, the list takes the profile (in place of the one
    /// edited), the editor closes and the picker shows it; not saved, the editor stays open with
    /// the reason in it (and in the notice), the form as it was.
    pub(in crate::app) fn on_profile_saved(&mut self, outcome: Result<String, String>) {
        let Some((p, original)) = self.saving_profile.take() else {
            // A save from elsewhere (the subscriptions manager's `s`).
            self.tell(
                Level::Error,
                match outcome {
                    Ok(words) => words,
                    Err(why) => format!("profile not saved: {why}"),
                },
            );
            return;
        };
        let editor = self
            .popups
            .iter()
            .rposition(|x| matches!(x, Popup::Profile(_)));
        match outcome {
            Ok(words) => {
                match original
                    .as_ref()
                    .and_then(|o| self.profiles.iter().position(|x| &x.name == o))
                {
                    Some(i) => self.profiles[i] = p.clone(),
                    None => self.profiles.push(p.clone()),
                }
                let at = self
                    .profiles
                    .iter()
                    .position(|x| x.name == p.name)
                    .unwrap_or(0);
                if let Some(i) = editor {
                    self.popups.truncate(i);
                }
                // Back to the picker, on the profile just saved.
                if !matches!(self.popups.last(), Some(Popup::Picker(_))) {
                    self.popups.push(Popup::Picker(PickerPopup::at(at)));
                } else if let Some(Popup::Picker(picker)) = self.popups.last_mut() {
                    *picker = PickerPopup::at(at);
                }
                self.tell(Level::Info, words);
            }
            Err(why) => {
                let words = format!("profile '{}' not saved: {why}", clean(&p.name));
                if let Some(Popup::Profile(form)) = editor.and_then(|i| self.popups.get_mut(i)) {
                    form.tested = Some(words.clone());
                }
                self.tell(Level::Error, words);
            }
        }
    }

    pub(in crate::app) fn on_profile_removed(
        &mut self,
        name: &str,
        outcome: Result<String, String>,
    ) {
        match outcome {
            Ok(words) => {
                // (A rename already replaced it in the list: then nothing of that name is left.)
                self.profiles.retain(|p| p.name != name);
                self.tell(Level::Info, words);
            }
            Err(why) => self.tell(
                Level::Error,
                format!("profile '{}' not removed: {why}", clean(name)),
            ),
        }
    }

    /// A test connection's answer, for the editor that asked.
    pub(in crate::app) fn on_profile_tested(&mut self, outcome: Result<String, String>) {
        let words = match outcome {
            Ok(w) => w,
            Err(why) => format!("test failed: {why}"),
        };
        for p in self.popups.iter_mut().rev() {
            if let Popup::Profile(form) = p {
                form.tested = Some(words);
                return;
            }
        }
        self.tell(Level::Info, words);
    }
}
