//! Finding the topics a filter can match without looking at every topic: the nodes whose name
//! holds a text (one case-insensitive scan of the names arena, 13 MB at a million topics,
//! instead of a million paths built and searched), and the nodes an MQTT pattern reaches
//! (walked level by level). What they find is a superset: the filter's own test decides.

use super::{NONE, NodeId, ROOT, TopicTree};

impl TopicTree {
    /// Nodes whose own name holds `needle` (ASCII, any case), and every node with a non-ASCII
    /// name (whose lower case the scan cannot judge). None when `needle` is not ASCII.
    pub fn named_containing(&self, needle: &str) -> Option<Vec<NodeId>> {
        if !needle.is_ascii() || needle.is_empty() {
            return None;
        }
        let re = regex::RegexBuilder::new(&regex::escape(needle))
            .case_insensitive(true)
            .build()
            .ok()?;
        let mut found = self.non_ascii.clone();
        let names = self.names.as_str();
        let mut pos = 0;
        while let Some(m) = re.find_at(names, pos) {
            // Names are laid out in the order their nodes were made: the last node whose name
            // starts at or before the match holds its start.
            let start = m.start() as u32;
            let after = self.slot_ids_by(|name_at| name_at <= start);
            let Some(id) = after.checked_sub(1) else {
                break; // cannot happen: the root's empty name starts at 0
            };
            let s = &self.slots[id];
            let end = s.name_at as usize + s.name_len as usize;
            if m.end() <= end {
                found.push(id);
            }
            // On to the next name: one hit a node is enough, and a match that ran into the
            // next name may hide one that starts inside it.
            pos = end.max(m.start() + 1);
            if !names.is_char_boundary(pos) {
                break; // cannot happen: a name's end is a character's
            }
        }
        Some(found)
    }

    /// How many node ids have a name starting where `before` holds (they are in order).
    fn slot_ids_by(&self, before: impl Fn(u32) -> bool) -> u32 {
        let (mut lo, mut hi) = (0u32, self.slots.len() as u32);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if before(self.slots[mid].name_at) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// The nodes an MQTT topic filter (`a/+/c`, `a/#`) can reach, walked from the root.
    pub fn pattern_nodes(&self, filter: &str) -> Vec<NodeId> {
        let mut level = vec![ROOT];
        for part in filter.split('/') {
            let mut next = Vec::new();
            for &n in &level {
                match part {
                    // The node itself too: `a/#` matches `a`.
                    "#" => {
                        if n != ROOT {
                            next.push(n);
                        }
                        next.extend_from_slice(self.children(n));
                    }
                    "+" => next.extend_from_slice(self.children(n)),
                    name => next.extend(self.child_named(n, name).ok()),
                }
            }
            if part == "#" {
                return next;
            }
            level = next;
        }
        level
    }

    /// The topics at or below `roots`, each once, in id order.
    pub fn topics_below(&self, roots: &[NodeId], below_hash: bool) -> Vec<NodeId> {
        let mut out = Vec::new();
        let mut stack: Vec<NodeId> = roots.to_vec();
        while let Some(id) = stack.pop() {
            if self.slots[id].topic != NONE && id != ROOT {
                out.push(id);
            }
            if below_hash {
                stack.extend_from_slice(self.children(id));
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::SystemTime;

    fn tree(topics: &[&str]) -> TopicTree {
        let mut t = TopicTree::new(10);
        for (i, p) in topics.iter().enumerate() {
            let id = t.node_for(p).unwrap();
            t.record(id, i as u64, 1, SystemTime::UNIX_EPOCH, 1);
        }
        t
    }

    fn paths(t: &TopicTree, ids: &[NodeId]) -> Vec<String> {
        let mut p: Vec<String> = ids.iter().map(|id| t.path(*id)).collect();
        p.sort();
        p
    }

    #[test]
    fn names_are_found_in_any_case_and_never_across_two_names() {
        // "ab" then "aba": the arena reads "…ababa…"; the match at "ab|a" spans two names and
        // must not hide the one inside the second.
        let t = tree(&["x/ab/aba", "y/DEV42/temp", "z/dev4/temp", "é/Straße"]);
        let hits = t.named_containing("aba").unwrap();
        assert_eq!(paths(&t, &hits), ["x/ab/aba", "é", "é/Straße"]);
        let hits = t.named_containing("dev42").unwrap();
        assert_eq!(paths(&t, &hits), ["y/DEV42", "é", "é/Straße"]);
        let below = t.topics_below(&t.named_containing("dev4").unwrap(), true);
        assert_eq!(
            paths(&t, &below),
            ["y/DEV42/temp", "z/dev4/temp", "é/Straße"]
        );
        assert_eq!(
            t.named_containing("straße"),
            None,
            "not ASCII: no narrowing"
        );
    }

    #[test]
    fn patterns_walk_the_levels() {
        let t = tree(&["a/b/c", "a/x/c", "a/b/d", "a", "b/b/c"]);
        let reach = |f: &str| paths(&t, &t.topics_below(&t.pattern_nodes(f), f.ends_with('#')));
        assert_eq!(reach("a/+/c"), ["a/b/c", "a/x/c"]);
        assert_eq!(reach("a/#"), ["a", "a/b/c", "a/b/d", "a/x/c"]);
        assert_eq!(reach("+/b/c"), ["a/b/c", "b/b/c"]);
        assert_eq!(reach("#"), ["a", "a/b/c", "a/b/d", "a/x/c", "b/b/c"]);
        assert!(reach("q/#").is_empty());
    }
}
