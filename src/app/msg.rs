//! What comes into the app, through its one door (`App::update`): a terminal event, a batch of
//! MQTT events, what an effect or a job came back with, or a timer the app asked for. Each
//! comes with the clock, so the app builds every timestamp itself and tests choose the time.

use std::time::{Instant, SystemTime};

use super::effect::Output;
use crate::mqtt::MqttEvent;
use crate::session::link::ConnId;

/// The time a message is handled at: monotonic for deadlines and rates, wall for what is
/// shown and kept (a publish's time, a Sparkplug command's timestamp).
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    pub now: Instant,
    pub wall: SystemTime,
}

impl Clock {
    /// The clocks as they read now (the loop's; tests build their own).
    pub fn read() -> Clock {
        Clock {
            now: Instant::now(),
            wall: SystemTime::now(),
        }
    }

    /// `now` with the wall clock read beside it.
    pub fn at(now: Instant) -> Clock {
        Clock {
            now,
            wall: SystemTime::now(),
        }
    }
}

#[derive(Debug)]
pub enum Msg {
    /// A key, the mouse, a paste or a resize.
    Term(crossterm::event::Event),
    /// What a connection's worker reported since the last batch, in order.
    Mqtt(ConnId, Vec<MqttEvent>),
    /// What an effect or a job came back with.
    Done(Output),
    /// A timer the app asked for (`Effect::WakeAt`) went off.
    Tick,
    /// Connect to the profile of this name (the one chosen on the command line), in place of
    /// the connection in focus.
    Open(String),
    /// Open the profile of this name beside the connections already open (`-P a -P b`).
    OpenBeside(String),
    /// Put this connection in focus (the first of several opened from the command line).
    Focus(ConnId),
}
