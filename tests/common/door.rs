//! The app's one door (`App::update`) for tests that drive it without a loop: one message at a
//! time, at a clock the test chooses. The effects come back without the app's timer requests
//! (`Effect::WakeAt`), which the update unit tests check; everything else is as the loop sees
//! it.

use std::time::Instant;

use crossterm::event::Event;
use mqscope::app::{App, Clock, Effect, Msg, Output};
use mqscope::mqtt::MqttEvent;

pub trait Door {
    /// A terminal event at `now`.
    fn event(&mut self, event: Event, now: Instant) -> Vec<Effect>;
    /// One MQTT event at `now`.
    fn mqtt(&mut self, event: MqttEvent, now: Instant) -> Vec<Effect>;
    /// What an effect or a job came back with, at `now`.
    fn done(&mut self, output: Output, now: Instant) -> Vec<Effect>;
    /// The app's timer at `now`.
    fn tick(&mut self, now: Instant) -> Vec<Effect>;
}

fn without_timers(effects: Vec<Effect>) -> Vec<Effect> {
    effects
        .into_iter()
        .filter(|e| !matches!(e, Effect::WakeAt(_)))
        .collect()
}

impl Door for App {
    fn event(&mut self, event: Event, now: Instant) -> Vec<Effect> {
        without_timers(self.update(Msg::Term(event), Clock::at(now)))
    }

    fn mqtt(&mut self, event: MqttEvent, now: Instant) -> Vec<Effect> {
        without_timers(self.update(
            Msg::Mqtt(mqscope::app::ConnId::FIRST, vec![event]),
            Clock::at(now),
        ))
    }

    fn done(&mut self, output: Output, now: Instant) -> Vec<Effect> {
        without_timers(self.update(Msg::Done(output), Clock::at(now)))
    }

    fn tick(&mut self, now: Instant) -> Vec<Effect> {
        without_timers(self.update(Msg::Tick, Clock::at(now)))
    }
}
