//! Slow work off the loop: each job runs as a tokio task and its result comes back on a
//! channel the loop selects on. Jobs of one kind replace each other: a result is delivered only
//! if no newer job of its kind was started since (gitui's "newest request wins"), so a slow
//! password_command for a profile the user has already left cannot connect to it.

use std::collections::HashMap;
use std::future::Future;

use tokio::sync::mpsc;

use crate::app::{JobKind, JobResult};
use crate::mqtt::ConnectionSettings;

/// A finished job: what the app sees, and what only the runner needs.
pub struct Done {
    pub result: JobResult,
    /// For `ResolveProfile`: the settings to start the worker with.
    pub settings: Option<ConnectionSettings>,
    /// For `RetainedLook`: what the broker retains.
    pub found: Option<crate::session::retained::Found>,
    /// Whether a newer job of its kind replaces it (see `Jobs::launch`).
    newest_only: bool,
}

pub struct Jobs {
    tx: mpsc::UnboundedSender<Done>,
    rx: mpsc::UnboundedReceiver<Done>,
    latest: HashMap<JobKind, u64>,
    next: u64,
}

impl Default for Jobs {
    fn default() -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        Jobs {
            tx,
            rx,
            latest: HashMap::new(),
            next: 0,
        }
    }
}

impl Jobs {
    /// Starts `work`, whose result is delivered with its kind and generation. `newest_only`: a
    /// result is dropped once a newer job of its kind was started (gitui's "newest request
    /// wins"); otherwise every result counts.
    fn launch<F>(&mut self, kind: JobKind, newest_only: bool, work: F) -> u64
    where
        F: Future<
                Output = (
                    Result<String, String>,
                    Option<ConnectionSettings>,
                    Option<crate::session::retained::Found>,
                ),
            > + Send
            + 'static,
    {
        self.next += 1;
        let generation = self.next;
        if newest_only {
            self.latest.insert(kind.clone(), generation);
        }
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let (outcome, settings, found) = work.await;
            let _ = tx.send(Done {
                result: JobResult {
                    kind,
                    generation,
                    outcome,
                },
                settings,
                found,
                newest_only,
            });
        });
        generation
    }

    /// Starts `work`; it yields the words for the user and, for a profile, its settings.
    pub fn spawn<F>(&mut self, kind: JobKind, work: F) -> u64
    where
        F: Future<Output = (Result<String, String>, Option<ConnectionSettings>)> + Send + 'static,
    {
        self.launch(kind, true, async move {
            let (outcome, settings) = work.await;
            (outcome, settings, None)
        })
    }

    /// A look for retained messages under `filter`; its findings come back in `Done::found`.
    pub fn spawn_look<F>(&mut self, filter: String, work: F)
    where
        F: Future<Output = Result<crate::session::retained::Found, String>> + Send + 'static,
    {
        self.launch(JobKind::RetainedLook(filter), true, async move {
            match work.await {
                Ok(f) => (Ok(format!("{} found", f.messages.len())), None, Some(f)),
                Err(e) => (Err(e), None, None),
            }
        });
    }

    /// Starts `work` whose result is always delivered (writes that each count, such as the
    /// history file's batches): no newer job replaces it.
    pub fn spawn_each<F>(&mut self, kind: JobKind, work: F)
    where
        F: Future<Output = (Result<String, String>, Option<ConnectionSettings>)> + Send + 'static,
    {
        self.launch(kind, false, async move {
            let (outcome, settings) = work.await;
            (outcome, settings, None)
        });
    }

    /// Forgets the pending jobs of `kind`: their results will be dropped.
    pub fn cancel(&mut self, kind: &JobKind) {
        self.next += 1;
        self.latest.insert(kind.clone(), self.next);
    }

    /// The next result that answers the newest request of its kind; stale ones are dropped.
    pub async fn next(&mut self) -> Done {
        loop {
            // The sender half lives in `self`, so the channel never closes.
            let Some(done) = self.rx.recv().await else {
                return std::future::pending().await;
            };
            if !done.newest_only {
                return done;
            }
            if self.latest.get(&done.result.kind) == Some(&done.result.generation) {
                self.latest.remove(&done.result.kind);
                return done;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_newest_request_wins() {
        let mut jobs = Jobs::default();
        let kind = JobKind::ResolveProfile("p".into());
        let (slow_tx, slow_rx) = tokio::sync::oneshot::channel::<()>();
        jobs.spawn(kind.clone(), async move {
            let _ = slow_rx.await;
            (Ok("old".into()), None)
        });
        jobs.spawn(kind.clone(), async { (Ok("new".into()), None) });
        let _ = slow_tx.send(());
        let done = jobs.next().await;
        assert_eq!(done.result.outcome, Ok("new".into()));
        // The old one arrives later and is dropped: nothing else is delivered.
        let more = tokio::time::timeout(std::time::Duration::from_millis(50), jobs.next()).await;
        assert!(more.is_err());
    }
}
