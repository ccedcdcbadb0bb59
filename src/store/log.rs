//! The global message log: a ring of the newest entries, addressed by sequence number. It owns
//! its entries and their payloads (no allocation per entry): sequence numbers are contiguous,
//! so an entry's place is its seq minus the oldest one's.
//!
//! Entries live in fixed-size blocks rather than one growable ring: a ring that slides through
//! a doubled buffer ends up touching all of it (up to twice the memory the entries need), and
//! regrowing copies everything. Blocks are freed as soon as their last entry is dropped, so
//! resident memory follows what is kept.
//!
//! A block keeps its small payloads in pages of its own, copied there as they come: a `Bytes`
//! in every entry took 32 bytes, and it held the network read buffer the payload came in (the
//! topic and the frame around it too). Measured on 1M topics of 24-byte payloads: 118 bytes a
//! message by the store's account before, 56 now. A large payload keeps a buffer of its own.

use std::collections::VecDeque;

use bytes::Bytes;

use super::Entry;

/// Entries per block: 2,048 × 32 B, 64 KiB.
const BLOCK: usize = 2048;
/// A page of small payloads.
const PAGE: usize = 64 * 1024;
/// Payloads this large get a buffer of their own (`Block::large`), not a place in a page.
pub const LARGE: usize = 1024;

#[derive(Debug, Default)]
struct Block {
    entries: Vec<Entry>,
    /// Payloads under `LARGE` bytes, one after the other; an entry's `at` is its page (high 16
    /// bits) and offset (low 16).
    pages: Vec<Vec<u8>>,
    /// Payloads of `LARGE` bytes or more; an entry's `at` is its index. Emptied as entries
    /// leave, so a spent large payload is freed at once.
    large: Vec<Bytes>,
    /// Bytes in the pages.
    page_bytes: usize,
}

impl Block {
    fn new() -> Block {
        Block {
            entries: Vec::with_capacity(BLOCK),
            ..Block::default()
        }
    }

    /// Stores a payload; returns where (`Entry::at`).
    fn store(&mut self, payload: &Bytes) -> u32 {
        if payload.len() >= LARGE {
            // A copy of its own: shared, it would pin the network read buffer it arrived in
            // (as large as the payload or more, holding its neighbours too).
            self.large.push(Bytes::copy_from_slice(payload));
            return self.large.len() as u32 - 1;
        }
        if self
            .pages
            .last()
            .is_none_or(|p| p.len() + payload.len() > PAGE)
        {
            self.pages.push(Vec::with_capacity(PAGE));
        }
        let page = self.pages.len() - 1;
        let Some(p) = self.pages.last_mut() else {
            return 0; // cannot happen: a page was just pushed
        };
        let at = p.len();
        p.extend_from_slice(payload);
        self.page_bytes += payload.len();
        ((page as u32) << 16) | at as u32
    }

    fn payload(&self, e: &Entry) -> &[u8] {
        let len = e.payload_len();
        if len >= LARGE {
            return self.large.get(e.at as usize).map_or(&[], |b| b.as_ref());
        }
        let (page, at) = ((e.at >> 16) as usize, (e.at & 0xFFFF) as usize);
        self.pages
            .get(page)
            .and_then(|p| p.get(at..at + len))
            .unwrap_or_default()
    }

    /// The payload as a buffer of its own: the large one itself, a small one copied.
    fn take_payload(&mut self, e: &Entry) -> Bytes {
        if e.payload_len() >= LARGE {
            return self
                .large
                .get_mut(e.at as usize)
                .map(std::mem::take)
                .unwrap_or_default();
        }
        Bytes::copy_from_slice(self.payload(e))
    }
}

/// An entry the log let go of, with its payload when it was asked to keep it.
pub struct Popped {
    pub entry: Entry,
    pub payload: Option<Bytes>,
}

#[derive(Debug)]
pub struct MessageLog {
    /// Every block but the last is full. The first block's entries before `head` are gone.
    blocks: VecDeque<Block>,
    head: usize,
    /// Payload bytes of the first block's entries that are gone (resident until it is freed).
    head_bytes: usize,
    len: usize,
    capacity: usize,
}

impl MessageLog {
    pub fn new(capacity: usize) -> MessageLog {
        MessageLog {
            blocks: VecDeque::new(),
            head: 0,
            head_bytes: 0,
            len: 0,
            capacity: capacity.max(1),
        }
    }

