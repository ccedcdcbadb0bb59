//! The store's own tests: entries, rates, the budget, kept last messages and their cuts.

use super::*;
use crate::mqtt::QoS;
use bytes::Bytes;
use std::time::SystemTime;

pub fn msg(topic: &str, payload: &str) -> Message {
    Message {
        topic: topic.into(),
        payload: Bytes::from(payload.to_string()),
        qos: QoS::AtMostOnce,
        retain: false,
        dup: false,
        received: SystemTime::UNIX_EPOCH,
        properties: None,
    }
}

#[test]
fn entries_are_small_and_keep_their_flags() {
    assert_eq!(std::mem::size_of::<Entry>(), 32);
    let mut s = Store::new(Limits::default());
    let mut m = msg("a", "x");
    m.qos = QoS::ExactlyOnce;
    m.retain = true;
    m.received = SystemTime::UNIX_EPOCH + std::time::Duration::from_micros(1_764_000_000_123_456);
    m.properties = Some(Box::new(Properties {
        content_type: Some("text/plain".into()),
        ..Properties::default()
    }));
    s.ingest(m, true, Instant::now());
    let e = s.log.get(0).unwrap();
    assert_eq!(
        (e.qos(), e.retain(), e.dup(), e.outgoing()),
        (QoS::ExactlyOnce, true, false, true)
    );
    assert_eq!(
        e.received(),
        SystemTime::UNIX_EPOCH + std::time::Duration::from_micros(1_764_000_000_123_456)
    );
    assert_eq!(
        s.properties(e).and_then(|p| p.content_type.as_deref()),
        Some("text/plain")
    );
}

#[test]
fn per_node_rates_are_decayed_and_add_up_the_tree() {
    let mut s = Store::new(Limits::default());
    let t0 = Instant::now();
    for _ in 0..3 {
        s.ingest(msg("a/b", "12"), false, t0);
    }
    s.ingest(msg("a/c", "1"), false, t0);
    let later = s
        .rate
        .current_millis(t0 + std::time::Duration::from_millis(1500));
    let a = s.tree.find("a").unwrap();
    let b = s.tree.find("a/b").unwrap();
    let (ra, rb) = (
        s.tree.node(a).rates.msgs(later),
        s.tree.node(b).rates.msgs(later),
    );
    assert!((ra / rb - 4.0 / 3.0).abs() < 1e-4, "{ra} {rb}");
    let bytes = s.tree.node(a).rates.bytes(later) / s.tree.node(b).rates.bytes(later);
    assert!((bytes - 7.0 / 6.0).abs() < 1e-4, "{bytes}");
    assert!(
        s.tree.node(a).rates.msgs(later + 200_000) < 1e-6,
        "a quiet node falls to zero"
    );
}

#[test]
fn counts_roll_up_the_tree() {
    let mut s = Store::new(Limits::default());
    let now = Instant::now();
    s.ingest(msg("a/b/c", "1"), false, now);
    s.ingest(msg("a/b/c", "2"), false, now);
    s.ingest(msg("a/b/d", "3"), false, now);
    s.ingest(msg("a", "4"), false, now);
    s.ingest(msg("/x", "5"), false, now);
    let a = s.tree.find("a").unwrap();
    assert_eq!(s.tree.node(a).msg_count, 4);
    assert_eq!(s.tree.node(a).topic_count, 3);
    let b = s.tree.find("a/b").unwrap();
    assert_eq!(
        (s.tree.node(b).msg_count, s.tree.node(b).topic_count),
        (3, 2)
    );
    assert_eq!(s.tree.path(s.tree.find("/x").unwrap()), "/x");
    assert_eq!(s.tree.roots().len(), 2, "'a' and the empty level");
    assert_eq!(s.received, 5);
    assert_eq!(s.log.len(), 5);
}

