//! One traced control packet (`trace.rs` makes them), as the explorer's `T` and `-d` headless
//! show it: a plain value, so the event type can carry it without knowing how it was made.

use std::time::{Duration, SystemTime};

/// One traced packet.
#[derive(Debug, Clone, PartialEq)]
pub struct Packet {
    pub at: SystemTime,
    /// Sent by us (`→`), or by the broker (`←`); None: not a packet (the connection was lost).
    pub out: Option<bool>,
    pub kind: &'static str,
    pub pkid: Option<u16>,
    /// The topic of our PUBLISH, when known.
    pub topic: Option<String>,
    /// The rest in words (QoS, DUP, size, what was granted, a reason); broker text is escaped
    /// where it is drawn.
    pub detail: String,
    /// How long after the packet it answers.
    pub round_trip: Option<Duration>,
}

impl Packet {
    /// One line: `→ PUBLISH 3 'a/b' q1 12 B` or `← PUBACK 3 (0.4 ms)`, escaped.
    pub fn line(&self) -> String {
        use crate::text::clean;
        let dir = match self.out {
            Some(true) => "→",
            Some(false) => "←",
            None => "×",
        };
        let mut s = format!("{dir} {}", self.kind);
        if let Some(p) = self.pkid {
            s.push_str(&format!(" {p}"));
        }
        if let Some(t) = &self.topic {
            s.push_str(&format!(" '{}'", clean(t)));
        }
        if !self.detail.is_empty() {
            s.push_str(&format!(" {}", clean(&self.detail)));
        }
        if let Some(rtt) = self.round_trip {
            s.push_str(&format!(" ({:.1} ms)", rtt.as_secs_f64() * 1000.0));
        }
        s
    }
}
