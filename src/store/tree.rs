//! The topic tree. Nodes live in arenas (see `node`); a hash table from full topic to node makes
//! finding a message's topic one hash lookup. Counts are updated along the path as messages
//! arrive.

use std::hash::BuildHasher;

use hashbrown::{DefaultHashBuilder, HashTable};

use super::arena::Arena;
pub use super::natural::natural_cmp;
use super::node::{Agg, LIST, NONE, Slot, TopicData};
pub use super::node::{Node, NodeId, ROOT, Retained};
use super::rhythm::Rhythm;

mod reading;
pub use reading::Sums;
mod search;

#[derive(Debug)]
pub struct TopicTree {
    slots: Arena<Slot>,
    aggs: Arena<Agg>,
    topics: Arena<TopicData>,
    /// Children lists of nodes with more than one child.
    lists: Vec<Vec<NodeId>>,
    /// Every node's name, one after the other.
    names: String,
    /// Heap bytes of the children lists.
    lists_bytes: usize,
    /// The nodes asked for as whole topics (every topic, and not their path nodes, which are
    /// found through their parents), by their topic's hash: the high 32 bits, beside the id,
    /// 8 bytes an entry where (hash, id) took 16. The topic itself is not stored again: a
    /// candidate is confirmed by walking its names up to the root. The hasher is randomly
    /// seeded, so topics crafted to collide cannot be planned.
    index: HashTable<(u32, NodeId)>,
    hasher: DefaultHashBuilder,
    /// Bumped whenever a node is added, so views can cache what they derive from the shape.
    structure_version: u64,
    /// Nodes whose names are not ASCII (`search` cannot judge their case).
    non_ascii: Vec<NodeId>,
    /// See `last_heads`.
    last_heads: usize,
    /// The longest topic seen, in display columns once escaped: the log sizes its topic column by it, so the
    /// column does not move as rows scroll by.
    longest_topic: usize,
}

/// The table's own hash from the stored 32 bits: hashbrown picks the bucket from the low bits
/// and a tag from the top seven, so the 32 bits go to both halves.
fn spread(h: u32) -> u64 {
    (u64::from(h) << 32) | u64::from(h)
}

const INDEX_ENTRY: usize = std::mem::size_of::<(u32, NodeId)>() + 1;

impl Default for TopicTree {
    fn default() -> TopicTree {
        TopicTree::new()
    }
}

impl TopicTree {
    pub fn new() -> TopicTree {
        let mut t = TopicTree {
            slots: Arena::default(),
            aggs: Arena::default(),
            topics: Arena::default(),
            lists: Vec::new(),
            names: String::new(),
            lists_bytes: 0,
            index: HashTable::new(),
            hasher: DefaultHashBuilder::default(),
            structure_version: 0,
            non_ascii: Vec::new(),
            last_heads: 0,
            longest_topic: 0,
        };
        t.aggs.push(Agg::default());
        t.slots.push(Slot {
            name_at: 0,
            parent: ROOT,
            kids: NONE,
            agg: 0,
            topic: NONE,
            name_len: 0,
            depth: 0,
            topic_len: 0,
            retained: Retained::Unknown,
        });
        t
    }

    /// The longest topic seen so far, in display columns.
    pub fn longest_topic(&self) -> usize {
        self.longest_topic
    }

    /// Gives a node that reads its only child's sums a copy of its own, before it sums
    /// something its child does not.
    fn own_agg(&mut self, id: NodeId) -> u32 {
        let a = self.slots[id].agg;
        if a != NONE {
            return a;
        }
        let copy = self.agg_of(id).clone();
        let at = self.aggs.len() as u32;
        self.aggs.push(copy);
        self.slots[id].agg = at;
        at
    }

    /// What a new topic of `levels` new levels may add at once: its nodes, sums, topic data
    /// and names, and the index's doubling when it is full.
    pub fn growth_for(&self, levels: usize, name_bytes: usize) -> usize {
        let doubling = if self.index.len() + 1 > self.index.capacity() {
            self.index.capacity() * INDEX_ENTRY
        } else {
            0
        };
        levels * (std::mem::size_of::<Slot>() + 8)
            + 2 * std::mem::size_of::<Agg>()
            + std::mem::size_of::<TopicData>()
            + name_bytes
            + doubling
    }

