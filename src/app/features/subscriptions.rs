//! This session's subscriptions, as the manager (`S`) shows and changes them: what the broker
//! said of each (granted QoS, the SUBACK's reason, or not acknowledged yet), added, removed,
//! turned off and on at runtime, each with a colour that marks its messages in the log.

use crate::app::Level;
use crate::app::{App, Effect};
use crate::mqtt::topic::filter_matches;
use crate::mqtt::{QoS, SubscribeResult, Subscription};

/// How many colours the log's subscription marks cycle through (`ui::theme`).
pub const COLOURS: u8 = 6;

pub use crate::session::link::{SubState, SubStatus};

impl App {
    /// Subscriptions still without a SUBACK this long after CONNACK are shown as unanswered.
    pub const SUBACK_PATIENCE: std::time::Duration = std::time::Duration::from_secs(5);

    /// How many subscriptions the broker has not answered although it should have by now.
    pub fn unanswered_subscriptions(&self) -> usize {
        let late = self
            .link
            .connected_at
            .is_some_and(|t| self.now.saturating_duration_since(t) >= Self::SUBACK_PATIENCE);
        if !late {
            return 0;
        }
        self.link
            .subscriptions
            .iter()
            .filter(|s| s.status == SubStatus::Pending)
            .count()
    }

    /// Subscriptions that are on (subscribed, or being subscribed).
    pub fn active_subscriptions(&self) -> usize {
        self.link
            .subscriptions
            .iter()
            .filter(|s| s.enabled && !s.removing && !matches!(s.status, SubStatus::Refused(_)))
            .count()
    }

    fn next_colour(&self) -> u8 {
        (0..COLOURS)
            .min_by_key(|c| {
                self.link
                    .subscriptions
                    .iter()
                    .filter(|s| s.colour == *c)
                    .count()
            })
            .unwrap_or(0)
    }

    fn state_for(&self, sub: Subscription) -> SubState {
        SubState {
            sub,
            status: SubStatus::Pending,
            enabled: true,
            colour: self.next_colour(),
            removing: false,
        }
    }

    /// The subscriptions a new connection makes (SUBACKs then update their status).
    pub fn set_subscriptions(&mut self, subs: &[Subscription]) {
        self.link.subscriptions.clear();
        for s in subs {
            let state = self.state_for(s.clone());
            self.link.subscriptions.push(state);
        }
    }

    pub(in crate::app) fn on_suback(&mut self, results: Vec<SubscribeResult>) {
        for r in results {
            let status = match &r.granted {
                Ok(q) => SubStatus::Granted(*q),
                Err(why) => {
                    self.tell(
                        Level::Error,
                        format!(
                            "subscription '{}' refused: {why}",
                            crate::text::clean(&r.filter)
                        ),
                    );
                    SubStatus::Refused(why.clone())
                }
            };
            match self
                .link
                .subscriptions
                .iter_mut()
                .find(|s| s.sub.filter == r.filter)
            {
                Some(s) => s.status = status,
                None => {
                    // Made outside the manager (the worker's own list): shown all the same.
                    let mut state = self.state_for(Subscription::new(r.filter, QoS::AtMostOnce));
                    state.status = status;
                    self.link.subscriptions.push(state);
                }
            }
        }
    }

    pub(in crate::app) fn on_unsuback(&mut self, filters: Vec<String>) {
        for f in filters {
            let Some(i) = self
                .link
                .subscriptions
                .iter()
                .position(|s| s.sub.filter == f)
            else {
                continue;
            };
            if self.link.subscriptions[i].removing {
                self.link.subscriptions.remove(i);
                self.tell(
                    Level::Info,
                    format!("unsubscribed from '{}'", crate::text::clean(&f)),
                );
            } else {
                self.link.subscriptions[i].status = SubStatus::Off;
            }
        }
    }

    /// The broker kept a subscription we asked to end: it stays, said so.
    pub(in crate::app) fn on_unsubscribe_refused(&mut self, filter: String, why: String) {
        if let Some(s) = self
            .link
            .subscriptions
            .iter_mut()
            .find(|s| s.sub.filter == filter)
        {
            s.removing = false;
            s.enabled = true;
            s.status = SubStatus::Refused(format!("unsubscribe refused: {why}"));
        }
        self.tell(
            Level::Error,
            format!(
                "unsubscribe from '{}' refused: {why}",
                crate::text::clean(&filter)
            ),
        );
    }

    /// Adds (or replaces, for the same filter) a subscription: SUBSCRIBE is sent.
    pub fn add_subscription(&mut self, sub: Subscription) -> Vec<Effect> {
        match self
            .link
            .subscriptions
            .iter_mut()
            .find(|s| s.sub.filter == sub.filter)
        {
            Some(s) => {
                s.sub = sub.clone();
                s.status = SubStatus::Pending;
                s.enabled = true;
                s.removing = false;
            }
            None => {
                let state = self.state_for(sub.clone());
                self.link.subscriptions.push(state);
            }
        }
        vec![Effect::Subscribe(vec![sub])]
    }

    /// Replaces subscription `i` with `sub` (a new filter unsubscribes the old one first).
    pub fn edit_subscription(&mut self, i: usize, sub: Subscription) -> Vec<Effect> {
        let Some(old) = self.link.subscriptions.get(i).map(|s| s.sub.filter.clone()) else {
            return Vec::new();
        };
        let mut effects = Vec::new();
        if old != sub.filter {
            effects.push(Effect::Unsubscribe(vec![old]));
        }
        let s = &mut self.link.subscriptions[i];
        s.sub = sub.clone();
        s.status = SubStatus::Pending;
        s.enabled = true;
        effects.push(Effect::Subscribe(vec![sub]));
        effects
    }

