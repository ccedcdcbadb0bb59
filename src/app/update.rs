//! The one door: every message comes in here with the clock, and every effect goes out from
//! here. The handlers it calls (`input`, `on_mqtt`, `outputs`) only change state and return
//! effects; what the state asks of the world without a message (a repeat's next send, the
//! clean-up's next window, history to save, an external decoder's run, the next timer) is
//! collected once at the end, so nothing is ever sent from the draw path.

use std::time::{Duration, Instant};

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
        let mut effects = match msg {
            Msg::Term(event) => self.on_event(event),
            Msg::Mqtt(batch) => {
                for event in batch {
                    self.on_mqtt(event);
                }
                Vec::new()
            }
            Msg::Done(output) => self.on_output(output),
            Msg::Tick => {
                self.notices.tick(self.now);
                self.expire_requests(self.now);
                Vec::new()
            }
            Msg::Open(name) => self.connect_to(&name),
        };
        effects.extend(self.wanted_effects());
        if let Some(at) = self.next_wake() {
            effects.push(Effect::WakeAt(at));
        }
        effects
    }

    /// Connects to profile `name`: the current connection's data goes, the new one opens.
    pub fn connect_to(&mut self, name: &str) -> Vec<Effect> {
        let Some(profile) = self.profiles.iter().find(|p| p.name == name).cloned() else {
            self.tell(
                Level::Warning,
                format!("no profile named '{}'", crate::text::clean(name)),
            );
            return Vec::new();
        };
        self.clear_data();
        vec![Effect::Connect(Box::new(profile))]
    }

    /// What the state asks of the world without a message: the clean-up's next window, new
    /// history to save, the repeat's next send, the external decoder the detail needs.
    fn wanted_effects(&mut self) -> Vec<Effect> {
        let mut effects = self.cleanup_effects();
        effects.extend(self.history_effects());
        effects.extend(self.repeat_effects());
        effects.extend(self.wanted_runs());
        effects
    }

    /// The timer to ask for, when it differs from the one asked last (which has not gone off):
    /// the soonest of the repeat's next send, the shown notice's end, the oldest request's
    /// deadline, a refused clean-up window's retry and the once-a-second clock.
    fn next_wake(&mut self) -> Option<Instant> {
        let now = self.now;
        let soonest = [
            self.repeat_due(),
            self.notices.ends_at(),
            self.requests_deadline(),
            self.cleanup_retry_at(),
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
