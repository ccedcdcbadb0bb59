//! One stored message, kept small: the store holds millions.

use std::time::SystemTime;

use super::NodeId;
use crate::mqtt::QoS;

/// One message as stored: received from the broker, or published by us. Kept small, since the
/// store holds millions, by value in the log's blocks (no allocation of its own): the topic is the
/// node's (interned once in the tree), the payload is in the block's pages (`Store::payload`),
/// the flags ride in the top byte of the sequence number, the time is in microseconds, and the
/// rare MQTT 5 properties live in a side table, and a topic's history is a chain through its
/// entries (`prev`). 32 bytes.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    /// Sequence number (low 56 bits) and flags (top 8 bits, see `FLAG_*`).
    pub(super) seq_flags: u64,
    /// Microseconds since the Unix epoch.
    pub(super) received_us: u64,
    pub node: NodeId,
    /// Where the log keeps the payload (see `log::Block`).
    pub(super) at: u32,
    /// The payload's length as kept (its head only, when cut).
    pub(super) len: u32,
    /// How many seqs back the same topic's previous message is; 0: none, or farther than 2^32.
    /// A topic's history is read by following these from its newest (`Store::history`): no
    /// per-topic ring to push into for every message (a ring on the heap was two cache misses
    /// a message in a flood over 10k topics, and 8 bytes a kept message).
    pub(super) prev: u32,
}

pub(super) const SEQ_MASK: u64 = (1 << 56) - 1;
pub(super) const FLAG_RETAIN: u64 = 1 << 58;
pub(super) const FLAG_DUP: u64 = 1 << 59;
pub(super) const FLAG_OUTGOING: u64 = 1 << 60;
pub(super) const FLAG_PROPERTIES: u64 = 1 << 61;
pub(super) const FLAG_CUT: u64 = 1 << 62;
/// A topic's last message that the log let go of, in the store's `kept` slots.
pub(super) const FLAG_KEPT: u64 = 1 << 63;
pub(super) const QOS_SHIFT: u32 = 56;

/// Per-entry bookkeeping beyond the payload: the entry in the log's blocks (its link to the
/// topic's previous message included).
pub(super) const ENTRY_OVERHEAD: usize = std::mem::size_of::<Entry>();

impl Entry {
    /// Position in the global stream; increases by one per entry.
    pub fn seq(&self) -> u64 {
        self.seq_flags & SEQ_MASK
    }

    pub fn qos(&self) -> QoS {
        QoS::from_u8(((self.seq_flags >> QOS_SHIFT) & 3) as u8).unwrap_or_default()
    }

    pub fn retain(&self) -> bool {
        self.seq_flags & FLAG_RETAIN != 0
    }

    pub fn dup(&self) -> bool {
        self.seq_flags & FLAG_DUP != 0
    }

    /// One of our own publishes.
    pub fn outgoing(&self) -> bool {
        self.seq_flags & FLAG_OUTGOING != 0
    }

    /// A topic's last message whose payload was cut to its head to stay within the budget.
    pub fn cut(&self) -> bool {
        self.seq_flags & FLAG_CUT != 0
    }

    /// The payload's length as kept (`Store::full_len` has a cut one's whole length).
    pub fn payload_len(&self) -> usize {
        self.len as usize
    }

    pub fn has_properties(&self) -> bool {
        self.seq_flags & FLAG_PROPERTIES != 0
    }

    /// The seq of the same topic's previous message, if it was recorded.
    pub(super) fn prev_seq(&self) -> Option<u64> {
        (self.prev > 0).then(|| self.seq().saturating_sub(u64::from(self.prev)))
    }

    pub fn received(&self) -> SystemTime {
        SystemTime::UNIX_EPOCH + std::time::Duration::from_micros(self.received_us)
    }
}