    /// Removes subscription `i`: UNSUBSCRIBE, and it leaves the list when the broker answers.
    pub fn remove_subscription(&mut self, i: usize) -> Vec<Effect> {
        let Some(s) = self.link.subscriptions.get_mut(i) else {
            return Vec::new();
        };
        if !s.enabled || matches!(s.status, SubStatus::Refused(_)) {
            // Nothing at the broker to undo.
            self.link.subscriptions.remove(i);
            return Vec::new();
        }
        s.removing = true;
        s.status = SubStatus::Unsubscribing;
        vec![Effect::Unsubscribe(vec![s.sub.filter.clone()])]
    }

    /// Turns subscription `i` off (UNSUBSCRIBE, kept in the list) or on again (SUBSCRIBE).
    pub fn toggle_subscription(&mut self, i: usize) -> Vec<Effect> {
        let Some(s) = self.link.subscriptions.get_mut(i) else {
            return Vec::new();
        };
        s.enabled = !s.enabled;
        if s.enabled {
            s.status = SubStatus::Pending;
            vec![Effect::Subscribe(vec![s.sub.clone()])]
        } else {
            s.status = SubStatus::Unsubscribing;
            vec![Effect::Unsubscribe(vec![s.sub.filter.clone()])]
        }
    }

    /// Writes the subscriptions that are on into the current profile.
    pub fn save_subscriptions(&mut self) -> Vec<Effect> {
        let Some(name) = self.link.conn.as_ref().map(|c| c.name.clone()) else {
            return Vec::new();
        };
        let Some(profile) = self.profiles.iter_mut().find(|p| p.name == name) else {
            self.tell(
                Level::Warning,
                "no profile to save the subscriptions to".into(),
            );
            return Vec::new();
        };
        profile.subscriptions = self
            .link
            .subscriptions
            .iter()
            .filter(|s| s.enabled && !s.removing)
            .map(|s| s.sub.clone())
            .collect();
        vec![Effect::SaveProfile {
            profile: Box::new(profile.clone()),
            replacing: None,
        }]
    }

    /// The subscription a message on `topic` came through: by the MQTT 5 subscription
    /// identifier the broker tagged it with, else the first one on whose filter matches.
    pub fn subscription_of(&self, topic: &str, ids: &[usize]) -> Option<&SubState> {
        let by_id = ids.iter().find_map(|id| {
            self.link
                .subscriptions
                .iter()
                .find(|s| s.sub.id.is_some_and(|own| own as usize == *id))
        });
        by_id.or_else(|| {
            self.link
                .subscriptions
                .iter()
                .find(|s| s.enabled && filter_matches(&s.sub.filter, topic))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Limits;
    use std::time::Instant;

    #[test]
    fn add_toggle_remove_follow_the_broker_answers() {
        let mut app = App::new(Vec::new(), Limits::default(), Instant::now());
        app.set_subscriptions(&[Subscription::new("#", QoS::ExactlyOnce)]);
        let e = app.add_subscription(Subscription {
            id: Some(4),
            ..Subscription::new("cmd/#", QoS::AtLeastOnce)
        });
        assert!(matches!(&e[..], [Effect::Subscribe(s)] if s[0].id == Some(4)));
        assert_ne!(
            app.link.subscriptions[0].colour,
            app.link.subscriptions[1].colour
        );
        app.on_suback(vec![SubscribeResult {
            filter: "cmd/#".into(),
            granted: Err("not authorized".into()),
        }]);
        assert_eq!(
            app.link.subscriptions[1].status.words(),
            "refused: not authorized"
        );
        assert_eq!(app.active_subscriptions(), 1);
        // Off: UNSUBSCRIBE, kept; on again: SUBSCRIBE.
        let e = app.toggle_subscription(0);
        assert!(matches!(&e[..], [Effect::Unsubscribe(f)] if f[0] == "#"));
        app.on_unsuback(vec!["#".into()]);
        assert_eq!(app.link.subscriptions[0].status, SubStatus::Off);
        assert!(matches!(
            &app.toggle_subscription(0)[..],
            [Effect::Subscribe(_)]
        ));
        // Removed when the broker answers.
        assert!(matches!(
            &app.remove_subscription(0)[..],
            [Effect::Unsubscribe(_)]
        ));
        assert_eq!(app.link.subscriptions.len(), 2);
        app.on_unsuback(vec!["#".into()]);
        assert_eq!(app.link.subscriptions.len(), 1);
        // A refused one has nothing at the broker: it just goes.
        assert!(app.remove_subscription(0).is_empty());
        assert!(app.link.subscriptions.is_empty());
    }

    #[test]
    fn a_message_is_marked_by_its_identifier_else_by_filter() {
        let mut app = App::new(Vec::new(), Limits::default(), Instant::now());
        app.set_subscriptions(&[
            Subscription::new("a/#", QoS::AtMostOnce),
            Subscription {
                id: Some(9),
                ..Subscription::new("#", QoS::AtMostOnce)
            },
        ]);
        assert_eq!(app.subscription_of("a/b", &[]).unwrap().sub.filter, "a/#");
        assert_eq!(app.subscription_of("a/b", &[9]).unwrap().sub.filter, "#");
        assert_eq!(app.subscription_of("z", &[]).unwrap().sub.filter, "#");
    }
}
