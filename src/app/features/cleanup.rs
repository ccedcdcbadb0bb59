//! Retained clean-up (`D`) and its undo (`u`). `D` on a topic or subtree asks for a look at
//! what the broker retains there (a job on a connection of its own: what the broker holds, not
//! what happened to arrive flagged), shows the list, and after Enter clears each one with an
//! empty retained publish, a window at a time, counting acknowledgements while keys stay live.
//! The cleared values are kept, so `u` publishes them again, retained, as they were.

use crate::app::Level;
use std::collections::{HashMap, VecDeque};

use bytes::Bytes;

use crate::app::effect::Draft;
use crate::app::popup::Popup;
use crate::app::{App, Effect};
use crate::mqtt::{Message, PublishId, PublishOutcome, QoS};
use crate::text::clean;

/// Publishes in flight at once: quick, and well within the worker's command queue.
const WINDOW: usize = 64;
/// How long a publish the worker could not take (its queue full, or no connection) waits
/// before it is offered again: the app asks for a timer instead of trying on every message.
const RETRY: std::time::Duration = std::time::Duration::from_millis(100);

#[derive(Debug, Clone)]
pub enum Phase {
    /// The look is running.
    Looking,
    /// What the look found, waiting for Enter.
    Preview {
        found: Vec<Message>,
        truncated: bool,
    },
    /// Clearing (or, for `u`, restoring): how many of how many are acknowledged.
    Working {
        restoring: bool,
        total: usize,
        done: usize,
        unconfirmed: usize,
    },
    /// Finished, or stopped: in words.
    Finished(String),
}

#[derive(Debug, Clone)]
pub struct Cleanup {
    pub filter: String,
    pub phase: Phase,
    queue: VecDeque<Draft>,
    in_flight: HashMap<PublishId, String>,
    /// Refused by the worker: the next window waits until then.
    retry_at: Option<std::time::Instant>,
}

impl Cleanup {
    fn new(filter: String, phase: Phase) -> Cleanup {
        Cleanup {
            filter,
            phase,
            queue: VecDeque::new(),
            in_flight: HashMap::new(),
            retry_at: None,
        }
    }

    pub fn working(&self) -> bool {
        matches!(self.phase, Phase::Working { .. } | Phase::Looking)
    }
}

impl App {
    /// `D`: the filter for the tree's selection (its subtree when it has one), and a look.
    pub fn cleanup_key(&mut self) -> Vec<Effect> {
        if self.cleanup.as_ref().is_some_and(Cleanup::working) {
            self.popups.push(Popup::Cleanup(Default::default()));
            return Vec::new();
        }
        let Some(id) = self.tree.selected else {
            self.tell(
                Level::Warning,
                "D clears retained messages: select a topic or a subtree first".into(),
            );
            return Vec::new();
        };
        let path = self.link.store.tree.path(id);
        let filter = if self.link.store.tree.children(id).is_empty() {
            path
        } else {
            format!("{path}/#")
        };
        self.cleanup = Some(Cleanup::new(filter.clone(), Phase::Looking));
        self.popups.push(Popup::Cleanup(Default::default()));
        vec![Effect::RetainedLook { filter }]
    }

    /// The look's answer.
    pub fn on_found(
        &mut self,
        filter: &str,
        found: Result<crate::session::retained::Found, String>,
    ) {
        if let Some(c) = self.cleanup.as_mut().filter(|c| c.filter == filter) {
            c.found(found);
        }
    }

    fn start_work(&mut self, drafts: Vec<Draft>, restoring: bool) -> Vec<Effect> {
        let Some(c) = self.cleanup.as_mut() else {
            return Vec::new();
        };
        c.phase = Phase::Working {
            restoring,
            total: drafts.len(),
            done: 0,
            unconfirmed: 0,
        };
        c.queue = drafts.into();
        c.in_flight.clear();
        self.cleanup_effects()
    }

