//! The topic tree. Nodes live in one arena; a hash table from full topic to node makes finding
//! a message's topic one hash lookup. Counts are updated along the path as messages arrive.

use std::hash::BuildHasher;
use std::time::SystemTime;

use hashbrown::{DefaultHashBuilder, HashTable};

use super::arena::Arena;
use super::history::History;
pub use super::natural::natural_cmp;

pub type NodeId = u32;

/// Id of the invisible root; its children are the first levels.
pub const ROOT: NodeId = 0;

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
pub struct Node {
    /// The name's place in the tree's name arena (`TopicTree::name`): one allocation for all
    /// names instead of one each (48 bytes for a short name).
    name_at: u32,
    name_len: u16,
    pub depth: u16,
    pub parent: NodeId,
    /// Length of the full topic in bytes.
    pub topic_len: u32,
    /// Topics (nodes that received a message) in this subtree, itself included.
    pub topic_count: u32,
    /// Decayed msg/s and bytes/s of the subtree (the sum of its topics').
    pub rates: super::decay::Rates,
    /// The topic's own rhythm (topics only: a subtree's arrivals are no rhythm).
    pub rhythm: super::rhythm::Rhythm,
    /// What the broker holds retained for this exact topic, as far as we saw: a message that
    /// arrived flagged retained, or our own retained publish, sets it; an empty retained
    /// payload (a clear) unsets it. A live message does not change what the broker retains.
    pub retained: Retained,
    /// Sorted by name, numbers by value (`dev2` before `dev10`).
    pub children: Vec<NodeId>,
    /// Messages in this subtree, itself included.
    pub msg_count: u64,
    /// Payload bytes in this subtree, itself included.
    pub bytes: u64,
    /// When the subtree last received a message: microseconds since the Unix epoch, 0 never.
    last_us: u64,
    /// Sequence numbers of the messages kept for this exact topic, oldest first (the entries
    /// themselves are the store's). Empty for pure path nodes.
    pub history: History,
}

impl Node {
    fn empty(name_at: u32, name_len: u16, parent: NodeId, depth: u16, topic_len: usize) -> Node {
        Node {
            name_at,
            name_len,
            topic_len: u32::try_from(topic_len).unwrap_or(u32::MAX),
            retained: Retained::Unknown,
            parent,
            children: Vec::new(),
            depth,
            topic_count: 0,
            msg_count: 0,
            bytes: 0,
            last_us: 0,
            rates: Default::default(),
            rhythm: Default::default(),
            history: History::default(),
        }
    }

    /// When the subtree last received a message.
    pub fn last_received(&self) -> Option<SystemTime> {
        (self.last_us > 0)
            .then(|| SystemTime::UNIX_EPOCH + std::time::Duration::from_micros(self.last_us))
    }

    pub fn is_topic(&self) -> bool {
        !self.history.is_empty()
    }

    /// Sequence number of this topic's newest message.
    pub fn last_seq(&self) -> Option<u64> {
        self.history.back()
    }
}

#[derive(Debug)]
pub struct TopicTree {
    nodes: Arena<Node>,
    /// Every node's name, one after the other.
    names: String,
    /// Heap bytes of the nodes' children lists and history rings.
    lists_bytes: usize,
    /// Every node by the hash of its full topic. The topic itself is not stored again: a
    /// candidate is confirmed by walking its names up to the root, which costs a few
    /// comparisons and saves a string allocation per node. The hasher is randomly seeded, so
    /// topics crafted to collide cannot be planned.
    index: HashTable<(u64, NodeId)>,
    hasher: DefaultHashBuilder,
    per_topic: usize,
    /// Bumped whenever a node is added, so views can cache what they derive from the shape.
    structure_version: u64,
    /// The longest topic seen, in display columns once escaped: the log sizes its topic column by it, so the
    /// column does not move as rows scroll by.
    longest_topic: usize,
}

impl TopicTree {
    pub fn new(per_topic: usize) -> TopicTree {
        let mut nodes = Arena::default();
        nodes.push(Node::empty(0, 0, ROOT, 0, 0));
        TopicTree {
            nodes,
            names: String::new(),
            lists_bytes: 0,
            index: HashTable::new(),
            hasher: DefaultHashBuilder::default(),
            per_topic: per_topic.max(1),
            structure_version: 0,
            longest_topic: 0,
        }
    }

