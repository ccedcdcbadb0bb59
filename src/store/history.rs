//! The sequence numbers of one topic's kept messages, oldest first. Most topics of a big tree
//! hold a single message: that one lives in the node, and only a topic with more gets a ring on
//! the heap. A `VecDeque` per topic cost 32 bytes in the node and 48 on the heap for the first
//! message: 80 MB for a million one-message topics.

use std::collections::VecDeque;

#[derive(Debug, Default)]
pub struct History {
    /// The newest seq plus one; 0 when there is none.
    newest: u64,
    /// The older ones, oldest first. Boxed on purpose: 8 bytes in every node instead of the
    /// 32 of a `VecDeque`, for the few topics that keep more than one message.
    #[allow(clippy::box_collection)]
    older: Option<Box<VecDeque<u64>>>,
}

impl History {
    /// No message.
    pub const EMPTY: History = History {
        newest: 0,
        older: None,
    };

    pub fn len(&self) -> usize {
        match self.newest {
            0 => 0,
            _ => 1 + self.older.as_ref().map_or(0, |o| o.len()),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.newest == 0
    }

    pub fn back(&self) -> Option<u64> {
        self.newest.checked_sub(1)
    }

    pub fn front(&self) -> Option<u64> {
        self.older
            .as_ref()
            .and_then(|o| o.front().copied())
            .or(self.back())
    }

    /// Adds the newest; returns the oldest when more than `limit` are kept.
    pub fn push(&mut self, seq: u64, limit: usize) -> Option<u64> {
        let mut evicted = None;
        if let Some(prev) = self.back() {
            if limit > 1 {
                let older = self.older.get_or_insert_with(Default::default);
                older.push_back(prev);
                if older.len() + 1 > limit {
                    evicted = older.pop_front();
                }
            } else {
                evicted = Some(prev);
            }
        }
        self.newest = seq + 1;
        evicted
    }

    /// Forgets the oldest when it is `seq` and not the newest.
    pub fn pop_front_if(&mut self, seq: u64) -> bool {
        let Some(older) = self.older.as_mut() else {
            return false;
        };
        if older.front() != Some(&seq) {
            return false;
        }
        older.pop_front();
        if older.is_empty() {
            self.older = None;
        }
        true
    }

    /// Oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = u64> + '_ {
        self.older
            .iter()
            .flat_map(|o| o.iter().copied())
            .chain(self.back())
    }

    /// Bytes on the heap.
    pub fn heap_bytes(&self) -> usize {
        self.older.as_ref().map_or(0, |o| {
            std::mem::size_of::<VecDeque<u64>>() + o.capacity() * 8 + 16
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_newest_inline_and_the_rest_in_order() {
        let mut h = History::default();
        assert_eq!((h.len(), h.back(), h.front()), (0, None, None));
        assert_eq!(h.push(0, 3), None);
        assert_eq!(h.heap_bytes(), 0, "one message: nothing on the heap");
        assert_eq!(h.push(5, 3), None);
        assert_eq!(h.push(7, 3), None);
        assert_eq!(h.push(9, 3), Some(0), "the oldest of four goes");
        assert_eq!(h.iter().collect::<Vec<_>>(), [5, 7, 9]);
        assert_eq!(h.iter().rev().collect::<Vec<_>>(), [9, 7, 5]);
        assert!(!h.pop_front_if(7), "only the oldest");
        assert!(h.pop_front_if(5));
        assert!(h.pop_front_if(7));
        assert!(!h.pop_front_if(9), "the newest stays");
        assert_eq!((h.len(), h.heap_bytes()), (1, 0));
        let mut one = History::default();
        one.push(1, 1);
        assert_eq!(one.push(2, 1), Some(1));
        assert_eq!(one.iter().collect::<Vec<_>>(), [2]);
    }
}
