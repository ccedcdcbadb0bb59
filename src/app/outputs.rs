//! What effects and jobs came back with (`Msg::Done`), handed to the feature that asked. The
//! runner only reports; the words the user reads are chosen here and in the features.

use super::effect::{JobKind, Output};
use super::{App, Effect, Level};
use crate::text::clean;

impl App {
    pub(super) fn on_output(&mut self, output: Output) -> Vec<Effect> {
        match output {
            Output::Queued { draft, id } => match id {
                Ok(id) => self.link.outbox.queued(id, draft, self.wall),
                Err(why) => self.compose.status = Some((format!("not sent: {why}"), true)),
            },
            Output::CleanupQueued { draft, id } => self.cleanup_queued(draft, id),
            Output::AlertQueued { conn, number, id } => self.alert_queued(conn, number, id),
            Output::AlertRan { number, result } => self.alert_ran(number, result),
            Output::ReplayProgress {
                consumed,
                size,
                tally,
            } => self.on_replay_progress(consumed, size, tally),
            Output::ReplayNote(words) => self.on_replay_note(words),
            Output::ReplayEnded { tally, late } => self.on_replay_ended(tally, late),
            Output::AlertsSaved {
                name,
                removed,
                rules,
                path,
            } => self.on_alerts_saved(&name, removed, Ok((rules, path))),
            Output::NotSent(why) => self.tell(Level::Warning, why),
            Output::Copied {
                what,
                bytes,
                result,
            } => {
                let size = crate::text::human_bytes(bytes as u64);
                match result {
                    Ok(()) => self.tell(
                        Level::Info,
                        format!("copied the {what} ({size}) to the clipboard (OSC 52)"),
                    ),
                    Err(why) => self.tell(Level::Error, format!("{what} not copied: {why}")),
                }
            }
            Output::Connecting {
                password_command, ..
            } => {
                self.clear_data();
                self.link.conn = None;
                if let Some(command) = password_command {
                    self.tell(
                        Level::Info,
                        format!("running password_command ({})…", clean(&command)),
                    );
                }
            }
            Output::Connected {
                info,
                subscriptions,
                ..
            } => {
                if self
                    .notice_text()
                    .is_some_and(|n| n.starts_with("running password_command"))
                {
                    self.notices.clear();
                }
                // Shown to the user, once, for the profile in use.
                let warning = self
                    .profiles
                    .iter()
                    .find(|p| p.name == info.name)
                    .and_then(|p| p.plain_password_warning());
                self.set_connection(info);
                if let Some(subs) = subscriptions {
                    self.set_subscriptions(&subs);
                }
                if let Some(w) = warning {
                    self.tell(Level::Warning, w);
                }
            }
            Output::NotConnected { name, why, .. } => self.not_connected(name, &why),
            Output::PayloadRead(bytes) => {
                let encoding = self.compose.set_payload_bytes(&bytes);
                self.tell(Level::Info, format!("payload loaded ({})", encoding.name()));
            }
            Output::ProfileSaved { name, path } => self.on_profile_saved(Ok(format!(
                "profile '{}' saved to {}",
                clean(&name),
                clean(&path.display().to_string())
            ))),
            Output::ProfileRemoved { name, path } => self.on_profile_removed(
                &name,
                Ok(format!(
                    "profile removed from {}",
                    clean(&path.display().to_string())
                )),
            ),
            Output::Tested { url, connack } => {
                let rows: Vec<String> = connack
                    .rows()
                    .into_iter()
                    .map(|(k, v)| format!("{k}: {v}"))
                    .collect();
                self.on_profile_tested(Ok(format!(
                    "connected to {}; CONNACK {}",
                    clean(&url),
                    rows.join(" · ")
                )));
            }
            Output::Decoded(bytes) => self.on_run(Ok(bytes)),
            Output::ReadWhole { seq, view, result } => self.on_whole(seq, view, result),
            Output::RetainedFound { filter, found } => self.on_found(&filter, Ok(found)),
            Output::HistorySaved { new } => self.history.saved += new,
            Output::SnippetSaved { name, path } => self.tell(
                Level::Info,
                format!(
                    "snippet '{}' saved to {}",
                    clean(&name),
                    clean(&path.display().to_string())
                ),
            ),
            Output::RecordingStarted { path } => self.recording_started(path),
            Output::FileRead {
                messages,
                bad,
                told,
                failed,
            } => self.file_read(messages, bad, told, failed),
            Output::RecordingDropped(n) => self.recording_dropped(n),
            Output::RecordingEnded { path, written, why } => {
                self.recording_ended(path, written, why)
            }
            Output::Exported {
                topic,
                count,
                files,
            } => {
                let files: Vec<String> = files
                    .iter()
                    .map(|f| clean(&f.display().to_string()).into_owned())
                    .collect();
                self.tell(
                    Level::Info,
                    format!(
                        "exported {} of {} to {}",
                        crate::text::count(count as u64, "message", "messages"),
                        clean(&topic),
                        files.join(" and ")
                    ),
                );
            }
            Output::Failed { job, why } => self.on_failed(job, why),
        }
        Vec::new()
    }

