//! `L`: a recording published again from the explorer, with its timing (the popup: the file,
//! the speed, a prefix so the replay cannot pass for the real devices, and whether it loops).
//! The replay runs off the loop through a connection of its own (`tui/replayer.rs`, with
//! `mqscope replay`'s core); its progress comes back to the popup and the status bar, and
//! `Ctrl+S` again stops it between two messages. One replay at a time.

use std::time::Instant;

use crate::app::popup::{Popup, ReplayPopup};
use crate::app::{App, Effect, Level};
use crate::publish::replay_plan::{Plan, Tally};
use crate::text::{clean, count};

/// Lines of the file told by number at most (bad lines, the first failure).
const NOTES: usize = 6;

#[derive(Debug, Clone)]
pub struct Replaying {
    pub plan: Plan,
    pub started: Instant,
    /// The file's bytes read so far, and its size when known.
    pub consumed: u64,
    pub size: Option<u64>,
    pub tally: Tally,
    /// What went wrong along the way, in words (already escaped).
    pub notes: Vec<String>,
    /// `Ctrl+S` again: asked to stop.
    pub stopping: bool,
    /// The end: the summary, or why it failed; None while it runs.
    pub ended: Option<Result<String, String>>,
}

impl Replaying {
    pub fn running(&self) -> bool {
        self.ended.is_none()
    }

    /// "1,204 msgs · 35%" (the part of the file read, when its size is known).
    pub fn words(&self) -> String {
        let mut w = count(self.tally.sent, "msg", "msgs");
        if let Some(size) = self.size.filter(|s| *s > 0) {
            let pct = (self.consumed as f64 / size as f64 * 100.0).min(100.0);
            w.push_str(&format!(" · {pct:.0}%"));
        }
        if self.tally.passes > 1 {
            w.push_str(&format!(" · pass {}", self.tally.passes));
        }
        w
    }
}

impl App {
    /// `L`: the popup (with the replay under way, if one is).
    pub(in crate::app) fn open_replay(&mut self) {
        // A recording browsed with no broker: `L` steps and plays its time instead.
        if self.opened.is_some() {
            self.popups.push(Popup::Playback);
            return;
        }
        self.popups.push(Popup::Replay(ReplayPopup::new()));
    }

    /// The popup's `Ctrl+S`: start a replay of `plan`, or stop the one under way.
    pub(in crate::app) fn replay_key(&mut self, plan: Plan) -> Vec<Effect> {
        if let Some(r) = self.replay.as_mut().filter(|r| r.running()) {
            if r.stopping {
                return Vec::new();
            }
            r.stopping = true;
            return vec![Effect::StopReplay];
        }
        if self.link.conn.is_none() {
            self.tell(
                Level::Warning,
                "replay: not connected to a broker (P opens a profile)".into(),
            );
            return Vec::new();
        }
        self.replay = Some(Replaying {
            plan: plan.clone(),
            started: self.now,
            consumed: 0,
            size: None,
            tally: Tally::default(),
            notes: Vec::new(),
            stopping: false,
            ended: None,
        });
        self.tell(
            Level::Info,
            format!(
                "replaying {} through {}",
                clean(&plan.file.display().to_string()),
                self.link
                    .conn
                    .as_ref()
                    .map_or_else(String::new, |c| clean(&c.url).into_owned())
            ),
        );
        vec![Effect::StartReplay(plan)]
    }

    pub(in crate::app) fn on_replay_progress(
        &mut self,
        consumed: u64,
        size: Option<u64>,
        tally: Tally,
    ) {
        if let Some(r) = self.replay.as_mut() {
            r.consumed = consumed;
            r.size = size.or(r.size);
            r.tally = tally;
        }
    }

    pub(in crate::app) fn on_replay_note(&mut self, words: String) {
        if let Some(r) = self.replay.as_mut()
            && r.notes.len() < NOTES
        {
            r.notes.push(clean(&words).into_owned());
        }
    }

    /// The replay ended: its summary (as `mqscope replay` says it), told and kept for the popup.
    pub(in crate::app) fn on_replay_ended(
        &mut self,
        tally: Result<Tally, String>,
        late: (Option<u64>, u64),
    ) {
        let Some(r) = self.replay.as_mut() else {
            return;
        };
        let (words, level) = match tally {
            Ok(t) => {
                let mut w = format!(
                    "replayed {}: {} settled, {} failed, {} unknown",
                    count(t.sent, "message", "messages"),
                    t.settled,
                    t.failed,
                    t.unknown
                );
                if t.skipped > 0 {
                    w += &format!("; {} outside the filters or range", t.skipped);
                }
                if t.bad_lines > 0 {
                    w += &format!("; {} bad lines skipped", t.bad_lines);
                }
                if let (Some(median), true) = (late.0, r.plan.speed.is_some()) {
                    w += &format!(
                        "; late median {:.3} ms, max {:.3} ms",
                        median as f64 / 1e3,
                        late.1 as f64 / 1e3
                    );
                }
                if t.stopped {
                    w += "; stopped";
                }
                let bad = t.failed + t.unknown + t.bad_lines > 0;
                r.tally = t;
                (Ok(w), if bad { Level::Warning } else { Level::Info })
            }
            Err(why) => (Err(clean(&why).into_owned()), Level::Error),
        };
        let told = match &words {
            Ok(w) => w.clone(),
            Err(w) => format!("replay failed: {w}"),
        };
        r.ended = Some(words);
        self.tell(level, told);
    }
}
