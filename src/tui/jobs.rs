//! Slow work off the loop: each job runs as a tokio task and its result comes back on a
//! channel the loop selects on. Jobs of one kind replace each other: a result is delivered only
//! if no newer job of its kind was started since (gitui's "newest request wins"), so a slow
//! password_command for a profile the user has already left cannot connect to it.

use std::collections::HashMap;
use std::future::Future;

use tokio::sync::mpsc;

use crate::app::{JobKind, Output};
use crate::config::Profile;
use crate::mqtt::ConnectionSettings;

/// What a job ends with: an output for the app, or (resolving a profile) what only the runner
/// needs, to start the worker.
pub enum Finished {
    Out(Output),
    Resolved {
        conn: crate::app::ConnId,
        profile: Box<Profile>,
        settings: Box<ConnectionSettings>,
    },
}

/// A finished job.
pub struct Done {
    pub kind: JobKind,
    pub generation: u64,
    pub finished: Finished,
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
    /// Starts `work`, whose result is delivered with its kind and generation; a failure comes
    /// back as `Output::Failed` with the job's kind. `newest_only`: a result is dropped once a
    /// newer job of its kind was started (gitui's "newest request wins"); otherwise every
    /// result counts.
    fn launch<F>(&mut self, kind: JobKind, newest_only: bool, work: F) -> u64
    where
        F: Future<Output = Result<Finished, String>> + Send + 'static,
    {
        self.next += 1;
        let generation = self.next;
        if newest_only {
            self.latest.insert(kind.clone(), generation);
        }
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let finished = match work.await {
                Ok(f) => f,
                Err(why) => Finished::Out(Output::Failed {
                    job: kind.clone(),
                    why,
                }),
            };
            let _ = tx.send(Done {
                kind,
                generation,
                finished,
                newest_only,
            });
        });
        generation
    }

    /// Starts `work` (newest request wins).
    pub fn spawn<F>(&mut self, kind: JobKind, work: F) -> u64
    where
        F: Future<Output = Result<Output, String>> + Send + 'static,
    {
        self.launch(kind, true, async move { work.await.map(Finished::Out) })
    }

    /// Resolves a profile (newest request wins): its settings come back to the runner.
    pub fn spawn_resolve<F>(&mut self, kind: JobKind, work: F) -> u64
    where
        F: Future<Output = Result<Finished, String>> + Send + 'static,
    {
        self.launch(kind, true, work)
    }

    /// Starts `work` whose result is always delivered (writes that each count, such as the
    /// history file's batches): no newer job replaces it.
    pub fn spawn_each<F>(&mut self, kind: JobKind, work: F)
    where
        F: Future<Output = Result<Output, String>> + Send + 'static,
    {
        self.launch(kind, false, async move { work.await.map(Finished::Out) });
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
            if self.latest.get(&done.kind) == Some(&done.generation) {
                self.latest.remove(&done.kind);
                return done;
            }
        }
    }
}

/// Runs blocking work (a file, a command) off the loop's thread; a panic in it is a failure.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    match tokio::task::spawn_blocking(work).await {
        Ok(r) => r,
        Err(e) => Err(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_newest_request_wins() {
        let mut jobs = Jobs::default();
        let kind = JobKind::ResolveProfile(crate::app::ConnId::FIRST);
        let (slow_tx, slow_rx) = tokio::sync::oneshot::channel::<()>();
        jobs.spawn(kind.clone(), async move {
            let _ = slow_rx.await;
            Ok(Output::HistorySaved { new: 1 })
        });
        jobs.spawn(kind.clone(), async { Ok(Output::HistorySaved { new: 2 }) });
        let _ = slow_tx.send(());
        let done = jobs.next().await;
        assert!(matches!(
            done.finished,
            Finished::Out(Output::HistorySaved { new: 2 })
        ));
        // The old one arrives later and is dropped: nothing else is delivered.
        let more = tokio::time::timeout(std::time::Duration::from_millis(50), jobs.next()).await;
        assert!(more.is_err());
    }
}