#[test]
fn budget_drops_oldest_first_but_keeps_each_topics_last() {
    // What one message costs, and what the five topics cost besides their messages.
    let (one, base) = {
        let mut s = Store::new(Limits::default());
        for t in ["t0", "t1", "t2", "t3", "h0"] {
            s.ingest(msg(t, "0123456789"), false, Instant::now());
        }
        (s.message_bytes() / 5, s.memory_bytes() - s.message_bytes())
    };
    // Room for ten messages, and the tables the kept last messages need.
    let budget = base + one * 10 + 2048;
    let mut s = Store::new(Limits {
        memory_budget: budget,
        ..Limits::default()
    });
    let now = Instant::now();
    for i in 0..200 {
        s.ingest(msg(&format!("t{}", i % 4), "0123456789"), false, now);
    }
    assert!(
        s.memory_bytes() <= budget,
        "{} <= {budget}",
        s.memory_bytes()
    );
    assert!(s.trimmed >= 100, "the oldest went: {}", s.trimmed);
    for t in 0..4 {
        let id = s.tree.find(&format!("t{t}")).unwrap();
        assert!(s.last(id).is_some(), "t{t} keeps its last message");
    }
    // A flood on one topic cannot evict the others' last messages.
    for _ in 0..100 {
        s.ingest(msg("h0", "0123456789"), false, now);
    }
    for t in 0..4 {
        let id = s.tree.find(&format!("t{t}")).unwrap();
        assert_eq!(s.history(id).count(), 1);
    }
}

#[test]
fn a_topics_last_outlives_the_log_until_a_newer_one_arrives() {
    let mut s = Store::new(Limits {
        log_entries: 2,
        ..Limits::default()
    });
    let now = Instant::now();
    // As from the network: the payload is a slice of a larger read buffer.
    let buffer = Bytes::from(b"q and the bytes of other messages".to_vec());
    let mut first = msg("quiet", "");
    first.payload = buffer.slice(0..1);
    s.ingest(first, false, now);
    s.ingest(msg("busy", "1"), false, now);
    s.ingest(msg("busy", "2"), false, now);
    s.ingest(msg("busy", "3"), false, now);
    let quiet = s.tree.find("quiet").unwrap();
    let busy = s.tree.find("busy").unwrap();
    assert!(s.log.get(0).is_none(), "the log let go of it");
    assert_eq!(s.last(quiet).map(|e| s.payload(e)), Some(&b"q"[..]));
    assert_ne!(
        s.last(quiet).map(|e| s.payload(e).as_ptr()),
        Some(buffer.as_ptr()),
        "kept with a copy of its own, so the read buffer can go"
    );
    assert_eq!(s.history(quiet).count(), 1);
    let hist: Vec<_> = s.history(busy).map(|e| s.payload(e)).collect();
    assert_eq!(hist, [b"2", b"3"]);
    assert_eq!(s.trimmed, 1, "busy's first message");
    let before = s.message_bytes();
    s.ingest(msg("quiet", "r"), false, now);
    assert_eq!(s.last(quiet).map(|e| s.payload(e)), Some(&b"r"[..]));
    assert_eq!(s.history(quiet).count(), 1, "the old last is gone");
    assert_eq!(s.trimmed, 3, "the old last and busy's second");
    let busy_cost = s.cost(s.log.get(3).unwrap());
    assert_eq!(
        s.message_bytes(),
        before - busy_cost,
        "r replaced q; b2 went"
    );
}

#[test]
fn the_budget_holds_with_many_large_last_messages() {
    // 2,000 topics of 64 KiB each: 128 MiB of last messages against a 16 MiB budget.
    let budget = 16 << 20;
    let mut s = Store::new(Limits {
        memory_budget: budget,
        ..Limits::default()
    });
    let now = Instant::now();
    let big = Bytes::from(vec![b'x'; 64 << 10]);
    for i in 0..2000 {
        let mut m = msg(&format!("cam/{i}/frame"), "");
        m.payload = big.clone();
        s.ingest(m, false, now);
        assert!(
            s.memory_bytes() <= budget,
            "after {i}: {}",
            s.memory_bytes()
        );
    }
    assert_eq!(s.tree.topic_count(), 2000, "every topic is kept");
    let first = s.last(s.tree.find("cam/0/frame").unwrap()).unwrap();
    assert!(first.cut(), "an old last message is cut to its head");
    assert_eq!(first.payload_len(), KEPT_HEAD);
    assert_eq!(s.payload(first), &big[..KEPT_HEAD]);
    assert_eq!(s.full_len(first), Some(64 << 10));
    let newest = s.last(s.tree.find("cam/1999/frame").unwrap()).unwrap();
    assert!(!newest.cut(), "the newest is whole");
    assert_eq!(s.refused, 0);
}

