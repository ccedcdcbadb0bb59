//! A client-bound burst of new topics from a fake broker: the event queue holds the worker back
//! instead of dropping (its bound is what waits in memory), the store files everything, and the
//! store stays within its budget.

mod common;

use std::time::{Duration, Instant};

use common::client::settings;
use common::fake::{Fake, Script};
use mqscope::mqtt::{self, MqttEvent, Protocol, WorkerOptions};
use mqscope::store::{Limits, Store};

const LIMIT: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_new_topics_is_filed_whole_within_the_queue_bound_and_the_budget() {
    let (messages, topics) = (200_000, 100_000);
    let fake = Fake::start(Script::Burst { messages, topics }).await;
    let mut s = settings(&fake.url(), Protocol::V5);
    s.subscriptions = vec![mqtt::Subscription::new("#", mqtt::QoS::AtMostOnce)];
    // A small bound, so the burst is many times what the queue may hold.
    let bound = 256 * 1024;
    let handle = mqtt::spawn(
        &s,
        WorkerOptions {
            queue_bytes: bound,
            ..WorkerOptions::default()
        },
    )
    .expect("worker");
    let budget = 64 << 20;
    let mut store = Store::new(Limits {
        memory_budget: budget,
        ..Limits::default()
    });
    // Taken once every 10 ms, as the TUI takes the queue once a frame.
    let mut tick = tokio::time::interval(Duration::from_millis(10));
    let mut batch = Vec::new();
    let (mut peak_queued, mut peak_memory) = (0, 0);
    let deadline = Instant::now() + LIMIT;
    while store.received < messages as u64 {
        assert!(
            Instant::now() < deadline,
            "filed {} of {messages} in {LIMIT:?}",
            store.received
        );
        tick.tick().await;
        peak_queued = peak_queued.max(handle.events().queued_bytes());
        assert!(handle.events().drain_into(&mut batch), "worker stopped");
        let now = std::time::Instant::now();
        for ev in batch.drain(..) {
            if let MqttEvent::Message(m) = ev {
                store.ingest(m, false, now);
            }
        }
        peak_memory = peak_memory.max(store.memory_bytes());
    }
    assert_eq!(store.received, messages as u64, "nothing dropped");
    assert_eq!(store.refused, 0);
    assert_eq!(store.tree.topic_count(), topics as u32);
    assert_eq!(store.tree.msg_count(), messages as u64);
    // The worker stops reading once the bound is reached: what waits is the bound plus the
    // messages of the read in progress (rumqttc decodes at most ten a poll).
    assert!(
        peak_queued <= bound + 10 * 256,
        "queued {peak_queued} > {bound}"
    );
    assert!(peak_queued >= bound / 2, "the burst did fill the queue");
    assert!(peak_memory <= budget, "{peak_memory} > {budget}");
}
