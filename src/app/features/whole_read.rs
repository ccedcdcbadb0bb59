//! `W`: a structured payload past the size read at once (`decode::WHOLE_MAX`) read whole, off
//! the loop. Such a payload is shown as text pages with a header that says why; `W` asks for
//! a job that decodes it whole (2.5 MiB of JSON takes ~50 ms to read and lay out, past a
//! frame), and the detail shows the tree once it is back. One read is kept, and asking for
//! another frees the last: a decoded document costs many times its bytes. Measured (release
//! build, a 2.4 MiB JSON array of 68k small objects, 245k rows): RSS 17 MiB before `W`, 84 MiB
//! after, so the read is counted at `COST` times its bytes and refused when that is more than
//! the history budget leaves.

use std::rc::Rc;

use crate::app::{App, Effect, Level};
use crate::decode::{DecodeError, Decoded, Shown, Why};

/// What a whole read holds, as a multiple of the payload's bytes (67 MiB for 2.4 MiB above).
const COST: usize = 28;

/// A read's key: the message's sequence number and the view it is read as.
type Key = (u64, &'static str);

#[derive(Debug, Default)]
pub struct WholeRead {
    /// The read asked for last, still running, and why its view was chosen.
    running: Option<(Key, Why)>,
    done: Option<(Key, Rc<Shown>)>,
}

impl WholeRead {
    pub fn clear(&mut self) {
        *self = WholeRead::default();
    }

    /// Whether the read of this message as this view is running.
    pub fn is_running(&self, seq: u64, view: &str) -> bool {
        self.running
            .as_ref()
            .is_some_and(|((s, v), _)| *s == seq && *v == view)
    }
}

impl App {
    /// `W` in the panes.
    pub(in crate::app) fn read_whole_key(&mut self) -> Vec<Effect> {
        let Some((e, shown)) = self.detail_shown() else {
            return Vec::new();
        };
        if !shown.too_big {
            let text =
                "W reads whole a payload past the 1 MiB read at once; this one is shown whole";
            self.tell(Level::Info, text.into());
            return Vec::new();
        }
        let cost = e.payload_len().saturating_mul(COST);
        let store = &self.link.store;
        let left = store
            .limits()
            .memory_budget
            .saturating_sub(store.memory_bytes());
        if cost > left {
            use crate::text::human_bytes;
            let text = format!(
                "not read whole: {} as a tree takes about {}, more than the {} the history budget leaves (--history-budget)",
                human_bytes(e.payload_len() as u64),
                human_bytes(cost as u64),
                human_bytes(left as u64)
            );
            self.tell(Level::Warning, text);
            return Vec::new();
        }
        let key = (e.seq(), shown.decoder);
        let Some(decoder) = self.decoders.get_shared(shown.decoder) else {
            return Vec::new();
        };
        if self.whole.is_running(key.0, key.1) {
            return Vec::new();
        }
        let payload = self.link.store.payload_bytes(e);
        let why = shown.why.clone();
        self.whole.done = None;
        self.whole.running = Some((key, why));
        vec![Effect::ReadWhole {
            seq: key.0,
            decoder,
            payload,
        }]
    }

    /// A whole read is back: shown if it is the one asked for last.
    pub fn on_whole(&mut self, seq: u64, view: &'static str, result: Result<Decoded, DecodeError>) {
        let Some((key, why)) = self.whole.running.take() else {
            return;
        };
        if key != (seq, view) {
            self.whole.running = Some((key, why));
            return;
        }
        self.whole.done = Some((key, Rc::new(Shown::whole(view, why, result))));
        // Back to the top of what is now a tree, when it is still the one shown.
        if self.detail_entry().map(|e| e.seq()) == Some(seq) {
            self.detail.reset_position();
        }
    }

    /// A whole read that failed to run (not a decode error: those are shown).
    pub(in crate::app) fn whole_failed(&mut self, why: &str) {
        self.whole.running = None;
        let text = format!(
            "reading the payload whole failed: {}",
            crate::text::clean(why)
        );
        self.tell(Level::Error, text);
    }

    /// What the detail shows for `shown`: the whole read once it is in.
    pub fn with_whole(&self, seq: u64, shown: Rc<Shown>) -> Rc<Shown> {
        match &self.whole.done {
            Some((key, whole)) if shown.too_big && *key == (seq, shown.decoder) => whole.clone(),
            _ => shown,
        }
    }
}
