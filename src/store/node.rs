//! What the tree keeps per node, in three tables so that a million topics fit the default
//! budget: every node has a 28-byte `Slot` (name, parent, children, and where its other parts
//! are); a node that sums something of its own has an `Agg` (counts, bytes, rates, 56 bytes);
//! a topic has a `TopicData` (its newest message, its rhythm, 32 bytes; older messages are
//! reached through the entries' links).
//!
//! A node that is not a topic and has a single child sums exactly what that child sums, so it
//! keeps no `Agg` and reads its child's: `bench/site0/dev7` above `…/dev7/temp` costs 28 bytes,
//! not 84. It gets one of its own (a copy) when a second child or a message of its own comes.
//! Measured on the burst of 1M topics `bench/site{s}/dev{i}/temp`: the tree went from 136 bytes
//! a node (2M nodes, 272 MB) to 28 + 56 + 40 bytes a topic's two nodes (124 MB); 32 since
//! the history ring left `TopicData` for links in the log's entries.

use std::time::SystemTime;

use super::decay::Rates;
use super::rhythm::Rhythm;

pub type NodeId = u32;

/// Id of the invisible root; its children are the first levels.
pub const ROOT: NodeId = 0;

/// No index (no agg, topic data or children).
pub(super) const NONE: u32 = u32::MAX;
/// `Slot::kids` with this bit names a list in `TopicTree::lists`; without it, the only child.
pub(super) const LIST: u32 = 1 << 31;

/// A topic's retained state on the broker, as seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Retained {
    /// Nothing seen either way.
    #[default]
    Unknown,
    Held,
    /// A retained message was cleared (an empty retained payload).
    Cleared,
}

#[derive(Debug)]
pub(super) struct Slot {
    /// The name's place in the tree's name arena: one allocation for all names.
    pub name_at: u32,
    pub parent: NodeId,
    /// NONE, the only child, or `LIST | i`: `lists[i]`, sorted by name (numbers by value).
    pub kids: u32,
    /// Index in `aggs`, or NONE when the node reads its only child's.
    pub agg: u32,
    /// Index in `topics`, or NONE for a node that never received a message.
    pub topic: u32,
    pub name_len: u16,
    pub depth: u16,
    /// Length of the full topic in bytes (MQTT caps a topic at 65,535).
    pub topic_len: u16,
    pub retained: Retained,
}

/// What a subtree sums: its topics' counts, bytes, last arrival and rates.
#[derive(Debug, Clone, Default)]
pub(super) struct Agg {
    /// First (its time and 10 s rates at its start): what a sort by a rate reads.
    pub rates: Rates,
    pub topic_count: u32,
    pub msg_count: u64,
    pub bytes: u64,
    /// Microseconds since the Unix epoch; 0 never.
    pub last_us: u64,
}

impl Agg {
    pub const ZERO: Agg = Agg {
        msg_count: 0,
        bytes: 0,
        last_us: 0,
        rates: Rates::ZERO,
        topic_count: 0,
    };
}

/// What only a topic has.
#[derive(Debug, Default)]
pub(super) struct TopicData {
    /// The newest message's seq plus one (0: none yet); older ones are reached through the
    /// entries' `prev` links.
    pub newest: u64,
    pub rhythm: Rhythm,
    /// The store's slot for the topic's last message once its log let go of it; NONE.
    pub kept: u32,
    /// Its newest payload's length, up to `KEPT_HEAD`.
    pub last_head: u32,
}

/// A node as the views read it: a copy of its numbers and borrowed lists, built by
/// `TopicTree::node`.
#[derive(Debug, Clone, Copy)]
pub struct Node<'a> {
    pub(super) name: &'a str,
    pub parent: NodeId,
    pub depth: u16,
    /// Length of the full topic in bytes.
    pub topic_len: u32,
    /// Topics (nodes that received a message) in this subtree, itself included.
    pub topic_count: u32,
    /// Messages in this subtree, itself included.
    pub msg_count: u64,
    /// Payload bytes in this subtree, itself included.
    pub bytes: u64,
    /// Decayed msg/s and bytes/s of the subtree (the sum of its topics').
    pub rates: Rates,
    /// The topic's own rhythm (a subtree's arrivals are no rhythm).
    pub rhythm: Rhythm,
    /// What the broker holds retained for this exact topic, as far as we saw: a message that
    /// arrived flagged retained, or our own retained publish, sets it; an empty retained
    /// payload (a clear) unsets it. A live message does not change what the broker retains.
    pub retained: Retained,
    /// Sorted by name, numbers by value (`dev2` before `dev10`).
    pub children: &'a [NodeId],
    /// The newest message's seq plus one; 0 for pure path nodes (`Store::history` reads the
    /// kept messages).
    pub(super) newest: u64,
    pub(super) last_us: u64,
}

impl Node<'_> {
    /// When the subtree last received a message.
    pub fn last_received(&self) -> Option<SystemTime> {
        (self.last_us > 0)
            .then(|| SystemTime::UNIX_EPOCH + std::time::Duration::from_micros(self.last_us))
    }

    pub fn is_topic(&self) -> bool {
        self.newest != 0
    }

    /// Sequence number of this topic's newest message.
    pub fn last_seq(&self) -> Option<u64> {
        self.newest.checked_sub(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parts_stay_small() {
        assert_eq!(std::mem::size_of::<Slot>(), 28);
        assert_eq!(std::mem::size_of::<Agg>(), 56);
        assert_eq!(std::mem::size_of::<TopicData>(), 32);
    }
}