    /// Adds an entry (its seq must follow the newest's) with its payload; returns the one
    /// that had to make room, if any, with its payload when `keep` says so.
    pub fn push(
        &mut self,
        mut entry: Entry,
        payload: &Bytes,
        keep: impl Fn(&Entry) -> bool,
    ) -> Option<Popped> {
        debug_assert!(self.last_seq().is_none_or(|l| l + 1 == entry.seq()));
        let evicted = if self.len >= self.capacity {
            self.pop_front(keep)
        } else {
            None
        };
        if self.blocks.back().is_none_or(|b| b.entries.len() >= BLOCK) {
            self.blocks.push_back(Block::new());
        }
        if let Some(b) = self.blocks.back_mut() {
            entry.at = b.store(payload);
            b.entries.push(entry);
            self.len += 1;
        }
        evicted
    }

    /// What the entries' own accounting does not count: the first block's entries and
    /// payloads already gone, and the block list.
    pub fn overhead_bytes(&self) -> usize {
        // A block's free tail is reserved, not yet touched: not resident.
        self.head * std::mem::size_of::<Entry>()
            + self.head_bytes
            + self.blocks.capacity() * std::mem::size_of::<Block>()
    }

    /// Lets go of the oldest entry; its payload comes along when `keep` says so.
    pub fn pop_front(&mut self, keep: impl Fn(&Entry) -> bool) -> Option<Popped> {
        let first = self.blocks.front_mut()?;
        let entry = *first.entries.get(self.head)?;
        let payload = if keep(&entry) {
            Some(first.take_payload(&entry))
        } else {
            if entry.payload_len() >= LARGE
                && let Some(b) = first.large.get_mut(entry.at as usize)
            {
                *b = Bytes::new();
            } else {
                self.head_bytes += entry.payload_len();
            }
            None
        };
        self.head += 1;
        self.len -= 1;
        if self.head == BLOCK || self.len == 0 {
            // Spent (or all taken): free it.
            self.blocks.pop_front();
            self.head = 0;
            self.head_bytes = 0;
        }
        Some(Popped { entry, payload })
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The block and place of the entry `index` places after the oldest.
    fn place(&self, index: usize) -> Option<(&Block, &Entry)> {
        if index >= self.len {
            return None;
        }
        let pos = self.head + index;
        let b = self.blocks.get(pos / BLOCK)?;
        Some((b, b.entries.get(pos % BLOCK)?))
    }

    fn at(&self, index: usize) -> Option<&Entry> {
        self.place(index).map(|(_, e)| e)
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

    fn index_of(&self, seq: u64) -> Option<usize> {
        let first = self.first()?.seq();
        let idx = usize::try_from(seq.checked_sub(first)?).ok()?;
        (idx < self.len).then_some(idx)
    }

    pub fn get(&self, seq: u64) -> Option<&Entry> {
        self.at(self.index_of(seq)?)
    }

    /// The payload of an entry the log holds.
    pub fn payload(&self, e: &Entry) -> Option<&[u8]> {
        let (b, held) = self.place(self.index_of(e.seq())?)?;
        Some(b.payload(held))
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
    fn payloads_are_kept_across_pages_and_blocks() {
        let mut s = Store::new(Limits {
            log_entries: BLOCK + 10,
            ..Limits::default()
        });
        let now = Instant::now();
        // 1,000-byte payloads fill a 64 KiB page every 65 messages; every 50th is large.
        let payload = |i: usize| {
            let len = if i.is_multiple_of(50) {
                LARGE + i
            } else {
                1000
            };
            let mut p = vec![(i % 251) as u8; len];
            p[..8].copy_from_slice(&(i as u64).to_be_bytes());
            p
        };
        let n = 2 * BLOCK + 100;
        for i in 0..n {
            let mut m = crate::store::tests::msg(&format!("t/{}", i % 7), "");
            m.payload = bytes::Bytes::from(payload(i));
            s.ingest(m, false, now);
        }
        let first = s.log.first_seq();
        for seq in first..n as u64 {
            let e = s.log.get(seq).expect("held");
            assert_eq!(s.payload(e), &payload(seq as usize)[..], "seq {seq}");
        }
        // The topics' last messages the log let go of are kept with their payloads.
        for t in 0..7 {
            let id = s.tree.find(&format!("t/{t}")).unwrap();
            let last = s.last(id).unwrap();
            assert_eq!(s.payload(last), &payload(last.seq() as usize)[..]);
        }
    }

    #[test]
    fn drains_to_empty_and_refills() {
        let mut s = Store::new(Limits::default());
        let now = Instant::now();
        for i in 0..5 {
            s.ingest(crate::store::tests::msg("t", &i.to_string()), false, now);
        }
        let mut log = std::mem::replace(&mut s.log, MessageLog::new(1));
        while log.pop_front(|_| false).is_some() {}
        assert!(log.is_empty() && log.blocks.is_empty());
        assert_eq!(log.first_seq(), u64::MAX);
        assert_eq!(log.last_seq(), None);
        assert_eq!(log.iter_from(0).count(), 0);
    }
}