    /// Enter on the preview: clear every one (empty, retained, at least QoS 1 so it is
    /// acknowledged); what was there is kept for `u`.
    pub fn confirm_cleanup(&mut self) -> Vec<Effect> {
        let Some(Phase::Preview { found, .. }) = self.cleanup.as_ref().map(|c| c.phase.clone())
        else {
            return Vec::new();
        };
        let drafts = found
            .iter()
            .map(|m| {
                Draft::plain(crate::publish::Publish {
                    topic: m.topic.to_string(),
                    payload: Bytes::new(),
                    qos: m.qos.max(QoS::AtLeastOnce),
                    retain: true,
                    properties: None,
                })
            })
            .collect();
        self.last_cleared = Some(found);
        self.start_work(drafts, false)
    }

    /// `u`: what the last clean-up cleared, retained again, as it was.
    pub fn undo_cleanup(&mut self) -> Vec<Effect> {
        if self.cleanup.as_ref().is_some_and(Cleanup::working) {
            self.tell(
                Level::Warning,
                "a clean-up is still running: wait for it, then u".into(),
            );
            return Vec::new();
        }
        let Some(found) = self.last_cleared.take() else {
            self.tell(
                Level::Warning,
                "u puts back what D cleared: nothing is kept to put back".into(),
            );
            return Vec::new();
        };
        let filter = self
            .cleanup
            .as_ref()
            .map(|c| c.filter.clone())
            .unwrap_or_default();
        self.cleanup = Some(Cleanup::new(filter, Phase::Looking));
        let drafts = found
            .into_iter()
            .map(|m| {
                Draft::plain(crate::publish::Publish {
                    topic: m.topic.into(),
                    payload: m.payload,
                    qos: m.qos,
                    retain: true,
                    properties: m.properties,
                })
            })
            .collect();
        self.popups.push(Popup::Cleanup(Default::default()));
        self.start_work(drafts, true)
    }

    /// When a refused window is offered again.
    pub(in crate::app) fn cleanup_retry_at(&self) -> Option<std::time::Instant> {
        self.cleanup.as_ref().and_then(|c| c.retry_at)
    }

    /// The next window of publishes, while there is room (asked after every message).
    pub(in crate::app) fn cleanup_effects(&mut self) -> Vec<Effect> {
        let batch = match self.cleanup.as_mut() {
            Some(c) => c.window(self.now),
            None => Vec::new(),
        };
        if batch.is_empty() {
            return Vec::new();
        }
        vec![Effect::CleanupPublish(batch)]
    }

    /// The runner queued (or could not queue) one of the clean-up's publishes.
    pub(in crate::app) fn cleanup_queued(
        &mut self,
        draft: Draft,
        queued: Result<PublishId, String>,
    ) {
        if let Some(c) = self.cleanup.as_mut() {
            c.queued(draft, queued, self.now);
        }
    }

    /// A publish outcome: true when it was one of the clean-up's (and is then taken here).
    pub(in crate::app) fn cleanup_outcome(
        &mut self,
        id: PublishId,
        outcome: &PublishOutcome,
    ) -> bool {
        let Some(step) = self.cleanup.as_mut().and_then(|c| c.outcome(id, outcome)) else {
            return false;
        };
        if let Some(words) = step.finished {
            self.tell(Level::Info, words);
        }
        // The tree shows what the broker holds now.
        if let Some((topic, cleared)) = step.done
            && let Some(node) = self.link.store.tree.find(&topic)
        {
            self.link.store.tree.note_retained(node, true, cleared);
        }
        true
    }
}

/// What one of the clean-up's outcomes did.
struct Step {
    /// The topic done, and whether it was cleared (else restored).
    done: Option<(String, bool)>,
    /// The clean-up finished (or stopped): in words.
    finished: Option<String>,
}

impl Cleanup {
    /// The look's answer: a preview, or why there is nothing to do.
    fn found(&mut self, found: Result<crate::session::retained::Found, String>) {
        self.phase = match found {
            Ok(f) if f.messages.is_empty() => Phase::Finished(format!(
                "the broker retains nothing under {}",
                clean(&self.filter)
            )),
            Ok(f) => Phase::Preview {
                found: f.messages,
                truncated: f.truncated,
            },
            Err(why) => Phase::Finished(format!(
                "the look under {} failed: {why}",
                clean(&self.filter)
            )),
        };
    }

