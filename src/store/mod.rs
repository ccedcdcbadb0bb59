//! The pure store: what has been seen, with no I/O. A topic tree with per-node counts, a bounded
//! history per topic and a bounded global log, sharing entries (and payload bytes) between them.

mod arena;
pub mod decay;
pub mod entry;
mod kept;
pub mod log;
mod natural;
pub mod node;
pub mod rate;
pub mod rhythm;
pub mod tree;

use std::collections::{HashMap, VecDeque};
use std::time::{Instant, SystemTime};

use bytes::Bytes;

use crate::mqtt::{Message, Properties};
use node::NONE;

pub use entry::Entry;
use entry::*;
pub use log::MessageLog;
pub use rate::RateMeter;
pub use tree::{NodeId, TopicTree};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Messages kept per topic (the last one is always kept).
    pub per_topic: usize,
    /// Entries kept in the global log; the memory budget usually binds first.
    pub log_entries: usize,
    /// Bytes the store holds: messages, and the topic tree itself. Past it, the oldest messages
    /// are dropped first; then the topics' last messages are cut to their first `KEPT_HEAD`
    /// bytes; and when the topics alone fill it, messages on new topics are counted, not kept.
    pub memory_budget: usize,
}

pub const DEFAULT_PER_TOPIC: usize = 100;
/// What is left of a topic's last message once the budget is spent.
pub const KEPT_HEAD: usize = 64;
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
    /// MQTT 5 properties of the entries that have any, by sequence number.
    properties: HashMap<u64, Box<Properties>>,
    /// Topics' last messages that the log has let go of (the last of a topic is always kept).
    kept: kept::Kept,
    /// Kept entries in the order they were let go: the first to be cut when the budget is spent.
    /// Entries replaced since are skipped.
    kept_order: VecDeque<(NodeId, u64)>,
    /// The full length of each cut payload, by sequence number.
    cut: HashMap<u64, usize>,
    /// Messages on new topics not kept because the topics already known fill the budget.
    pub refused: u64,
    /// Bytes of messages let go since the start (by the store's accounting).
    pub released_bytes: u64,
    /// Messages dropped to stay within the memory budget.
    pub trimmed: u64,
    /// Messages received (not our own) since the start.
    pub received: u64,
    pub bytes_received: u64,
}

