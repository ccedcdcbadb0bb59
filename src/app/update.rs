//! The one door: every message comes in here with the clock, and every effect goes out from
//! here. The handlers it calls (`input`, `on_mqtt`, `outputs`) only change state and return
//! effects; what the state asks of the world without a message (a repeat's next send, the
//! clean-up's next window, history to save, an external decoder's run, the next timer) is
//! collected once at the end, so nothing is ever sent from the draw path.

use std::time::{Duration, Instant};

use super::effect::Draft;
use super::msg::{Clock, Msg};
use super::{App, Effect, Level};

/// The longest the app sleeps: what shows the clock (a reconnect countdown, rates, a notice's
/// age) is refreshed once a second even when nothing arrives.
const CLOCK_EVERY: Duration = Duration::from_secs(1);

impl App {
    /// Handles one message at `clock` and returns what the world must do.
    pub fn update(&mut self, msg: Msg, clock: Clock) -> Vec<Effect> {
        self.now = clock.now;
        self.wall = clock.wall;
        let focused = self.link.id;
        let mut effects = match msg {
            Msg::Term(event) => self.on_event(event),
            Msg::Mqtt(conn, batch) => {
                // Handed to the recording as received, whatever the store keeps of it.
                let recorded = self.record_batch(conn, &batch);
                self.opened_saw(&batch);
                // A parked connection's batch is filed in its own store (features/connections.rs).
                self.with_conn(conn, |app| {
                    for event in batch {
                        app.on_mqtt(event);
                    }
                });
                recorded.into_iter().collect()
            }
            // An answer about a connection goes to it (parked or not; a closed one's is dropped).
            Msg::Done(output) => match output.conn() {
                Some(conn) => self
                    .with_conn(conn, |app| app.on_output(output))
                    .unwrap_or_default(),
                None => self.on_output(output),
            },
            Msg::Tick => {
                self.notices.tick(self.now);
                self.alert_tick();
                let now = self.now;
                let ids: Vec<_> = self.links().iter().map(|l| l.id).collect();
                for id in ids {
                    self.with_conn(id, |app| app.expire_requests(now));
                }
                Vec::new()
            }
            Msg::Open(name) => self.connect_to(&name),
            Msg::OpenBeside(name) => self.connect_beside(&name),
            Msg::Focus(conn) => {
                self.focus_conn(conn);
                Vec::new()
            }
        };
        // The runner sends publishes and subscriptions to the connection in focus: told first
        // when it moved.
        if self.link.id != focused {
            effects.insert(0, Effect::Focus(self.link.id));
        }
        effects.extend(self.wanted_effects());
        // Compose's templates are expanded here, as each publish leaves, with this message's
        // wall clock: the log, the outcome and the history show what went out.
        let mut effects: Vec<Effect> = effects
            .into_iter()
            .filter_map(|e| match e {
                Effect::Publish(d) if d.templated => self.expand(d).map(Effect::Publish),
                other => Some(other),
            })
            .collect();
        if let Some(at) = self.next_wake() {
            effects.push(Effect::WakeAt(at));
        }
        effects
    }

    /// Connects to profile `name` (its data is cleared when the runner says it is connecting).
    pub fn connect_to(&mut self, name: &str) -> Vec<Effect> {
        let Some(profile) = self.profiles.iter().find(|p| p.name == name).cloned() else {
            self.tell(
                Level::Warning,
                format!("no profile named '{}'", crate::text::clean(name)),
            );
            return Vec::new();
        };
        self.link.profile = Some(profile.name.clone());
        vec![Effect::Connect {
            conn: self.link.id,
            profile: Box::new(profile),
        }]
    }

    /// Opens profile `name` beside the connections open, in focus; in place of the one in
    /// focus when that one holds nothing yet (never asked to connect, or its profile failed).
    pub fn connect_beside(&mut self, name: &str) -> Vec<Effect> {
        if !self.profiles.iter().any(|p| p.name == name) {
            return self.connect_to(name);
        }
        if self.link.profile.is_some() {
            self.open_beside();
        }
        self.connect_to(name)
    }

    /// A compose publish with its templates expanded (`{{seq}}` counts compose's sends), or
    /// None when they cannot be (compose says why, and nothing is sent).
    fn expand(&mut self, mut draft: Draft) -> Option<Draft> {
        use crate::publish::template;
        self.compose_sent += 1;
        let ctx = template::Ctx {
            seq: self.compose_sent,
            now: self.wall,
            env: &|v: &str| std::env::var(v).ok(),
            vars: &[],
        };
        let expanded = template::expand(&draft.topic, &ctx).and_then(|topic| {
            let payload = std::str::from_utf8(&draft.payload)
                .map_err(|_| "the payload is not text".to_string())
                .and_then(|p| template::expand(p, &ctx))?;
            Ok((topic, payload))
        });
        let why = match expanded {
            Ok((topic, payload)) => match crate::mqtt::topic::validate_topic(&topic) {
                Ok(()) => {
                    draft.publish.topic = topic;
                    draft.publish.payload = payload.into_bytes().into();
                    draft.templated = false;
                    return Some(draft);
                }
                Err(e) => format!("the expanded topic: {e}"),
            },
            Err(why) => format!("template: {why}"),
        };
        self.compose.status = Some((format!("not sent: {why}"), true));
        None
    }

    /// What the state asks of the world without a message: the clean-up's next window, new
    /// history to save, the repeat's next send, the external decoder the detail needs.
    fn wanted_effects(&mut self) -> Vec<Effect> {
        let mut effects = self.cleanup_effects();
        effects.extend(self.history_effects());
        effects.extend(self.repeat_effects());
        effects.extend(self.wanted_runs());
        effects.extend(self.alert_effects());
        effects.extend(self.playback_effects());
        effects.extend(self.mock_effects());
        effects
    }

    /// The timer to ask for, when it differs from the one asked last (which has not gone off):
    /// the soonest of the repeat's next send, the shown notice's end, the oldest request's
    /// deadline, a refused clean-up window's retry and the once-a-second clock.
    fn next_wake(&mut self) -> Option<Instant> {
        let now = self.now;
        let soonest = [
            self.repeat.due(),
            self.notices.ends_at(),
            self.requests.deadline(),
            self.cleanup_retry_at(),
            self.alerts.engine.next_due(),
            self.playback_due(),
            self.mocking.as_ref().and_then(|m| m.due()),
        ]
        .into_iter()
        .flatten()
        .fold(now + CLOCK_EVERY, Instant::min)
        .max(now);
        let asked_still_good = self.asked_wake.is_some_and(|t| t > now && t <= soonest);
        if asked_still_good {
            return None;
        }
        self.asked_wake = Some(soonest);
        Some(soonest)
    }
}

#[cfg(test)]
#[path = "update_tests.rs"]
mod tests;
