//! Send the compose message N times at an interval (`Ctrl+R`: asks how many and how often;
//! `Ctrl+R` again stops). Each send is a fresh publish, templates expanded anew (`{{seq}}`
//! counts up); compose's status line shows the progress, and each outcome beside it.
//!
//! `Repeater` owns the feature's state and takes the clock as a parameter; the `impl App`
//! below only hands it compose's message and shows its words.

use std::time::{Duration, Instant};

use crate::app::effect::Draft;
use crate::app::{App, Effect};

#[derive(Debug, Clone)]
struct Run {
    draft: Draft,
    total: u64,
    sent: u64,
    every: Duration,
    next: Instant,
}

/// The repeat under way, if any, and how the last one ended.
#[derive(Debug, Clone, Default)]
pub struct Repeater {
    run: Option<Run>,
    /// The last repeat finished sending this many: its last outcomes show beside that.
    finished: Option<u64>,
}

impl Repeater {
    /// Starts sending `draft` `times` times, every `every`, the first now.
    pub fn start(&mut self, draft: Draft, times: u64, every: Duration, now: Instant) {
        self.finished = None;
        self.run = Some(Run {
            draft,
            total: times.max(1),
            sent: 0,
            every,
            next: now,
        });
    }

    pub fn is_running(&self) -> bool {
        self.run.is_some()
    }

    /// Stops; the words for compose, if one was running.
    pub fn stop(&mut self) -> Option<String> {
        self.run
            .take()
            .map(|r| format!("repeat stopped: {} of {} sent", r.sent, r.total))
    }

    /// The next publish when its time has come at `now`, with the progress in words.
    pub fn next(&mut self, now: Instant) -> Option<(Draft, String)> {
        let r = self.run.as_mut().filter(|r| now >= r.next)?;
        r.sent += 1;
        r.next += r.every;
        let (draft, sent, total) = (r.draft.clone(), r.sent, r.total);
        let words = if sent >= total {
            self.run = None;
            self.finished = Some(total);
            format!("repeat done: {total} sent")
        } else {
            format!("repeating: {sent} of {total} sent (Ctrl+R stops)")
        };
        Some((draft, words))
    }

    /// When the next send is due.
    pub fn due(&self) -> Option<Instant> {
        self.run.as_ref().map(|r| r.next)
    }

    /// The words for one of its publishes' outcome, with the progress (each outcome once
    /// replaced "repeating: N of M", and the last ones "repeat done"); None when no repeat
    /// is running or just finished.
    pub fn outcome_words(&self, outcome: &str) -> Option<String> {
        match (&self.run, self.finished) {
            (Some(r), _) => Some(format!(
                "repeating: {} of {} sent (Ctrl+R stops) · last: {outcome}",
                r.sent, r.total
            )),
            (None, Some(total)) => Some(format!("repeat done: {total} sent · last: {outcome}")),
            (None, None) => None,
        }
    }

    /// A publish of compose's own: its outcome is its own, not the last repeat's.
    pub fn forget_finished(&mut self) {
        self.finished = None;
    }
}

impl App {
    /// Starts sending compose's message `times` times, every `every`.
    pub fn start_repeat(&mut self, times: u64, every: Duration) -> Vec<Effect> {
        let Some(draft) = self.compose.draft(self.link.conn.is_some()) else {
            return Vec::new();
        };
        self.repeat.start(draft, times, every, self.now);
        self.repeat_effects()
    }

    /// `Ctrl+R` while repeating.
    pub fn stop_repeat(&mut self) {
        if let Some(words) = self.repeat.stop() {
            self.compose.status = Some((words, false));
        }
    }

    /// The next publish when its time has come (asked after every message; the app's timer
    /// wakes it for `Repeater::due`).
    pub(in crate::app) fn repeat_effects(&mut self) -> Vec<Effect> {
        match self.repeat.next(self.now) {
            Some((draft, words)) => {
                self.compose.status = Some((words, false));
                vec![Effect::Publish(draft)]
            }
            None => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::publish::Publish;

    #[test]
    fn a_repeat_sends_at_its_times_and_says_how_far_it_is() {
        let t0 = Instant::now();
        let draft = Draft::plain(Publish {
            topic: "r".into(),
            payload: bytes::Bytes::from_static(b"x"),
            qos: crate::mqtt::QoS::AtMostOnce,
            retain: false,
            properties: None,
        });
        let mut r = Repeater::default();
        r.start(draft, 2, Duration::from_secs(1), t0);
        let (_, words) = r.next(t0).expect("the first at once");
        assert_eq!(words, "repeating: 1 of 2 sent (Ctrl+R stops)");
        assert!(r.next(t0 + Duration::from_millis(999)).is_none(), "not yet");
        assert_eq!(r.due(), Some(t0 + Duration::from_secs(1)));
        assert_eq!(
            r.outcome_words("sent (QoS 0)").as_deref(),
            Some("repeating: 1 of 2 sent (Ctrl+R stops) · last: sent (QoS 0)")
        );
        let (_, words) = r.next(t0 + Duration::from_secs(1)).expect("the second");
        assert_eq!(words, "repeat done: 2 sent");
        assert!(!r.is_running() && r.due().is_none());
        assert_eq!(
            r.outcome_words("sent (QoS 0)").as_deref(),
            Some("repeat done: 2 sent · last: sent (QoS 0)")
        );
        r.forget_finished();
        assert_eq!(r.outcome_words("x"), None, "compose's own publish");
        assert_eq!(r.stop(), None);
    }
}
