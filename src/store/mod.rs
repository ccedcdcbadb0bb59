//! The pure store: what has been seen, with no I/O. A topic tree with per-node counts, a bounded
//! history per topic and a bounded global log, sharing entries (and payload bytes) between them.

pub mod log;
pub mod rate;
pub mod tree;

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use bytes::Bytes;

use crate::mqtt::{Message, Properties, QoS};

pub use log::MessageLog;
pub use rate::RateMeter;
pub use tree::{NodeId, TopicTree};

/// One message as stored: received from the broker, or published by us. The topic is the
/// node's (interned once in the tree), not a copy per message.
#[derive(Debug)]
pub struct Entry {
    /// Position in the global stream; increases by one per entry.
    pub seq: u64,
    pub node: NodeId,
    /// Shared with the network buffer the message arrived in.
    pub payload: Bytes,
    pub received: SystemTime,
    pub properties: Option<Box<Properties>>,
    pub qos: QoS,
    pub retain: bool,
    pub dup: bool,
    pub outgoing: bool,
    /// Bytes this entry keeps alive, counted once at ingest (see `cost_of`).
    cost: u32,
}

/// Per-entry bookkeeping beyond the payload: the Arc'd entry with its allocator overhead and
/// its slots in the log and the topic's ring.
const ENTRY_OVERHEAD: usize = std::mem::size_of::<Entry>() + 16 + 16 + 16;

impl Entry {
    /// What keeping this entry costs: payload, the frame around it (the payload shares the
    /// network buffer, topic bytes included), and bookkeeping.
    pub fn cost(&self) -> usize {
        self.cost as usize
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Messages kept per topic (the last one is always kept).
    pub per_topic: usize,
    /// Entries kept in the global log; the memory budget usually binds first.
    pub log_entries: usize,
    /// Bytes of messages kept, by the store's own accounting. Past it, the oldest messages are
    /// dropped first; the last message of every topic is always kept.
    pub memory_budget: usize,
}

pub const DEFAULT_PER_TOPIC: usize = 100;
pub const DEFAULT_BUDGET_MIB: usize = 256;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            per_topic: DEFAULT_PER_TOPIC,
            log_entries: 50_000_000,
            memory_budget: DEFAULT_BUDGET_MIB * 1024 * 1024,
        }
    }
}

#[derive(Debug)]
pub struct Store {
    pub tree: TopicTree,
    pub log: MessageLog,
    pub rate: RateMeter,
    limits: Limits,
    next_seq: u64,
    /// Bytes held by stored entries, each counted once.
    memory: usize,
    /// Messages dropped to stay within the memory budget.
    pub trimmed: u64,
    /// Messages received (not our own) since the start.
    pub received: u64,
    pub bytes_received: u64,
}

impl Store {
    pub fn new(limits: Limits) -> Store {
        Store {
            tree: TopicTree::new(limits.per_topic),
            log: MessageLog::new(limits.log_entries),
            rate: RateMeter::default(),
            limits,
            next_seq: 0,
            memory: 0,
            trimmed: 0,
            received: 0,
            bytes_received: 0,
        }
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Files one message. `outgoing` marks our own publishes.
    pub fn ingest(&mut self, msg: Message, outgoing: bool, now: Instant) -> Arc<Entry> {
        let node = self.tree.node_for(&msg.topic);
        if !outgoing {
            self.received += 1;
            self.bytes_received += msg.payload.len() as u64;
            self.rate.add(now, 1);
        }
        let second = self.rate.second_of(now);
        self.tree
            .touch(node, msg.payload.len() as u64, msg.received, second);
        let props = msg.properties.as_ref().map_or(0, |p| {
            std::mem::size_of::<Properties>()
                + p.user_properties
                    .iter()
                    .map(|(k, v)| k.len() + v.len() + 48)
                    .sum::<usize>()
        });
        let cost = msg.payload.len() + msg.topic.len() + 8 + ENTRY_OVERHEAD + props;
        let entry = Arc::new(Entry {
            seq: self.next_seq,
            node,
            payload: msg.payload,
            received: msg.received,
            properties: msg.properties,
            qos: msg.qos,
            retain: msg.retain,
            dup: msg.dup,
            outgoing,
            cost: u32::try_from(cost).unwrap_or(u32::MAX),
        });
        self.next_seq += 1;
        self.memory += entry.cost();
        let from_history = self.tree.record(node, entry.clone());
        let from_log = self.log.push(entry.clone());
        for old in [from_history, from_log].into_iter().flatten() {
            self.release(old);
        }
        self.enforce_budget();
        entry
    }

    /// Drops the oldest messages until the store is within its budget. A topic's last message
    /// stays (in its history) even when the log lets go of it.
    fn enforce_budget(&mut self) {
        while self.memory > self.limits.memory_budget {
            let Some(old) = self.log.pop_front() else {
                break;
            };
            if let Some(h) = self.tree.trim_front(old.node, old.seq) {
                drop(h); // `old` still holds it; released below
            }
            if self.release(old) {
                self.trimmed += 1;
            }
        }
    }

    /// Uncounts an entry once nothing in the store holds it any more. True when it was freed.
    fn release(&mut self, old: Arc<Entry>) -> bool {
        if Arc::strong_count(&old) == 1 {
            self.memory -= old.cost();
            true
        } else {
            false
        }
    }

    /// Memory held for messages, by the store's own accounting.
    pub fn memory_bytes(&self) -> usize {
        self.memory
    }
}

#[cfg(test)]
mod tests {
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
        let one = {
            let mut s = Store::new(Limits::default());
            s.ingest(msg("t0", "0123456789"), false, Instant::now());
            s.memory_bytes()
        };
        let mut s = Store::new(Limits {
            memory_budget: one * 10,
            ..Limits::default()
        });
        let now = Instant::now();
        for i in 0..40 {
            s.ingest(msg(&format!("t{}", i % 4), "0123456789"), false, now);
        }
        assert!(
            s.memory_bytes() <= one * 10,
            "{} <= {}",
            s.memory_bytes(),
            one * 10
        );
        assert_eq!(s.trimmed, 30);
        for t in 0..4 {
            let id = s.tree.find(&format!("t{t}")).unwrap();
            assert!(
                s.tree.node(id).last().is_some(),
                "t{t} keeps its last message"
            );
        }
        // A flood on one topic cannot evict the others' last messages.
        for _ in 0..100 {
            s.ingest(msg("hot", "0123456789"), false, now);
        }
        for t in 0..4 {
            let id = s.tree.find(&format!("t{t}")).unwrap();
            assert_eq!(s.tree.node(id).history.len(), 1);
        }
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
        let h: Vec<_> = s.tree.history(t).map(|e| e.payload.clone()).collect();
        assert_eq!(
            h,
            vec![Bytes::from("7"), Bytes::from("8"), Bytes::from("9")]
        );
        assert_eq!(s.log.len(), 4);
        assert_eq!(s.log.first_seq(), 6);
        // Entries 6..=9 are held (log 6..9, history 7..9): four entries, each counted once.
        let one = s.log.get(9).unwrap().cost();
        assert_eq!(s.memory_bytes(), 4 * one);
    }
}
