//! `mqscope ingest` (hidden): the explorer's pipeline without a screen: the worker feeding the
//! store, exactly as the TUI does, for the ingest benchmark. Prints one line of totals.

use std::time::{Duration, Instant};

use super::StateReport;
use crate::cli::IngestArgs;
use crate::mqtt::{self, Command, MqttEvent, WorkerOptions};
use crate::process::failure::Failure;
use crate::session::connect::{failure_from_tls, headless_settings};
use crate::store::{Limits, Store};

pub async fn run(args: IngestArgs) -> Result<(), Failure> {
    let subscriptions = super::subscriptions(&args.subscribe)?;
    let mut settings = headless_settings(&args.conn)?;
    settings.subscriptions = subscriptions;
    let handle = mqtt::spawn(&settings, WorkerOptions::default()).map_err(failure_from_tls)?;
    let mut store = Store::new(Limits::default());
    let mut batch = Vec::new();
    let mut first: Option<Instant> = None;
    let mut last = Instant::now();
    let idle = Duration::from_secs_f64(args.idle_timeout.max(0.1));
    let mut batches = 0u64;
    let mut report = StateReport::default();
    while store.received < args.count {
        match tokio::time::timeout(idle, handle.events().recv_batch(&mut batch)).await {
            Err(_) => break,
            Ok(open) => {
                batches += 1;
                let taken = batch.len();
                let now = Instant::now();
                for ev in batch.drain(..) {
                    match ev {
                        MqttEvent::Message(m) => {
                            first.get_or_insert(now);
                            last = now;
                            store.ingest(m, false, now);
                        }
                        MqttEvent::State(s) => report.check(&settings, &s)?,
                        _ => {}
                    }
                }
                if !open {
                    break;
                }
                // As the TUI, which takes the queue once a frame, is not woken for every few.
                super::coalesce(taken).await;
            }
        }
    }
    // From the first message to the last, so an idle timeout at the end does not count.
    let secs = first.map_or(0.0, |f| last.duration_since(f).as_secs_f64());
    println!(
        "received={} seconds={secs:.3} batches={batches} topics={} store_bytes={} trimmed={}",
        store.received,
        store.tree.topic_count(),
        store.memory_bytes(),
        store.trimmed
    );
    let _ = handle.try_send(Command::Disconnect);
    Ok(())
}
