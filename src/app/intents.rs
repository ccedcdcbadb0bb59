//! What popups ask for (`popup::Intent`), carried out by the feature that owns the state: the
//! picker's and the editor's by the profiles feature, the clean-up's by the clean-up, compose's
//! by compose, and so on. The one place a popup's wish becomes a change and effects.

use super::popup::{Intent, PickerPopup, Popup, Yes};
use super::{App, Effect, Level};
use crate::mqtt::Protocol;

impl App {
    pub(super) fn on_intent(&mut self, intent: Intent) -> Vec<Effect> {
        if let Intent::Subscribe(sub) | Intent::EditSubscription(_, sub) = &intent
            && self.speaks_v311()
            && sub.has_v5_options()
        {
            self.tell(
                Level::Warning,
                "subscribed without its options: the broker speaks MQTT 3.1.1, which has none"
                    .into(),
            );
        }
        match intent {
            Intent::Connect(name) if self.conn_count() > 1 => return self.connect_beside(&name),
            Intent::Connect(name) => return self.connect_to(&name),
            Intent::ConnectBeside(name) => return self.connect_beside(&name),
            Intent::FocusConn(id) => self.focus_conn(id),
            Intent::CloseConn(id) => return self.close_conn(id),
            Intent::PickBeside => self.popups.push(Popup::Picker(PickerPopup::beside())),
            Intent::Compare(topic) => self.popups.push(Popup::Compare(topic)),
            Intent::ShowIn(id, node) => {
                self.focus_conn(id);
                match node {
                    Some(n) => self.go_to(n),
                    None => self.tree.selected = None,
                }
            }
            Intent::GoTo(node) => self.go_to(node),
            Intent::EditProfile { index, duplicate } => self.open_profile_form(index, duplicate),
            Intent::RemoveProfile(index) => self.ask_remove_profile(Some(index)),
            Intent::SaveProfile { profile, original } => {
                return self.save_edited_profile(*profile, original);
            }
            Intent::TestProfile(profile) => return vec![Effect::TestProfile(profile)],
            Intent::Confirmed(Yes::RemoveProfile(name)) => {
                return vec![Effect::RemoveProfile(name)];
            }
            Intent::Confirmed(Yes::Rebirth(topic)) => return self.rebirth(topic),
            Intent::Confirmed(Yes::RemoveAlert(name)) => return vec![Effect::RemoveAlert(name)],
            Intent::EditAlert(index) => self.open_alert_form(index),
            Intent::RemoveAlert(name) => self.ask_remove_alert(name),
            Intent::SaveAlert {
                section,
                name,
                original,
            } => return self.save_alert(section, name, original),
            Intent::TryAlert(rule) => self.try_alert_in_form(*rule),
            Intent::Time(key) => return self.time_key(key),
            Intent::ToggleMock(i) => self.toggle_mock(i),
            Intent::Replay(Some(plan)) => return self.replay_key(*plan),
            Intent::Replay(None) => {
                if let Some(plan) = self.replay.as_ref().map(|r| r.plan.clone()) {
                    return self.replay_key(plan);
                }
            }
            Intent::ConfirmCleanup => return self.confirm_cleanup(),
            Intent::UndoCleanup => return self.undo_cleanup(),
            Intent::ForgetCleanup => self.cleanup = None,
            Intent::LoadPayload(path) => {
                self.tell(
                    Level::Info,
                    format!(
                        "reading {}…",
                        crate::text::clean(&path.display().to_string())
                    ),
                );
                return vec![Effect::LoadPayload {
                    path,
                    limit: self.payload_limit(),
                }];
            }
            Intent::Repeat { times, every } => return self.start_repeat(times, every),
            Intent::LoadSnippet(i) => {
                if let Some(s) = self.history.snippets.get(i).cloned() {
                    self.load_snippet(&s);
                }
            }
            Intent::LoadHistory(i) => {
                if let Some(item) = self.history.items.iter().rev().nth(i).cloned() {
                    self.load_into_compose(&item);
                }
            }
            Intent::SaveSnippet(name) => return self.save_snippet(name),
            Intent::SetProperties(p) => self.compose.set_properties(p),
            Intent::Subscribe(sub) => return self.add_subscription(sub),
            Intent::EditSubscription(i, sub) => return self.edit_subscription(i, sub),
            Intent::RemoveSubscription(i) => return self.remove_subscription(i),
            Intent::ToggleSubscription(i) => return self.toggle_subscription(i),
            Intent::SaveSubscriptions => return self.save_subscriptions(),
            Intent::PickView { node, view } => {
                match view {
                    Some(id) => self.views.insert(node, id),
                    None => self.views.remove(&node),
                };
                self.detail.reset_position();
            }
            Intent::Act { action, focus } => {
                if let Some(f) = focus {
                    self.focus = f;
                }
                return self.act(action);
            }
            Intent::FilterChanged { tree, done } => {
                if tree {
                    self.tree.keep_selection_visible(&self.link.store, self.now);
                }
                let filter = if tree {
                    &self.tree.filter
                } else {
                    &self.log.filter
                };
                // The pane's title says it too, but may be cut at its edge: the notice is
                // whole. Told once the prompt closes, not at every key of a regex being typed.
                if done && let Some(why) = filter.problem() {
                    self.tell(Level::Warning, format!("filter: {why}"));
                }
            }
        }
        Vec::new()
    }

    fn speaks_v311(&self) -> bool {
        self.link
            .conn
            .as_ref()
            .is_some_and(|c| c.protocol == Protocol::V311)
    }
}