    /// What the tree holds on the heap: nodes, sums, topic data, names, the index, children
    /// lists and histories.
    pub fn heap_bytes(&self) -> usize {
        self.slots.bytes()
            + self.aggs.bytes()
            + self.topics.bytes()
            + self.names.capacity()
            + self.index.capacity() * INDEX_ENTRY
            + self.lists.capacity() * std::mem::size_of::<Vec<NodeId>>()
            + self.non_ascii.capacity() * 4
            + self.lists_bytes
    }

    fn hash32(&self, topic: &str) -> u32 {
        (self.hasher.hash_one(topic) >> 32) as u32
    }

    /// The node of a topic or of a path to topics.
    pub fn find(&self, topic: &str) -> Option<NodeId> {
        self.find_hashed(self.hash32(topic), topic)
            .or_else(|| self.walk(topic))
    }

    fn find_hashed(&self, h: u32, topic: &str) -> Option<NodeId> {
        self.index
            .find(spread(h), |&(eh, id)| eh == h && self.path_is(id, topic))
            .map(|&(_, id)| id)
    }

    /// Finds a node level by level from the root, by name among each node's sorted children.
    fn walk(&self, topic: &str) -> Option<NodeId> {
        let mut cur = ROOT;
        for level in topic.split('/') {
            cur = self.child_named(cur, level).ok()?;
        }
        Some(cur)
    }

    /// The child of `parent` called `name`, or where it would go.
    fn child_named(&self, parent: NodeId, name: &str) -> Result<NodeId, usize> {
        let kids = self.children(parent);
        kids.binary_search_by(|c| natural_cmp(self.name(*c), name))
            .map(|i| kids[i])
    }

    /// True when the full topic of `id` is `topic`, compared level by level from the end.
    fn path_is(&self, id: NodeId, topic: &str) -> bool {
        // On bytes: a `str` slice would check UTF-8 boundaries at every level of every lookup.
        let names = self.names.as_bytes();
        let mut rest = topic.as_bytes();
        let mut cur = id;
        loop {
            let n = &self.slots[cur];
            if n.topic_len as usize != rest.len() {
                return false;
            }
            let at = n.name_at as usize;
            let name = names.get(at..at + n.name_len as usize).unwrap_or_default();
            let Some(head) = rest.strip_suffix(name) else {
                return false;
            };
            if n.parent == ROOT {
                return head.is_empty();
            }
            let Some(head) = head.strip_suffix(b"/") else {
                return false;
            };
            rest = head;
            cur = n.parent;
        }
    }

    /// The node for `topic`, created with its missing ancestors. Topics longer than MQTT allows
    /// (65,535 bytes) have no node.
    pub fn node_for(&mut self, topic: &str) -> Option<NodeId> {
        if topic.len() > usize::from(u16::MAX) {
            return None;
        }
        let h = self.hash32(topic);
        if let Some(id) = self.find_hashed(h, topic) {
            return Some(id);
        }
        let levels = topic.split('/').count();
        let mut parent = ROOT;
        let mut prefix_end = 0;
        for (i, level) in topic.split('/').enumerate() {
            prefix_end = if i == 0 {
                level.len()
            } else {
                prefix_end + 1 + level.len()
            };
            parent = match self.child_named(parent, level) {
                Ok(id) => id,
                Err(pos) => self.add_child(parent, pos, level, prefix_end, i + 1 == levels),
            };
        }
        if parent != ROOT {
            // As drawn: escapes (`<U+200B>`) and wide characters count their columns.
            let shown = crate::text::width(&crate::text::clean(topic));
            self.longest_topic = self.longest_topic.max(shown);
            self.index
                .insert_unique(spread(h), (h, parent), |&(eh, _)| spread(eh));
        }
        Some(parent)
    }

    /// A new node called `level` at `pos` among `parent`'s children. Only the last level of a
    /// new topic sums on its own: the levels above it have one child, whose sums they read.
    fn add_child(
        &mut self,
        parent: NodeId,
        pos: usize,
        level: &str,
        topic_len: usize,
        last: bool,
    ) -> NodeId {
        if self.slots[parent].kids != NONE {
            // A second child: the parent sums two subtrees from now on.
            self.own_agg(parent);
        }
        let id = self.slots.len() as NodeId;
        let agg = if last {
            self.aggs.push(Agg::default());
            self.aggs.len() as u32 - 1
        } else {
            NONE
        };
        let depth = self.slots[parent].depth.saturating_add(1);
        let name_at = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        // A level is at most a whole topic, which is at most 65,535 bytes (checked above).
        let name_len = u16::try_from(level.len()).unwrap_or(u16::MAX);
        self.names.push_str(level);
        if !level.is_ascii() {
            self.non_ascii.push(id);
        }
        self.slots.push(Slot {
            name_at,
            parent,
            kids: NONE,
            agg,
            topic: NONE,
            name_len,
            depth,
            topic_len: u16::try_from(topic_len).unwrap_or(u16::MAX),
            retained: Retained::Unknown,
        });
        self.structure_version += 1;
        self.insert_kid(parent, pos, id);
        id
    }

