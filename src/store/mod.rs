//! The pure store: what has been seen, with no I/O. A topic tree with per-node counts, a bounded
//! history per topic and a bounded global log, sharing entries (and payload bytes) between them.

pub mod log;
pub mod rate;
pub mod tree;

use std::sync::Arc;
use std::time::Instant;

use crate::mqtt::Message;

pub use log::MessageLog;
pub use rate::RateMeter;
pub use tree::{NodeId, TopicTree};

/// One message as stored: received from the broker, or published by us.
#[derive(Debug)]
pub struct Entry {
    /// Position in the global stream; increases by one per entry.
    pub seq: u64,
    pub node: NodeId,
    pub msg: Message,
    pub outgoing: bool,
}

impl Entry {
    /// What keeping this entry costs, for the memory figure: payload, topic and bookkeeping.
    pub fn cost(&self) -> usize {
        self.msg.payload.len() + self.msg.topic.len() + 160
    }
}

#[derive(Debug, Clone)]
pub struct Limits {
    /// Messages kept per topic (the last one is always kept).
    pub per_topic: usize,
    /// Entries kept in the global log.
    pub log_entries: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            per_topic: 100,
            log_entries: 100_000,
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
        let entry = Arc::new(Entry {
            seq: self.next_seq,
            node,
            msg,
            outgoing,
        });
        self.next_seq += 1;
        self.memory += entry.cost();
        let from_history = self.tree.record(node, entry.clone());
        let from_log = self.log.push(entry.clone());
        for old in [from_history, from_log].into_iter().flatten() {
            self.release(old);
        }
        entry
    }

    /// Uncounts an entry once nothing in the store holds it any more.
    fn release(&mut self, old: Arc<Entry>) {
        if Arc::strong_count(&old) == 1 {
            self.memory -= old.cost();
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
    fn history_is_bounded_and_keeps_the_last() {
        let mut s = Store::new(Limits {
            per_topic: 3,
            log_entries: 4,
        });
        let now = Instant::now();
        for i in 0..10 {
            s.ingest(msg("t", &i.to_string()), false, now);
        }
        let t = s.tree.find("t").unwrap();
        let h: Vec<_> = s.tree.history(t).map(|e| e.msg.payload.clone()).collect();
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