    /// The longest topic seen so far, in display columns.
    pub fn longest_topic(&self) -> usize {
        self.longest_topic
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id]
    }

    /// The name (level) of a node.
    pub fn name(&self, id: NodeId) -> &str {
        self.name_of(&self.nodes[id])
    }

    pub fn name_of(&self, n: &Node) -> &str {
        let at = n.name_at as usize;
        self.names.get(at..at + n.name_len as usize).unwrap_or("")
    }

    /// What a new topic of `levels` new levels may add at once: its nodes and names, and the
    /// index's doubling when it is full.
    pub fn growth_for(&self, levels: usize, name_bytes: usize) -> usize {
        let doubling = if self.index.len() + levels > self.index.capacity() {
            self.index.capacity() * (std::mem::size_of::<(u64, NodeId)>() + 1)
        } else {
            0
        };
        levels * (std::mem::size_of::<Node>() + 32) + name_bytes + doubling
    }

    /// What the tree holds on the heap: nodes, names, the index, children lists and histories.
    pub fn heap_bytes(&self) -> usize {
        self.nodes.bytes()
            + self.names.capacity()
            + self.index.capacity() * (std::mem::size_of::<(u64, NodeId)>() + 1)
            + self.lists_bytes
    }

    pub fn roots(&self) -> &[NodeId] {
        &self.nodes[ROOT].children
    }

    pub fn len(&self) -> usize {
        self.nodes.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Distinct topics that have received a message.
    pub fn topic_count(&self) -> u32 {
        self.nodes[ROOT].topic_count
    }

    /// Messages filed in the whole tree: received and our own publishes, as the rows count them.
    pub fn msg_count(&self) -> u64 {
        self.nodes[ROOT].msg_count
    }

    pub fn find(&self, topic: &str) -> Option<NodeId> {
        self.find_hashed(self.hasher.hash_one(topic), topic)
    }

    fn find_hashed(&self, hash: u64, topic: &str) -> Option<NodeId> {
        self.index
            .find(hash, |&(h, id)| h == hash && self.path_is(id, topic))
            .map(|&(_, id)| id)
    }

    /// True when the full topic of `id` is `topic`, compared level by level from the end.
    fn path_is(&self, id: NodeId, topic: &str) -> bool {
        // On bytes: a `str` slice would check UTF-8 boundaries at every level of every lookup.
        let names = self.names.as_bytes();
        let mut rest = topic.as_bytes();
        let mut cur = id;
        loop {
            let n = &self.nodes[cur];
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

    /// The node for `topic`, created with its missing ancestors.
    pub fn node_for(&mut self, topic: &str) -> NodeId {
        if let Some(id) = self.find(topic) {
            return id;
        }
        // As drawn: escapes (`<U+200B>`) and wide characters count their columns.
        let shown = crate::text::width(&crate::text::clean(topic));
        self.longest_topic = self.longest_topic.max(shown);
        let mut parent = ROOT;
        let mut prefix_end = 0;
        for (i, level) in topic.split('/').enumerate() {
            prefix_end = if i == 0 {
                level.len()
            } else {
                prefix_end + 1 + level.len()
            };
            let prefix = &topic[..prefix_end];
            let hash = self.hasher.hash_one(prefix);
            parent = match self.find_hashed(hash, prefix) {
                Some(id) => id,
                None => {
                    let id = self.nodes.len() as NodeId;
                    let depth = self.nodes[parent].depth.saturating_add(1);
                    let name_at = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
                    // A level is at most a whole topic, which MQTT caps at 65,535 bytes.
                    let name_len = u16::try_from(level.len()).unwrap_or(u16::MAX);
                    self.names.push_str(level);
                    self.nodes
                        .push(Node::empty(name_at, name_len, parent, depth, prefix_end));
                    self.structure_version += 1;
                    let pos = self.nodes[parent]
                        .children
                        .binary_search_by(|c| natural_cmp(self.name(*c), level))
                        .unwrap_or_else(|p| p);
                    let children = &mut self.nodes[parent].children;
                    let before = children.capacity();
                    children.insert(pos, id);
                    // The allocator's own 16 bytes with the first allocation.
                    let header = if before == 0 { 16 } else { 0 };
                    self.lists_bytes += (children.capacity() - before) * 4 + header;
                    self.index.insert_unique(hash, (hash, id), |&(h, _)| h);
                    id
                }
            };
        }
        parent
    }

    /// Adds a message (by seq) to its topic's history and the counts along the path. Returns
    /// the seq that fell out of the history, if any.
    pub fn record(&mut self, id: NodeId, seq: u64) -> Option<u64> {
        let node = &mut self.nodes[id];
        let new_topic = node.history.is_empty();
        let before = node.history.heap_bytes();
        let evicted = node.history.push(seq, self.per_topic);
        self.lists_bytes = self.lists_bytes + node.history.heap_bytes() - before;
        let mut cur = id;
        loop {
            let n = &mut self.nodes[cur];
            n.msg_count += 1;
            if new_topic {
                n.topic_count += 1;
            }
            if cur == ROOT {
                break;
            }
            cur = n.parent;
        }
        evicted
    }

    /// Updates bytes, last time and rates along the path (`now_ms`: milliseconds since the
    /// store began).
    pub fn touch(&mut self, id: NodeId, bytes: u64, at: SystemTime, now_ms: u32) {
        let at_us = at.duration_since(SystemTime::UNIX_EPOCH).map_or(1, |d| {
            u64::try_from(d.as_micros()).unwrap_or(u64::MAX).max(1)
        });
        self.nodes[id].rhythm.arrived(now_ms);
        let mut cur = id;
        loop {
            let n = &mut self.nodes[cur];
            n.bytes += bytes;
            n.last_us = at_us;
            n.rates.add(bytes, now_ms);
            if cur == ROOT {
                break;
            }
            cur = n.parent;
        }
    }

    /// A message on topic `id` said something about what the broker retains.
    pub fn note_retained(&mut self, id: NodeId, retain: bool, empty: bool) {
        if retain {
            self.nodes[id].retained = if empty {
                Retained::Cleared
            } else {
                Retained::Held
            };
        }
    }

    pub fn structure_version(&self) -> u64 {
        self.structure_version
    }

    /// Forgets the oldest kept message of a topic when it is `seq` and not the topic's last.
    pub fn trim_front(&mut self, id: NodeId, seq: u64) {
        let h = &mut self.nodes[id].history;
        let before = h.heap_bytes();
        if h.pop_front_if(seq) {
            self.lists_bytes = self.lists_bytes + h.heap_bytes() - before;
        }
    }

    /// The full topic of a node.
    pub fn path(&self, id: NodeId) -> String {
        // The length is known, so the levels are written from the end into one allocation.
        let len = self.nodes[id].topic_len as usize;
        let mut bytes = vec![b'/'; len];
        let mut end = len;
        let mut cur = id;
        while cur != ROOT {
            let n = &self.nodes[cur];
            let name = self.name_of(n);
            let Some(start) = end.checked_sub(name.len()) else {
                break; // cannot happen: topic_len is the sum of the levels and separators
            };
            bytes[start..end].copy_from_slice(name.as_bytes());
            end = start.saturating_sub(1);
            cur = n.parent;
        }
        // Levels are whole UTF-8 strings joined by '/', so this never has to replace anything.
        String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into())
    }

    /// True when `node` is `ancestor` or lies below it.
    pub fn is_within(&self, node: NodeId, ancestor: NodeId) -> bool {
        let mut cur = node;
        loop {
            if cur == ancestor {
                return true;
            }
            if cur == ROOT {
                return false;
            }
            cur = self.nodes[cur].parent;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sort_naturally() {
        let mut names = vec![
            "dev10000", "dev2000", "dev1000", "dev2", "a01", "a1", "b", "A",
        ];
        names.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            names,
            [
                "A", "a01", "a1", "b", "dev2", "dev1000", "dev2000", "dev10000"
            ]
        );
        let mut t = TopicTree::new(10);
        for n in ["d/dev10000", "d/dev1000", "d/dev2000"] {
            t.node_for(n);
        }
        let d = t.find("d").unwrap();
        let order: Vec<&str> = t.node(d).children.iter().map(|c| t.name(*c)).collect();
        assert_eq!(order, ["dev1000", "dev2000", "dev10000"]);
    }

    #[test]
    fn topics_are_found_by_their_exact_path() {
        let mut t = TopicTree::new(10);
        let topics = [
            "a/b", "a", "/b", "a//b", "", "/", "ab", "a/b/", "é/ü", "a/bc",
        ];
        let ids: Vec<_> = topics.iter().map(|p| t.node_for(p)).collect();
        for (p, id) in topics.iter().zip(&ids) {
            assert_eq!(t.find(p), Some(*id), "{p:?}");
            assert_eq!(t.path(*id), *p);
            assert_eq!(t.node_for(p), *id, "no duplicate for {p:?}");
        }
        let distinct: std::collections::HashSet<_> = ids.iter().collect();
        assert_eq!(distinct.len(), topics.len());
        // Same length, different split or names: the walk up the tree tells them apart.
        let ab = t.find("a/b").unwrap();
        for other in ["ab/", "/ab", "a/c", "b/a", "a/b/c"] {
            assert!(!t.path_is(ab, other), "{other:?}");
            assert_eq!(t.find(other), None, "{other:?}");
        }
    }
}
