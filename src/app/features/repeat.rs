//! Send the compose message N times at an interval (`Ctrl+R`: asks how many and how often;
//! `Ctrl+R` again stops). Each send is a fresh publish, templates expanded anew (`{{seq}}`
//! counts up); compose's status line shows the progress.

use std::time::{Duration, Instant};

use crate::app::effect::Draft;
use crate::app::{App, Effect};

#[derive(Debug, Clone)]
pub struct Repeat {
    draft: Draft,
    pub total: u64,
    pub sent: u64,
    every: Duration,
    next: Instant,
}

impl App {
    /// Starts sending compose's message `times` times, every `every`.
    pub fn start_repeat(&mut self, times: u64, every: Duration) -> Vec<Effect> {
        let Some(draft) = self.compose.draft(self.link.conn.is_some()) else {
            return Vec::new();
        };
        self.repeat_finished = None;
        self.repeat = Some(Repeat {
            draft,
            total: times.max(1),
            sent: 0,
            every,
            next: self.now,
        });
        self.repeat_effects()
    }

    /// `Ctrl+R` while repeating.
    pub fn stop_repeat(&mut self) {
        if let Some(r) = self.repeat.take() {
            self.compose.status = Some((
                format!("repeat stopped: {} of {} sent", r.sent, r.total),
                false,
            ));
        }
    }

    /// The next publish when its time has come (asked after every message; the app's timer
    /// wakes it for `repeat_due`).
    pub(in crate::app) fn repeat_effects(&mut self) -> Vec<Effect> {
        let Some(r) = self.repeat.as_mut() else {
            return Vec::new();
        };
        if self.now < r.next {
            return Vec::new();
        }
        r.sent += 1;
        r.next += r.every;
        let draft = r.draft.clone();
        let (sent, total) = (r.sent, r.total);
        if sent >= total {
            self.repeat = None;
            self.repeat_finished = Some(total);
        }
        self.compose.status = Some((
            if sent >= total {
                format!("repeat done: {total} sent")
            } else {
                format!("repeating: {sent} of {total} sent (Ctrl+R stops)")
            },
            false,
        ));
        vec![Effect::Publish(draft)]
    }

    /// When the next repeat is due.
    pub(in crate::app) fn repeat_due(&self) -> Option<Instant> {
        self.repeat.as_ref().map(|r| r.next)
    }
}
