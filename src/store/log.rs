//! The global message log: a ring of the newest entries, addressed by sequence number. It owns
//! its entries (no allocation per entry): sequence numbers are contiguous, so an entry's place
//! is its seq minus the oldest one's.
//!
//! Entries live in fixed-size blocks rather than one growable ring: a ring that slides through
//! a doubled buffer ends up touching all of it (up to twice the memory the entries need), and
//! regrowing copies everything. Blocks are freed as soon as their last entry is dropped, so
//! resident memory follows what is kept.

use std::collections::VecDeque;

use super::Entry;

/// Entries per block: 2,048 × 56 B, about 112 KiB.
const BLOCK: usize = 2048;

#[derive(Debug)]
pub struct MessageLog {
    /// Every block but the last is full. The first block's slots before `head` are taken.
    blocks: VecDeque<Vec<Option<Entry>>>,
    head: usize,
    len: usize,
    capacity: usize,
}

impl MessageLog {
    pub fn new(capacity: usize) -> MessageLog {
        MessageLog {
            blocks: VecDeque::new(),
            head: 0,
            len: 0,
            capacity: capacity.max(1),
        }
    }

    /// Adds an entry (its seq must follow the newest's); returns the one that had to make
    /// room, if any.
    pub fn push(&mut self, entry: Entry) -> Option<Entry> {
        debug_assert!(self.last_seq().is_none_or(|l| l + 1 == entry.seq()));
        let evicted = if self.len >= self.capacity {
            self.pop_front()
        } else {
            None
        };
        match self.blocks.back_mut() {
            Some(b) if b.len() < BLOCK => b.push(Some(entry)),
            _ => {
                let mut b = Vec::with_capacity(BLOCK);
                b.push(Some(entry));
                self.blocks.push_back(b);
            }
        }
        self.len += 1;
        evicted
    }

    /// The first block's slots already taken, and the block list: what the entries' own
    /// accounting does not count.
    pub fn overhead_bytes(&self) -> usize {
        // A block's free tail is reserved, not yet touched: not resident.
        self.head * std::mem::size_of::<Option<Entry>>()
            + self.blocks.capacity() * std::mem::size_of::<Vec<Option<Entry>>>()
    }

    pub fn pop_front(&mut self) -> Option<Entry> {
        let first = self.blocks.front_mut()?;
        let entry = first.get_mut(self.head)?.take();
        self.head += 1;
        self.len -= 1;
        if self.head == BLOCK || self.len == 0 {
            // Spent (or all taken): free it.
            self.blocks.pop_front();
            self.head = 0;
        }
        entry
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The entry `index` places after the oldest.
    fn at(&self, index: usize) -> Option<&Entry> {
        let pos = self.head + index;
        self.blocks.get(pos / BLOCK)?.get(pos % BLOCK)?.as_ref()
    }

    fn first(&self) -> Option<&Entry> {
        self.at(0)
    }

    /// Sequence number of the oldest entry kept (u64::MAX when empty).
    pub fn first_seq(&self) -> u64 {
        self.first().map_or(u64::MAX, |e| e.seq())
    }

    pub fn last_seq(&self) -> Option<u64> {
        self.len
            .checked_sub(1)
            .and_then(|i| self.at(i))
            .map(|e| e.seq())
    }

    pub fn get(&self, seq: u64) -> Option<&Entry> {
        let first = self.first()?.seq();
        let idx = usize::try_from(seq.checked_sub(first)?).ok()?;
        if idx >= self.len {
            return None;
        }
        self.at(idx)
    }

    /// Entries with seq <= `upto`, newest first.
    pub fn iter_back_from(&self, upto: u64) -> impl Iterator<Item = &Entry> {
        let end = match self.first() {
            Some(f) if upto >= f.seq() => ((upto - f.seq()) as usize + 1).min(self.len),
            _ => 0,
        };
        (0..end).rev().filter_map(move |i| self.at(i))
    }

    /// Entries with seq >= `from`, oldest first.
    pub fn iter_from(&self, from: u64) -> impl Iterator<Item = &Entry> {
        let start = match self.first() {
            Some(f) if from > f.seq() => ((from - f.seq()) as usize).min(self.len),
            _ => 0,
        };
        (start..self.len).filter_map(move |i| self.at(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Limits, Store};
    use std::time::Instant;

    fn seqs<'a>(it: impl Iterator<Item = &'a Entry>) -> Vec<u64> {
        it.map(|e| e.seq()).collect()
    }

    #[test]
    fn addressed_by_seq_across_blocks_as_the_front_moves() {
        let mut s = Store::new(Limits {
            log_entries: BLOCK + 10,
            ..Limits::default()
        });
        let now = Instant::now();
        let n = 3 * BLOCK as u64 + 5;
        for i in 0..n {
            s.ingest(crate::store::tests::msg("t", &i.to_string()), false, now);
        }
        let log = &s.log;
        assert_eq!(log.len(), BLOCK + 10);
        let first = n - (BLOCK as u64 + 10);
        assert_eq!(log.first_seq(), first);
        assert_eq!(log.last_seq(), Some(n - 1));
        for seq in [first, first + 1, n - 1, first + BLOCK as u64] {
            assert_eq!(log.get(seq).map(|e| e.seq()), Some(seq));
        }
        assert!(log.get(first - 1).is_none() && log.get(n).is_none());
        assert_eq!(
            seqs(log.iter_back_from(first + 2)),
            [first + 2, first + 1, first]
        );
        assert_eq!(seqs(log.iter_from(n - 2)), [n - 2, n - 1]);
        assert_eq!(log.iter_from(0).count(), BLOCK + 10);
        assert!(log.blocks.len() <= 3, "spent blocks are freed");
    }

    #[test]
    fn drains_to_empty_and_refills() {
        let mut s = Store::new(Limits::default());
        let now = Instant::now();
        for i in 0..5 {
            s.ingest(crate::store::tests::msg("t", &i.to_string()), false, now);
        }
        let mut log = std::mem::replace(&mut s.log, MessageLog::new(1));
        while log.pop_front().is_some() {}
        assert!(log.is_empty() && log.blocks.is_empty());
        assert_eq!(log.first_seq(), u64::MAX);
        assert_eq!(log.last_seq(), None);
        assert_eq!(log.iter_from(0).count(), 0);
    }
}
