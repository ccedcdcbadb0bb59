//! `--open FILE`, `L`: the recording's time, stepped and played. The reader holds back every
//! message later than the gate the app sets, so the tree, the log and the detail show the
//! recording as it stood at that moment. Forward (a message, 10 s, play at a speed, the end)
//! moves the gate on; back (a message, 10 s, the start) clears what is shown and reads the
//! file again up to the earlier moment. Playing moves the gate with the monotonic clock at
//! the chosen speed, ten times a second.

use std::time::{Duration, Instant, SystemTime};

use crate::app::effect::TimeGate;
use crate::app::{App, Effect, Level};
use crate::mqtt::MqttEvent;

/// How often a playing recording's gate moves.
pub const PLAY_EVERY: Duration = Duration::from_millis(100);
/// How far PgUp / PgDn go.
const SKIP: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Playhead {
    /// The earliest and the latest message time seen in the file (the end once read whole).
    pub first: Option<SystemTime>,
    pub last: Option<SystemTime>,
    /// The time of the newest message shown.
    pub at: Option<SystemTime>,
    /// How far the reader may go (None: to the end).
    pub gate: Option<SystemTime>,
    pub playing: Option<Play>,
    /// The speed play goes at (1: as recorded).
    pub speed: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Play {
    /// The recording's moment when play started, and when (monotonic).
    pub from: SystemTime,
    pub since: Instant,
}

/// What a key of the playback popup asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeKey {
    PlayPause,
    Next,
    Previous,
    Forward,
    Back,
    Start,
    End,
    Faster,
    Slower,
}

fn micros(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as u64)
}

impl Playhead {
    fn speed(&self) -> f64 {
        if self.speed > 0.0 { self.speed } else { 1.0 }
    }

    /// Where play has got to at `now`.
    fn target(&self, now: Instant) -> Option<SystemTime> {
        let p = self.playing?;
        let ran = now.saturating_duration_since(p.since).as_secs_f64() * self.speed();
        p.from.checked_add(Duration::from_secs_f64(ran.min(1e9)))
    }

    /// "+90.2 s of 300.0 s" from the first message.
    pub fn offset_words(&self) -> Option<String> {
        let first = self.first?;
        let at = self.gate.or(self.at)?;
        let off = at.duration_since(first).unwrap_or_default().as_secs_f64();
        Some(match self.last.and_then(|l| l.duration_since(first).ok()) {
            Some(total) => format!("+{off:.1} s of {:.1} s", total.as_secs_f64()),
            None => format!("+{off:.1} s"),
        })
    }
}

impl App {
    /// A batch from the recording's reader: where its time stands.
    pub(in crate::app) fn opened_saw(&mut self, batch: &[MqttEvent]) {
        let Some(o) = self.opened.as_mut() else {
            return;
        };
        for e in batch {
            if let MqttEvent::Message(m) = e {
                let t = m.received;
                let h = &mut o.time;
                h.first = Some(h.first.map_or(t, |f| f.min(t)));
                h.last = Some(h.last.map_or(t, |l| l.max(t)));
                h.at = Some(t);
                // A step lets the reader past the gate: the gate is where it stopped.
                if h.gate.is_some_and(|g| t > g) {
                    h.gate = Some(t);
                }
            }
        }
    }

    /// A key of the playback popup.
    pub(in crate::app) fn time_key(&mut self, key: TimeKey) -> Vec<Effect> {
        let now = self.now;
        // The time of the message before the newest shown: where a step back goes.
        let log = &self.link.store.log;
        let before = log
            .last_seq()
            .and_then(|s| s.checked_sub(1))
            .filter(|s| *s >= log.first_seq())
            .and_then(|s| log.get(s))
            .map(|e| e.received());
        let Some(o) = self.opened.as_mut() else {
            return Vec::new();
        };
        let h = &mut o.time;
        let here = h.target(now).or(h.gate).or(h.at);
        let mut back_to: Option<(u64, u64)> = None;
        let mut gate = None;
        match key {
            TimeKey::PlayPause => {
                if let Some(t) = h.target(now) {
                    h.playing = None;
                    h.gate = Some(t);
                    return vec![Effect::OpenTime(TimeGate::Until(Some(micros(t))))];
                }
                // From the end: play from the start.
                if h.gate.is_none() {
                    let from = h.first.unwrap_or(SystemTime::UNIX_EPOCH);
                    back_to = Some((micros(from), 0));
                    h.gate = Some(from);
                }
                let from = h.gate.or(h.at).unwrap_or(SystemTime::UNIX_EPOCH);
                h.playing = Some(Play { from, since: now });
            }
            TimeKey::Next => {
                h.playing = None;
                if h.gate.is_none() || o.done {
                    self.tell(
                        Level::Info,
                        "at the recording's end (Home: its start)".into(),
                    );
                    return Vec::new();
                }
                gate = Some(TimeGate::Step(1));
            }
            TimeKey::Previous | TimeKey::Back | TimeKey::Start => {
                h.playing = None;
                let (until, extra) = match (key, here) {
                    (TimeKey::Previous, _) if before.is_some() => (before.map_or(0, micros), 0),
                    (TimeKey::Back, Some(t)) => {
                        (micros(t).saturating_sub(SKIP.as_micros() as u64), 0)
                    }
                    // The first message, whatever its time.
                    _ => (0, 1),
                };
                back_to = Some((until, extra));
                h.gate = Some(SystemTime::UNIX_EPOCH + Duration::from_micros(until));
            }
            TimeKey::Forward => {
                h.playing = None;
                let to = here.and_then(|t| t.checked_add(SKIP));
                h.gate = to;
                gate = Some(TimeGate::Until(to.map(micros)));
            }
            TimeKey::End => {
                h.playing = None;
                h.gate = None;
                gate = Some(TimeGate::Until(None));
            }
            TimeKey::Faster | TimeKey::Slower => {
                let target = h.target(now);
                let s = h.speed();
                h.speed = if key == TimeKey::Faster {
                    (s * 2.0).min(64.0)
                } else {
                    (s / 2.0).max(0.125)
                };
                // Playing goes on from where it is, at the new speed.
                if let (Some(p), Some(t)) = (h.playing.as_mut(), target) {
                    p.from = t;
                    p.since = now;
                }
            }
        }
        if let Some((until, extra)) = back_to {
            o.done = false;
            o.time.at = None;
            self.clear_data();
            return vec![Effect::OpenTime(TimeGate::Back { until, extra })];
        }
        gate.map(Effect::OpenTime).into_iter().collect()
    }

    /// While playing: the gate moves on with the clock; play stops at the recording's end.
    pub(in crate::app) fn playback_effects(&mut self) -> Vec<Effect> {
        let now = self.now;
        let Some(o) = self.opened.as_mut() else {
            return Vec::new();
        };
        let h = &mut o.time;
        let Some(t) = h.target(now) else {
            return Vec::new();
        };
        // The reader reached the file's end: play has nothing more to show.
        if o.done {
            h.playing = None;
            return Vec::new();
        }
        if h.gate == Some(t) {
            return Vec::new();
        }
        h.gate = Some(t);
        vec![Effect::OpenTime(TimeGate::Until(Some(micros(t))))]
    }

    /// The next move of a playing recording's gate.
    pub(in crate::app) fn playback_due(&self) -> Option<Instant> {
        let o = self.opened.as_ref()?;
        o.time.playing.map(|_| self.now + PLAY_EVERY)
    }
}