impl Store {
    pub fn new(limits: Limits) -> Store {
        Store {
            tree: TopicTree::new(),
            log: MessageLog::new(limits.log_entries),
            rate: RateMeter::default(),
            limits,
            next_seq: 0,
            memory: 0,
            properties: HashMap::new(),
            kept: kept::Kept::default(),
            kept_order: VecDeque::new(),
            cut: HashMap::new(),
            refused: 0,
            released_bytes: 0,
            trimmed: 0,
            received: 0,
            bytes_received: 0,
        }
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// A new memory budget (the session's budget split again as connections open and close):
    /// past it, the oldest messages go at once, as when a message comes.
    pub fn set_budget(&mut self, bytes: usize) {
        self.limits.memory_budget = bytes;
        self.enforce_budget();
    }

    /// Files one message. `outgoing` marks our own publishes. Returns its topic's node, or None
    /// when the message was on a new topic and the topics known already fill the budget.
    pub fn ingest(&mut self, msg: Message, outgoing: bool, now: Instant) -> Option<NodeId> {
        if !outgoing && self.no_room_for_topics(&msg.topic) && self.tree.find(&msg.topic).is_none()
        {
            self.received += 1;
            self.bytes_received += msg.payload.len() as u64;
            self.rate.add(now, 1);
            self.refused += 1;
            return None;
        }
        let Some(node) = self.tree.node_for(&msg.topic) else {
            // Longer than MQTT allows: no broker sends it.
            self.refused += 1;
            return None;
        };
        // Ours or the broker's: a retained message tells what the broker holds now.
        self.tree
            .note_retained(node, msg.retain, msg.payload.is_empty());
        if !outgoing {
            self.received += 1;
            self.bytes_received += msg.payload.len() as u64;
            self.rate.add(now, 1);
        }
        let now_ms = self.rate.millis_of(now);
        let len = msg.payload.len() as u64;
        let received_us = msg
            .received
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX));
        let seq = self.next_seq & SEQ_MASK;
        let mut flags = u64::from(msg.qos.as_u8()) << QOS_SHIFT;
        if msg.retain {
            flags |= FLAG_RETAIN;
        }
        if msg.dup {
            flags |= FLAG_DUP;
        }
        if outgoing {
            flags |= FLAG_OUTGOING;
        }
        if let Some(p) = msg.properties {
            flags |= FLAG_PROPERTIES;
            self.properties.insert(seq, p);
        }
        let previous = self.tree.record(node, seq, len, received_us, now_ms);
        let entry = Entry {
            seq_flags: seq | flags,
            received_us,
            node,
            at: 0,
            len: u32::try_from(msg.payload.len()).unwrap_or(u32::MAX),
            prev: previous.map_or(0, |p| u32::try_from(seq - p).unwrap_or(0)),
        };
        self.next_seq += 1;
        self.memory += self.cost(&entry);
        // The topic's previous last message, if the log had let go of it, is now just old.
        let slot = self.tree.kept_slot(node);
        if slot != NONE
            && let Some(old) = self.kept.take(slot)
        {
            self.tree.set_kept_slot(node, NONE);
            self.release(&old);
            self.trimmed += 1;
        }
        let tree = &self.tree;
        if let Some(old) = self.log.push(entry, &msg.payload, |e| tree.is_last(e)) {
            self.let_go(old);
        }
        self.enforce_budget();
        Some(node)
    }

    /// Whether a new topic would take the store past its budget for good: what it cannot give
    /// back (the tree, and every topic's last message cut to its head) plus the new topic's
    /// nodes (at most one per level), a table's doubling and its own last message would not
    /// fit. Older messages do not count: they make room.
    fn no_room_for_topics(&self, topic: &str) -> bool {
        let floor = self.memory_bytes() - self.memory - self.kept.garbage()
            + self.tree.topic_count() as usize * ENTRY_OVERHEAD
            + self.tree.last_heads();
        let budget = self.limits.memory_budget;
        let last = ENTRY_OVERHEAD + KEPT_HEAD;
        let need = |levels| floor + self.tree.growth_for(levels, topic.len()) + last;
        // Far from it (the common case): a topic has at most one level more than it has bytes,
        // so there is no need to count them.
        if need(topic.len() + 1) <= budget {
            return false;
        }
        need(topic.split('/').count()) > budget
    }

    fn over_budget(&self) -> bool {
        self.memory_bytes() > self.limits.memory_budget
    }

    /// Drops the oldest messages until the store is within its budget. A topic's last message
    /// stays (in `kept`) even when the log lets go of it.
    fn enforce_budget(&mut self) {
        while self.over_budget() {
            let tree = &self.tree;
            if let Some(old) = self.log.pop_front(|e| tree.is_last(e)) {
                self.let_go(old);
                continue;
            }
            if self.kept.garbage() > 0 {
                self.kept.compact();
                continue;
            }
            // Only topics' last messages are left: cut their payloads, the longest kept first.
            let Some((node, seq)) = self.kept_order.pop_front() else {
                break;
            };
            let slot = self.tree.kept_slot(node);
            if let Some(e) = self.kept.get(slot).copied()
                && e.seq() == seq
                && e.payload_len() > KEPT_HEAD
            {
                let before = self.cost(&e);
                if self.kept.cut(slot, KEPT_HEAD) > 0
                    && let Some(after) = self.kept.get(slot).map(|c| self.cost(c))
                {
                    self.memory -= before - after;
                    self.cut.insert(seq, e.payload_len());
                }
            }
        }
    }

    /// The full length of a payload cut to its head, if it was cut.
    pub fn full_len(&self, e: &Entry) -> Option<usize> {
        if e.cut() {
            self.cut.get(&e.seq()).copied()
        } else {
            None
        }
    }

    /// An entry the log no longer holds: kept when it is its topic's last, freed otherwise.
    fn let_go(&mut self, old: log::Popped) {
        let log::Popped { mut entry, payload } = old;
        match payload {
            Some(payload) => {
                entry.seq_flags |= FLAG_KEPT;
                self.kept_order.push_back((entry.node, entry.seq()));
                let node = entry.node;
                let slot = self.kept.insert(entry, payload);
                self.tree.set_kept_slot(node, slot);
                if self.kept_order.len() > 2 * self.kept.len() + 1024 {
                    // Mostly entries replaced since: forget those.
                    let (kept, tree) = (&self.kept, &self.tree);
                    self.kept_order.retain(|(n, s)| {
                        kept.get(tree.kept_slot(*n)).is_some_and(|e| e.seq() == *s)
                    });
                }
            }
            None => {
                // The topic's chain ends here now: its link to this entry finds nothing.
                self.release(&entry);
                self.trimmed += 1;
            }
        }
    }

    /// What keeping an entry costs: payload, its properties, and bookkeeping.
    pub fn cost(&self, e: &Entry) -> usize {
        let props = if e.has_properties() {
            self.properties.get(&e.seq()).map_or(0, |p| {
                std::mem::size_of::<Properties>()
                    + p.user_properties
                        .iter()
                        .map(|(k, v)| k.len() + v.len() + 48)
                        .sum::<usize>()
            })
        } else {
            0
        };
        let large = if e.payload_len() >= log::LARGE {
            std::mem::size_of::<Bytes>() + 16
        } else {
            0
        };
        e.payload_len() + large + ENTRY_OVERHEAD + props
    }

    /// An entry's payload (its head only, when it was cut).
    pub fn payload(&self, e: &Entry) -> &[u8] {
        if e.seq_flags & FLAG_KEPT != 0 {
            return self.kept.payload(self.tree.kept_slot(e.node));
        }
        self.log.payload(e).unwrap_or_default()
    }

    /// An entry's payload as a buffer of its own, for work off the loop.
    pub fn payload_bytes(&self, e: &Entry) -> Bytes {
        Bytes::copy_from_slice(self.payload(e))
    }

    /// The MQTT 5 properties of an entry, if it has any.
    pub fn properties(&self, e: &Entry) -> Option<&Properties> {
        if e.has_properties() {
            self.properties.get(&e.seq()).map(|p| p.as_ref())
        } else {
            None
        }
    }

    /// Uncounts an entry the store no longer holds.
    fn release(&mut self, old: &Entry) {
        let cost = self.cost(old);
        self.memory -= cost;
        self.released_bytes += cost as u64;
        if old.has_properties() {
            self.properties.remove(&old.seq());
        }
        if old.cut() {
            self.cut.remove(&old.seq());
        }
    }

    /// A kept entry by sequence number: from the log, or a topic's last one the log let go of.
    pub fn entry(&self, node: NodeId, seq: u64) -> Option<&Entry> {
        self.log.get(seq).or_else(|| {
            self.kept
                .get(self.tree.kept_slot(node))
                .filter(|e| e.seq() == seq)
        })
    }

    /// The newest message of a topic.
    pub fn last(&self, node: NodeId) -> Option<&Entry> {
        let seq = self.tree.node(node).last_seq()?;
        self.entry(node, seq)
    }

    /// The kept messages of a topic, newest first: its newest and up to `per_topic - 1` older
    /// ones the log still holds, followed through the entries' links.
    pub fn history_back(&self, node: NodeId) -> impl Iterator<Item = &Entry> {
        let mut next = self.tree.node(node).last_seq();
        std::iter::from_fn(move || {
            let e = self.entry(node, next?)?;
            next = e.prev_seq();
            Some(e)
        })
        .take(self.limits.per_topic.max(1))
    }

    /// The kept messages of a topic, oldest first (`history_back` reads newest first without
    /// collecting them).
    pub fn history(&self, node: NodeId) -> impl DoubleEndedIterator<Item = &Entry> {
        let mut kept: Vec<&Entry> = self.history_back(node).collect();
        kept.reverse();
        kept.into_iter()
    }

    /// Memory the store holds, by its own accounting: messages, the topic tree, and the tables
    /// beside them.
    pub fn memory_bytes(&self) -> usize {
        self.memory
            + self.tree.heap_bytes()
            + self.kept.overhead_bytes()
            + self.kept_order.capacity() * std::mem::size_of::<(NodeId, u64)>()
            + self.cut.capacity() * 17
            + self.log.overhead_bytes()
    }

    /// Memory held for messages alone.
    pub fn message_bytes(&self) -> usize {
        self.memory
    }
}

#[cfg(test)]
pub(crate) mod tests_support {
    pub use super::tests::msg;
}

#[cfg(test)]
mod tests;
