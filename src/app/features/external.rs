//! External decoders seen from the app: the detail shows a message whose view is a command, so
//! the app asks for a run (an effect; the TUI runs it as a job, never on its loop), shows
//! "running …" until the output comes back, then the output (JSON as a tree) or the failure in
//! words. The newest request wins: stepping through messages does not queue runs.

use std::rc::Rc;

use bytes::Bytes;

use crate::app::{App, Effect};
use crate::decode::{DecodeError, Shown};

/// Outputs kept: the shown message and a few neighbours, as the decode cache does.
const KEPT: usize = 8;

#[derive(Debug, Default)]
pub struct ExternalRuns {
    /// (message seq, view) → the detail as it shows the command's answer.
    done: Vec<((u64, &'static str), Rc<Shown>)>,
    /// The run asked for last, whose answer is awaited, and the detail it will fill in.
    pending: Option<((u64, &'static str), Rc<Shown>)>,
}

impl ExternalRuns {
    pub fn get(&self, seq: u64, view: &'static str) -> Option<Rc<Shown>> {
        self.done
            .iter()
            .find(|(k, _)| *k == (seq, view))
            .map(|(_, s)| s.clone())
    }

    pub fn clear(&mut self) {
        self.done.clear();
        self.pending = None;
    }
}

impl App {
    /// A run the detail needs and has not asked for yet.
    pub(in crate::app) fn wanted_runs(&mut self) -> Vec<Effect> {
        let Some((e, shown)) = self.detail_shown() else {
            return Vec::new();
        };
        let Some(command) = shown.command.clone() else {
            return Vec::new();
        };
        let key = (e.seq(), shown.decoder);
        let asked = self
            .external
            .pending
            .as_ref()
            .is_some_and(|(k, _)| *k == key);
        if asked || self.external.get(key.0, key.1).is_some() {
            return Vec::new();
        }
        let payload: Bytes = self.link.store.payload_bytes(e);
        self.external.pending = Some((key, shown));
        vec![Effect::Decode { command, payload }]
    }

    /// The answer to the newest run: the command's output, or why there is none.
    pub fn on_run(&mut self, outcome: Result<Vec<u8>, String>) {
        let Some((key, base)) = self.external.pending.take() else {
            return;
        };
        let mut shown = (*base).clone();
        shown.command = None;
        shown.result = match outcome {
            Ok(out) => Ok(crate::decode::external::output(&out)),
            Err(why) => Err(DecodeError::new(why, None)),
        };
        self.external.done.insert(0, (key, Rc::new(shown)));
        self.external.done.truncate(KEPT);
    }

    /// What the detail shows for `shown`: a command view's answer once it is in.
    pub fn with_run(&self, seq: u64, shown: Rc<Shown>) -> Rc<Shown> {
        if shown.command.is_none() {
            return shown;
        }
        self.external
            .get(seq, shown.decoder)
            .unwrap_or_else(|| shown.clone())
    }
}