    fn insert_kid(&mut self, parent: NodeId, pos: usize, id: NodeId) {
        let kids = self.slots[parent].kids;
        if kids == NONE {
            self.slots[parent].kids = id;
            return;
        }
        if kids & LIST == 0 {
            let mut list = Vec::with_capacity(2);
            list.push(kids);
            list.insert(pos.min(1), id);
            self.lists_bytes += 2 * 4 + 16; // the allocator's own 16 bytes
            self.slots[parent].kids = LIST | self.lists.len() as u32;
            self.lists.push(list);
            return;
        }
        if let Some(list) = self.lists.get_mut((kids & !LIST) as usize) {
            let before = list.capacity();
            list.insert(pos.min(list.len()), id);
            self.lists_bytes += (list.capacity() - before) * 4;
        }
    }

    /// Files a message on topic `id`: its seq as the topic's newest, and its count, bytes,
    /// time (`at_us`: microseconds since the Unix epoch, as its entry has it) and rate along
    /// the path (`now_ms`: milliseconds since the store began). Returns the topic's previous
    /// newest seq, for the new entry's link to it.
    pub fn record(
        &mut self,
        id: NodeId,
        seq: u64,
        bytes: u64,
        at_us: u64,
        now_ms: u32,
    ) -> Option<u64> {
        let new_topic = self.slots[id].topic == NONE;
        if new_topic {
            // A message of its own: it no longer sums just its only child's.
            self.own_agg(id);
            self.slots[id].topic = self.topics.len() as u32;
            self.topics.push(TopicData {
                kept: NONE,
                ..TopicData::default()
            });
        }
        let t = &mut self.topics[self.slots[id].topic];
        let head = (bytes as usize).min(super::KEPT_HEAD);
        self.last_heads = self.last_heads + head - t.last_head as usize;
        t.last_head = head as u32;
        let previous = t.newest.checked_sub(1);
        t.newest = seq + 1;
        t.rhythm.arrived(now_ms);
        // 0 is "never" in the sums: a message stamped at the epoch itself counts as 1 µs after.
        let at_us = at_us.max(1);
        let mut cur = id;
        loop {
            let s = &self.slots[cur];
            let parent = s.parent;
            if s.agg != NONE {
                let a = &mut self.aggs[s.agg];
                a.msg_count += 1;
                a.topic_count += u32::from(new_topic);
                a.bytes += bytes;
                a.last_us = at_us;
                a.rates.add(bytes, now_ms);
            }
            if cur == ROOT {
                break;
            }
            cur = parent;
        }
        previous
    }

    /// A message on topic `id` said something about what the broker retains.
    pub fn note_retained(&mut self, id: NodeId, retain: bool, empty: bool) {
        if retain {
            self.slots[id].retained = if empty {
                Retained::Cleared
            } else {
                Retained::Held
            };
        }
    }

    pub fn structure_version(&self) -> u64 {
        self.structure_version
    }

    /// Whether an entry is its topic's newest message.
    pub fn is_last(&self, e: &super::Entry) -> bool {
        let t = self.slots[e.node].topic;
        t != NONE && self.topics[t].newest == e.seq() + 1
    }

    /// The first `KEPT_HEAD` bytes of every topic's newest payload, summed: what the topics'
    /// last messages hold once cut.
    pub fn last_heads(&self) -> usize {
        self.last_heads
    }

    /// The store's slot for a topic's last message let go by the log (NONE: none).
    pub(super) fn kept_slot(&self, id: NodeId) -> u32 {
        let t = self.slots[id].topic;
        if t == NONE { NONE } else { self.topics[t].kept }
    }

    pub(super) fn set_kept_slot(&mut self, id: NodeId, slot: u32) {
        let t = self.slots[id].topic;
        if t != NONE {
            self.topics[t].kept = slot;
        }
    }
}

#[cfg(test)]
mod tests;
