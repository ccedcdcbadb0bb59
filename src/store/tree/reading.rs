//! Reading the tree as the views do: a node's numbers and lists, and the cheaper single
//! reads (children, rates, counts) for work that visits many nodes, where gathering all of a
//! node's parts costs a cache miss for each.

use super::{Agg, LIST, NONE, Node, NodeId, ROOT, Rhythm, Slot, TopicTree};

impl TopicTree {
    /// A node's numbers and lists as the views read them.
    pub fn node(&self, id: NodeId) -> Node<'_> {
        let s = &self.slots[id];
        let agg = self.agg_of(id);
        let topic = (s.topic != NONE).then(|| &self.topics[s.topic]);
        Node {
            name: self.slot_name(s),
            parent: s.parent,
            depth: s.depth,
            topic_len: u32::from(s.topic_len),
            topic_count: agg.topic_count,
            msg_count: agg.msg_count,
            bytes: agg.bytes,
            rates: agg.rates,
            rhythm: topic.map_or(Rhythm::NONE, |t| t.rhythm),
            retained: s.retained,
            children: self.kids(s),
            newest: topic.map_or(0, |t| t.newest),
            last_us: agg.last_us,
        }
    }

    /// A node's parent (the root's is itself).
    pub fn parent(&self, id: NodeId) -> NodeId {
        self.slots[id].parent
    }

    /// Whether a node received a message: cheaper than `node`, which gathers everything.
    pub fn is_topic(&self, id: NodeId) -> bool {
        self.slots[id].topic != NONE
    }

    /// The sums of many nodes at once (a level being sorted), in `ids`' order. Read one node
    /// at a time, a path node's slot, its only child's slot and the sums are three cache misses
    /// in a row; here each pass reads one slot of every node, no read waiting on another
    /// node's, so the misses overlap: sorting an open site of 100,000 topics by msg/s took
    /// 23.8 ms one node at a time, 21.2 ms so (`cargo bench --bench million -- "sort by
    /// busiest"`, before the rows and the huge pages were mended too).
    pub fn sums_of_many(&self, ids: &[NodeId]) -> Vec<Sums<'_>> {
        // Past the table: a node without sums of its own and without an only child (cannot
        // happen), read as zero.
        const NO_SUMS: u32 = NONE - 1;
        let mut at: Vec<NodeId> = ids.to_vec();
        let mut agg: Vec<u32> = vec![NONE; ids.len()];
        let mut unresolved = true;
        while unresolved {
            unresolved = false;
            for (a, cur) in agg.iter_mut().zip(at.iter_mut()) {
                if *a != NONE {
                    continue;
                }
                let s = &self.slots[*cur];
                if s.agg != NONE {
                    *a = s.agg;
                } else if s.kids == NONE || s.kids & LIST != 0 {
                    *a = NO_SUMS;
                } else {
                    *cur = s.kids;
                    unresolved = true;
                }
            }
        }
        agg.iter()
            .map(|&a| Sums(self.aggs.get(a).unwrap_or(&Agg::ZERO)))
            .collect()
    }

    /// A topic's rhythm alone (a path node has none).
    pub fn rhythm(&self, id: NodeId) -> Rhythm {
        match self.slots[id].topic {
            NONE => Rhythm::NONE,
            t => self.topics[t].rhythm,
        }
    }

    /// A node's children, sorted by name.
    pub fn children(&self, id: NodeId) -> &[NodeId] {
        self.kids(&self.slots[id])
    }

    pub(super) fn kids<'a>(&'a self, s: &'a Slot) -> &'a [NodeId] {
        match s.kids {
            NONE => &[],
            k if k & LIST != 0 => self
                .lists
                .get((k & !LIST) as usize)
                .map_or(&[], |l| l.as_slice()),
            _ => std::slice::from_ref(&s.kids),
        }
    }

    /// What a node sums: its own, or (a path node with one child) its only child's.
    pub(super) fn agg_of(&self, id: NodeId) -> &Agg {
        let mut cur = id;
        loop {
            let s = &self.slots[cur];
            if s.agg != NONE {
                return &self.aggs[s.agg];
            }
            if s.kids == NONE || s.kids & LIST != 0 {
                return &Agg::ZERO; // cannot happen: a node without its own has one child
            }
            cur = s.kids;
        }
    }

    /// The name (level) of a node.
    pub fn name(&self, id: NodeId) -> &str {
        self.slot_name(&self.slots[id])
    }

    pub fn name_of<'a>(&self, n: &Node<'a>) -> &'a str {
        n.name
    }

    pub(super) fn slot_name(&self, s: &Slot) -> &str {
        let at = s.name_at as usize;
        self.names.get(at..at + s.name_len as usize).unwrap_or("")
    }

    pub fn roots(&self) -> &[NodeId] {
        self.children(ROOT)
    }

    pub fn len(&self) -> usize {
        self.slots.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Distinct topics that have received a message.
    pub fn topic_count(&self) -> u32 {
        self.aggs[0].topic_count
    }

    /// Messages filed in the whole tree: received and our own publishes, as the rows count them.
    pub fn msg_count(&self) -> u64 {
        self.aggs[0].msg_count
    }

    /// The full topic of a node.
    pub fn path(&self, id: NodeId) -> String {
        // The length is known, so the levels are written from the end into one allocation.
        let len = self.slots[id].topic_len as usize;
        let mut bytes = vec![b'/'; len];
        let mut end = len;
        let mut cur = id;
        while cur != ROOT {
            let n = &self.slots[cur];
            let name = self.slot_name(n);
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
            cur = self.slots[cur].parent;
        }
    }
}

/// A subtree's sums as `sums_of_many` reads them.
#[derive(Debug, Clone, Copy)]
pub struct Sums<'a>(&'a Agg);

impl Sums<'_> {
    pub fn rates(&self) -> &crate::store::decay::Rates {
        &self.0.rates
    }

    pub fn msg_count(&self) -> u64 {
        self.0.msg_count
    }

    /// Microseconds since the Unix epoch (0: never).
    pub fn last_us(&self) -> u64 {
        self.0.last_us
    }
}