#[test]
fn when_the_topics_fill_the_budget_new_ones_are_counted_not_kept() {
    let budget = 1 << 20;
    let mut s = Store::new(Limits {
        memory_budget: budget,
        ..Limits::default()
    });
    let now = Instant::now();
    let mut i = 0;
    while s.refused == 0 {
        s.ingest(msg(&format!("t/{i}"), "1"), false, now);
        // Within the budget all along: a new topic is refused before its nodes, its last
        // message or a table's doubling would cross it.
        assert!(s.memory_bytes() <= budget, "{} at {i}", s.memory_bytes());
        i += 1;
        assert!(i < 1_000_000, "refuses at some point");
    }
    let topics = s.tree.topic_count();
    assert!(topics > 1000, "{topics}");
    // Known topics still take their messages; new ones are counted.
    s.ingest(msg("t/0", "2"), false, now);
    assert_eq!(
        s.last(s.tree.find("t/0").unwrap()).map(|e| s.payload(e)),
        Some(&b"2"[..])
    );
    s.ingest(msg("t/new", "3"), false, now);
    assert_eq!(s.tree.topic_count(), topics);
    assert_eq!(s.refused, 2);
    // Our own publishes are always filed.
    assert!(s.ingest(msg("t/ours", "4"), true, now).is_some());
}

#[test]
fn history_is_bounded_and_keeps_the_last() {
    let mut s = Store::new(Limits {
        per_topic: 3,
        log_entries: 4,
        ..Limits::default()
    });
    let now = Instant::now();
    for i in 0..10 {
        s.ingest(msg("t", &i.to_string()), false, now);
    }
    let t = s.tree.find("t").unwrap();
    let h: Vec<_> = s.history(t).map(|e| s.payload(e)).collect();
    assert_eq!(h, [b"7", b"8", b"9"]);
    assert_eq!(s.log.len(), 4);
    assert_eq!(s.log.first_seq(), 6);
    // Entries 6..=9 are held (log 6..9, history 7..9): four entries, each counted once.
    let one = s.cost(s.log.get(9).unwrap());
    assert_eq!(s.message_bytes(), 4 * one);
    assert_eq!(s.trimmed, 6, "what the log let go of is counted");
}

#[test]
fn each_topics_history_follows_its_own_links_through_an_interleaved_log() {
    let mut s = Store::new(Limits {
        per_topic: 4,
        log_entries: 9,
        ..Limits::default()
    });
    let now = Instant::now();
    // a0 b0 c0 a1 b1 c1 ... a5 b5 c5: the log keeps the last nine (a3..c5).
    for i in 0..6 {
        for t in ["a", "b", "c"] {
            s.ingest(msg(t, &format!("{t}{i}")), false, now);
        }
    }
    let shown = |t: &str| -> Vec<String> {
        let id = s.tree.find(t).unwrap();
        s.history(id)
            .map(|e| String::from_utf8_lossy(s.payload(e)).into_owned())
            .collect()
    };
    assert_eq!(
        shown("a"),
        ["a3", "a4", "a5"],
        "the chain ends where the log let go"
    );
    assert_eq!(shown("c"), ["c3", "c4", "c5"]);
    let b = s.tree.find("b").unwrap();
    let newest_first: Vec<_> = s.history_back(b).map(|e| s.payload(e).to_vec()).collect();
    assert_eq!(
        newest_first,
        [b"b5".to_vec(), b"b4".to_vec(), b"b3".to_vec()]
    );
    // Within the per-topic bound: the newest four, oldest first.
    let mut s = Store::new(Limits {
        per_topic: 4,
        ..Limits::default()
    });
    for i in 0..6 {
        for t in ["a", "b"] {
            s.ingest(msg(t, &format!("{t}{i}")), false, now);
        }
    }
    let a = s.tree.find("a").unwrap();
    let kept: Vec<_> = s.history(a).map(|e| s.payload(e).to_vec()).collect();
    assert_eq!(
        kept,
        [
            b"a2".to_vec(),
            b"a3".to_vec(),
            b"a4".to_vec(),
            b"a5".to_vec()
        ]
    );
    assert_eq!(
        s.history(a).next_back().map(|e| e.seq()),
        s.tree.node(a).last_seq()
    );
}