    /// The next publishes to hand the worker at `now`: as many as the window has room for,
    /// none while a refused one waits for its retry.
    fn window(&mut self, now: std::time::Instant) -> Vec<Draft> {
        if !matches!(self.phase, Phase::Working { .. }) || self.retry_at.is_some_and(|t| now < t) {
            return Vec::new();
        }
        self.retry_at = None;
        let room = WINDOW.saturating_sub(self.in_flight.len());
        (0..room).map_while(|_| self.queue.pop_front()).collect()
    }

    /// One publish queued (its id), or refused by the worker (its queue full, or the connection
    /// gone): then it goes back, and the next window is offered after `RETRY`.
    fn queued(&mut self, draft: Draft, queued: Result<PublishId, String>, now: std::time::Instant) {
        match queued {
            Ok(id) => {
                self.in_flight.insert(id, draft.publish.topic);
            }
            Err(_) => {
                self.queue.push_front(draft);
                self.retry_at = Some(now + RETRY);
            }
        }
    }

    /// An outcome: None when it is not one of ours.
    fn outcome(&mut self, id: PublishId, outcome: &PublishOutcome) -> Option<Step> {
        if !self.in_flight.contains_key(&id) {
            return None;
        }
        let mut step = Step {
            done: None,
            finished: None,
        };
        if !outcome.is_final() {
            return Some(step);
        }
        let topic = self.in_flight.remove(&id).unwrap_or_default();
        let Phase::Working {
            restoring,
            total,
            done,
            unconfirmed,
        } = &mut self.phase
        else {
            return Some(step);
        };
        let restoring = *restoring;
        let verb = if restoring { "restored" } else { "cleared" };
        if let PublishOutcome::Failed(why) | PublishOutcome::Unknown(why) = outcome {
            self.phase = Phase::Finished(format!(
                "stopped: {done} of {total} {verb}, then '{}': {why}",
                clean(&topic)
            ));
            self.queue.clear();
            return Some(step);
        }
        *done += 1;
        if matches!(outcome, PublishOutcome::Sent) {
            *unconfirmed += 1;
        }
        let (total, done, unconfirmed) = (*total, *done, *unconfirmed);
        if done == total {
            let words = if restoring {
                let sent = if unconfirmed > 0 {
                    format!(" ({unconfirmed} at QoS 0: sent, not acknowledged)")
                } else {
                    String::new()
                };
                format!("restored {done} retained messages{sent}")
            } else {
                format!(
                    "cleared {done} retained messages under {}; u puts them back",
                    clean(&self.filter)
                )
            };
            self.phase = Phase::Finished(words.clone());
            step.finished = Some(words);
        }
        step.done = Some((topic, !restoring));
        Some(step)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    /// The finished clean-up's popup once stayed open and swallowed the `u` its notice offers.
    #[test]
    fn u_on_a_finished_clean_up_closes_it_and_puts_everything_back() {
        let mut app = App::new(Vec::new(), Default::default(), std::time::Instant::now());
        app.cleanup = Some(Cleanup::new(
            "a/#".into(),
            Phase::Finished("cleared 1 retained messages under a/#; u puts them back".into()),
        ));
        app.last_cleared = Some(vec![crate::mqtt::Message {
            topic: "a/b".into(),
            payload: bytes::Bytes::from_static(b"v"),
            qos: crate::mqtt::QoS::AtLeastOnce,
            retain: true,
            dup: false,
            received: std::time::SystemTime::UNIX_EPOCH,
            properties: None,
        }]);
        app.popups.push(Popup::Cleanup(Default::default()));
        app.on_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::NONE));
        assert!(
            matches!(
                app.cleanup.as_ref().map(|c| &c.phase),
                Some(Phase::Working {
                    restoring: true,
                    total: 1,
                    ..
                })
            ),
            "{:?}",
            app.cleanup.as_ref().map(|c| &c.phase)
        );
        // One clean-up popup: the finished one closed, the restoring one shown.
        assert_eq!(app.popups.len(), 1);
    }
}
