//! The explorer's replay (`L`): a recording published again, with its timing, through a
//! connection of its own beside the one in focus (its own client id, so the explorer's stays
//! up; the explorer sees the messages come back if it subscribes to them). The replay runs as
//! a task with `mqscope replay`'s core; how it goes comes back to the loop as outputs, at most
//! five times a second, and a stop ends it between two messages.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

use tokio::time::Instant;

use crate::app::Output;
use crate::headless::replay::core::{Plan, Reporter, Tally, replay_through};
use crate::headless::replay::lateness::Lateness;
use crate::mqtt::ConnectionSettings;

const EVERY: Duration = Duration::from_millis(200);
/// Bad lines told one by one; past these, only counted.
const TOLD: u64 = 5;

pub struct Replayer {
    rx: Receiver<Output>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Replayer {
    /// Starts the replay through a connection made from `base`.
    pub fn start(base: &ConnectionSettings, plan: Plan) -> Replayer {
        let (tx, rx) = channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let settings = crate::session::retained::own_connection(base, "replay");
        tokio::spawn(async move {
            // For the share read (a stat: no wait worth a thread).
            let size = std::fs::metadata(&plan.file).ok().map(|m| m.len());
            let mut reporter = ToLoop {
                size,
                tx: tx.clone(),
                next: Instant::now(),
                told: 0,
                late: (None, 0),
            };
            let stop = async move {
                let _ = stop_rx.await;
            };
            let options = crate::mqtt::WorkerOptions::default();
            let result = match crate::mqtt::spawn(&settings, options) {
                Ok(handle) => {
                    let r = replay_through(&handle, &settings, &plan, stop, &mut reporter).await;
                    handle.shut_down().await;
                    r.map_err(|f| f.to_string())
                }
                Err(e) => Err(e.to_string()),
            };
            let _ = tx.send(Output::ReplayEnded {
                tally: result,
                late: reporter.late,
            });
        });
        Replayer {
            rx,
            stop: Some(stop_tx),
        }
    }

    /// What came since the last look, without waiting.
    pub fn take(&mut self) -> Vec<Output> {
        let mut out = Vec::new();
        while let Ok(o) = self.rx.try_recv() {
            out.push(o);
        }
        out
    }

    /// Asks the replay to stop (its end still comes back, with the count).
    pub fn stop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

struct ToLoop {
    size: Option<u64>,
    tx: Sender<Output>,
    next: Instant,
    told: u64,
    /// The median and the maximum lateness (µs), at the end.
    late: (Option<u64>, u64),
}

impl Reporter for ToLoop {
    fn bad_line(&mut self, line_no: u64, why: &str) {
        self.told += 1;
        if self.told <= TOLD {
            let _ = self
                .tx
                .send(Output::ReplayNote(format!("line {line_no} skipped: {why}")));
        }
    }

    fn first_failure(&mut self, why: &str) {
        let _ = self
            .tx
            .send(Output::ReplayNote(format!("a publish failed: {why}")));
    }

    fn packet(&mut self, _line: &str) {}

    fn progress(&mut self, consumed: u64, tally: &Tally, _late: &Lateness) {
        let now = Instant::now();
        if now < self.next {
            return;
        }
        self.next = now + EVERY;
        let _ = self.tx.send(Output::ReplayProgress {
            consumed,
            size: self.size,
            tally: tally.clone(),
        });
    }

    fn finished(&mut self, late: &Lateness) {
        self.late = (late.median_us(), late.max_us());
    }
}
