//! Topics' last messages that the log has let go of (the last of a topic is always kept), in
//! slots that a topic names (`TopicData::kept`), their payloads copied into one buffer.
//!
//! A `HashMap<NodeId, Entry>` did this before; it doubled as it grew, so a slot for every topic
//! had to be counted from the start (74 MB at a million topics, most of it never used), and
//! each payload had an allocation of its own (16 bytes of the allocator's, 32 of a `Bytes`).
//! Slots here come in chunks and are reused; a payload costs its bytes. The bytes of messages
//! replaced since are garbage until `compact` copies the live ones to a new buffer: the store
//! does that before it cuts anything, so garbage never costs a message.

use bytes::Bytes;
use std::collections::HashMap;

use super::Entry;
use super::arena::Arena;
use super::log::LARGE;

/// A free slot's mark.
const VACANT: u64 = u64::MAX;

#[derive(Debug, Default)]
pub struct Kept {
    slots: Arena<Entry>,
    free: Vec<u32>,
    len: usize,
    /// Payloads under `LARGE` bytes; an entry's `at` is its offset.
    small: Vec<u8>,
    /// Bytes in `small` no live entry uses.
    garbage: usize,
    /// Payloads of `LARGE` bytes or more, by slot.
    large: HashMap<u32, Bytes>,
}

impl Kept {
    pub fn insert(&mut self, mut e: Entry, payload: Bytes) -> u32 {
        let slot = match self.free.pop() {
            Some(i) => i,
            None => {
                self.slots.push(e);
                self.slots.len() as u32 - 1
            }
        };
        if payload.len() >= LARGE {
            self.large.insert(slot, payload);
        } else {
            e.at = u32::try_from(self.small.len()).unwrap_or(u32::MAX);
            self.small.extend_from_slice(&payload);
        }
        if let Some(s) = self.slots.get_mut(slot) {
            *s = e;
        }
        self.len += 1;
        slot
    }

    pub fn take(&mut self, i: u32) -> Option<Entry> {
        let s = self.slots.get_mut(i)?;
        if s.seq_flags == VACANT {
            return None;
        }
        let e = *s;
        s.seq_flags = VACANT;
        if self.large.remove(&i).is_none() {
            self.garbage += e.payload_len();
        }
        self.len -= 1;
        self.free.push(i);
        Some(e)
    }

    pub fn get(&self, i: u32) -> Option<&Entry> {
        self.slots.get(i).filter(|e| e.seq_flags != VACANT)
    }

    pub fn payload(&self, i: u32) -> &[u8] {
        let Some(e) = self.get(i) else {
            return &[];
        };
        if let Some(b) = self.large.get(&i) {
            return b;
        }
        let at = e.at as usize;
        self.small.get(at..at + e.payload_len()).unwrap_or_default()
    }

    /// Keeps only the first `head` bytes of a payload; returns the bytes given back.
    pub fn cut(&mut self, i: u32, head: usize) -> usize {
        let Some(e) = self.slots.get(i).copied().filter(|e| e.seq_flags != VACANT) else {
            return 0;
        };
        let full = e.payload_len();
        if full <= head {
            return 0;
        }
        let mut cut = e;
        cut.len = head as u32;
        cut.seq_flags |= super::entry::FLAG_CUT;
        if let Some(b) = self.large.remove(&i) {
            cut.at = u32::try_from(self.small.len()).unwrap_or(u32::MAX);
            self.small
                .extend_from_slice(b.get(..head).unwrap_or_default());
        } else {
            self.garbage += full - head;
        }
        if let Some(s) = self.slots.get_mut(i) {
            *s = cut;
        }
        full - head
    }

    /// Copies the live small payloads to a buffer of their own, so the garbage goes.
    pub fn compact(&mut self) {
        let mut small = Vec::with_capacity(self.small.len() - self.garbage);
        for i in 0..self.slots.len() as u32 {
            if self.large.contains_key(&i) {
                continue;
            }
            if let Some(e) = self.slots.get_mut(i)
                && e.seq_flags != VACANT
            {
                let at = e.at as usize;
                let bytes = self.small.get(at..at + e.len as usize).unwrap_or_default();
                e.at = small.len() as u32;
                small.extend_from_slice(bytes);
            }
        }
        self.small = small;
        self.garbage = 0;
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn garbage(&self) -> usize {
        self.garbage
    }

    /// What the entries' own accounting (payload and entry, as in the log) does not count:
    /// free slots, the free list, garbage, and large payloads' buffers.
    pub fn overhead_bytes(&self) -> usize {
        (self.slots.bytes() - self.len * std::mem::size_of::<Entry>())
            + self.free.capacity() * 4
            + self.garbage
            + self.large.capacity() * (std::mem::size_of::<(u32, Bytes)>() + 1 + 16)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::entry::FLAG_CUT;

    fn entry(seq: u64) -> Entry {
        Entry {
            seq_flags: seq,
            received_us: 0,
            node: 1,
            at: 0,
            len: 0,
            prev: 0,
        }
    }

    fn put(k: &mut Kept, seq: u64, payload: &[u8]) -> u32 {
        let mut e = entry(seq);
        e.len = payload.len() as u32;
        k.insert(e, Bytes::copy_from_slice(payload))
    }

    #[test]
    fn slots_are_reused_and_garbage_goes_when_compacted() {
        let mut k = Kept::default();
        let a = put(&mut k, 1, b"first");
        let b = put(&mut k, 2, b"second");
        let big = vec![7u8; LARGE + 10];
        let c = put(&mut k, 3, &big);
        assert_eq!(
            (k.payload(a), k.payload(b)),
            (&b"first"[..], &b"second"[..])
        );
        assert_eq!(k.payload(c), &big[..]);
        assert_eq!(k.take(a).map(|e| e.seq()), Some(1));
        assert!(k.take(a).is_none(), "taken once");
        assert_eq!(k.garbage(), 5);
        let d = put(&mut k, 4, b"fourth");
        assert_eq!(d, a, "the free slot is reused");
        k.compact();
        assert_eq!(k.garbage(), 0);
        assert_eq!(k.payload(b), b"second");
        assert_eq!(k.payload(d), b"fourth");
        assert_eq!(k.payload(c), &big[..]);
        assert_eq!(k.len(), 3);
        // A cut keeps the head, in place for a small payload, moved for a large one.
        assert_eq!(k.cut(b, 3), 3);
        assert_eq!(k.payload(b), b"sec");
        assert_eq!(k.cut(c, 64), LARGE + 10 - 64);
        assert_eq!(k.payload(c), &big[..64]);
        assert!(k.get(c).is_some_and(|e| e.seq_flags & FLAG_CUT != 0));
        assert_eq!(k.cut(d, 64), 0, "shorter than the head: nothing to cut");
        k.compact();
        assert_eq!((k.payload(b), k.payload(c)), (&b"sec"[..], &big[..64]));
    }
}