    fn on_failed(&mut self, job: JobKind, why: String) {
        match job {
            // Told on the connection it was for (`Output::conn`): its profile is the one asked.
            JobKind::ResolveProfile(_) => {
                let name = self.link.profile.clone().unwrap_or_default();
                self.not_connected(name, &why)
            }
            JobKind::Decode => self.on_run(Err(why)),
            JobKind::ReadWhole => self.whole_failed(&why),
            JobKind::RetainedLook(filter) => self.on_found(&filter, Err(why)),
            JobKind::LoadPayload => self.tell(Level::Error, format!("payload not loaded: {why}")),
            JobKind::SaveHistory => {
                self.tell(Level::Error, format!("publish history not saved: {why}"))
            }
            JobKind::SaveSnippet(name) => self.tell(
                Level::Error,
                format!("snippet '{}' not saved: {why}", clean(&name)),
            ),
            JobKind::Export(topic) => self.tell(
                Level::Error,
                format!("{} not exported: {why}", clean(&topic)),
            ),
            JobKind::Record => {
                self.recording = None;
                self.tell(Level::Error, format!("recording stopped: {}", clean(&why)));
            }
            JobKind::RemoveProfile(name) => self.on_profile_removed(&name, Err(why)),
            JobKind::TestProfile => self.on_profile_tested(Err(why)),
            JobKind::SaveProfile(_) => self.on_profile_saved(Err(why)),
            JobKind::AlertCommand(number) => self.alert_ran(number, Err(why)),
            JobKind::SaveAlert(name) => self.on_alerts_saved(&name, false, Err(why)),
        }
    }

    /// Profile `name` could not be connected: said, and the slot is free for another profile.
    /// The picker opens on it, unless the connection is not in focus (the user is busy with
    /// another: the notice, with the connection's name, says it, and `C` lists it as down).
    /// A connection being opened beside others holds nothing yet: it goes, and the picker
    /// opens to try again beside them.
    fn not_connected(&mut self, name: String, why: &str) {
        self.link.conn = None;
        self.link.profile = None;
        self.tell(Level::Error, format!("{}: {why}", clean(&name)));
        if self.in_background() {
            return;
        }
        let beside = !self.others.is_empty();
        if beside && self.link.store.tree.is_empty() {
            self.drop_conn(self.link.id);
        }
        self.open_picker_at(name);
        if let Some(super::popup::Popup::Picker(p)) = self.popups.last_mut() {
            p.beside = beside;
        }
    }

    /// Reopens the picker on profile `name` (after a failed connect).
    pub fn open_picker_at(&mut self, name: String) {
        let selected = self
            .profiles
            .iter()
            .position(|p| p.name == name)
            .unwrap_or(0);
        self.popups
            .push(super::popup::Popup::Picker(super::popup::PickerPopup::at(
                selected,
            )));
    }
}
