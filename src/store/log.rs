//! The global message log: a ring of the newest entries, addressed by sequence number. It owns
//! its entries (no per-entry allocation): sequence numbers are contiguous, so an entry's place
//! in the ring is its seq minus the oldest one's.

use std::collections::VecDeque;

use super::Entry;

#[derive(Debug)]
pub struct MessageLog {
    entries: VecDeque<Entry>,
    capacity: usize,
}

impl MessageLog {
    pub fn new(capacity: usize) -> MessageLog {
        MessageLog {
            entries: VecDeque::new(),
            capacity: capacity.max(1),
        }
    }

    /// Adds an entry (its seq must follow the newest's); returns the one that had to make
    /// room, if any.
    pub fn push(&mut self, entry: Entry) -> Option<Entry> {
        debug_assert!(self.last_seq().is_none_or(|l| l + 1 == entry.seq()));
        let evicted = if self.entries.len() >= self.capacity {
            self.entries.pop_front()
        } else {
            None
        };
        self.entries.push_back(entry);
        evicted
    }

    pub fn pop_front(&mut self) -> Option<Entry> {
        self.entries.pop_front()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Sequence number of the oldest entry kept (u64::MAX when empty).
    pub fn first_seq(&self) -> u64 {
        self.entries.front().map_or(u64::MAX, |e| e.seq())
    }

    pub fn last_seq(&self) -> Option<u64> {
        self.entries.back().map(|e| e.seq())
    }

    pub fn get(&self, seq: u64) -> Option<&Entry> {
        let first = self.entries.front()?.seq();
        let idx = usize::try_from(seq.checked_sub(first)?).ok()?;
        self.entries.get(idx)
    }

    /// Entries with seq <= `upto`, newest first.
    pub fn iter_back_from(&self, upto: u64) -> impl Iterator<Item = &Entry> {
        let end = match self.entries.front() {
            Some(f) if upto >= f.seq() => ((upto - f.seq()) as usize + 1).min(self.entries.len()),
            _ => 0,
        };
        self.entries.range(..end).rev()
    }

    /// Entries with seq >= `from`, oldest first.
    pub fn iter_from(&self, from: u64) -> impl Iterator<Item = &Entry> {
        let start = match self.entries.front() {
            Some(f) if from > f.seq() => ((from - f.seq()) as usize).min(self.entries.len()),
            _ => 0,
        };
        self.entries.range(start..)
    }
}
