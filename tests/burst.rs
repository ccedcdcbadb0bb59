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

/// What a burst left: the store, and the peaks of the queue and of the store's memory.
struct Filed {
    store: Store,
    peak_queued: usize,
    peak_memory: usize,
}

/// Files a burst of `messages` over `topics` from the fake broker into a store of `budget`,
/// taking the queue (bounded at `bound`) every 10 ms as the TUI does once a frame.
async fn file_burst(messages: usize, topics: usize, bound: usize, budget: usize) -> Filed {
    let fake = Fake::start(Script::Burst { messages, topics }).await;
    let mut s = settings(&fake.url(), Protocol::V5);
    s.subscriptions = vec![mqtt::Subscription::new("#", mqtt::QoS::AtMostOnce)];
    let handle = mqtt::spawn(
        &s,
        WorkerOptions {
            queue_bytes: bound,
            ..WorkerOptions::default()
        },
    )
    .expect("worker");
    let mut store = Store::new(Limits {
        memory_budget: budget,
        ..Limits::default()
    });
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
    Filed {
        store,
        peak_queued,
        peak_memory,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_new_topics_is_filed_whole_within_the_queue_bound_and_the_budget() {
    let (messages, topics) = (200_000, 100_000);
    // A small bound, so the burst is many times what the queue may hold.
    let bound = 256 * 1024;
    let budget = 64 << 20;
    let Filed {
        store,
        peak_queued,
        peak_memory,
    } = file_burst(messages, topics, bound, budget).await;
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

/// The burst (2M messages over 1M new topics under the default 256 MiB) at a tenth:
/// every topic is kept, with its last message, its counts and its rate, within the budget.
/// The whole one is `cargo bench --bench million`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_million_topic_burst_at_a_tenth_keeps_every_topic_under_a_tenth_of_the_budget() {
    let (messages, topics) = (200_000, 100_000);
    let budget = (mqscope::store::DEFAULT_BUDGET_MIB << 20) / 10;
    let Filed {
        store, peak_memory, ..
    } = file_burst(messages, topics, 4 << 20, budget).await;
    assert_eq!(store.refused, 0, "no topic turned away");
    assert_eq!(store.tree.topic_count(), topics as u32);
    assert_eq!(store.tree.msg_count(), messages as u64);
    assert!(peak_memory <= budget, "{peak_memory} > {budget}");
    let now_ms = store.rate.current_millis(std::time::Instant::now());
    for t in [0, 4_242, topics - 1] {
        let id = store
            .tree
            .find(&format!("bench/site{}/dev{t}/temp", t % 10))
            .expect("kept");
        let node = store.tree.node(id);
        assert_eq!(node.msg_count, 2, "both of its messages counted");
        assert!(node.rates.msgs(now_ms) > 0.0, "a rate of its own");
        let last = store.last(id).expect("its last message kept");
        let want = format!("{{\"t\":21.5,\"seq\":{}}}", topics + t);
        assert_eq!(store.payload(last), want.as_bytes());
    }
    let site = store
        .tree
        .node(store.tree.find("bench/site3").expect("a site"));
    assert_eq!(site.topic_count, topics as u32 / 10);
    assert_eq!(site.msg_count, messages as u64 / 10);
}
