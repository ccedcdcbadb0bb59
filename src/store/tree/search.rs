//! Finding the topics a filter can match without looking at every topic: the nodes whose name
//! holds a text (one case-insensitive scan of the names arena, 13 MB at a million topics,
//! instead of a million paths built and searched), and the topics an MQTT pattern reaches
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
            let Some(id) = self.last_named_from(m.start() as u32) else {
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

    /// The last node whose name starts at or before byte `at` of the names arena (names are
    /// laid out in node order, so a binary search over the ids finds it).
    fn last_named_from(&self, at: u32) -> Option<NodeId> {
        let (mut lo, mut hi) = (0u32, self.slots.len() as u32);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.slots[mid].name_at <= at {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo.checked_sub(1)
    }

    /// The topics an MQTT topic filter (`a/+/c`, `a/#`) can reach, walked from the root, each
    /// once, in id order.
    pub fn pattern_topics(&self, filter: &str) -> Vec<NodeId> {
        let mut level = vec![ROOT];
        for part in filter.split('/') {
            let next = match part {
                // Everything from here down, the nodes themselves too: `a/#` matches `a`.
                "#" => return self.topics_below(&level),
                "+" => level
                    .iter()
                    .flat_map(|&n| self.children(n).iter().copied())
                    .collect(),
                name => level
                    .iter()
                    .filter_map(|&n| self.child_named(n, name).ok())
                    .collect(),
            };
            level = next;
        }
        level.retain(|&id| self.slots[id].topic != NONE);
        level.sort_unstable();
        level.dedup();
        level
    }

    /// The topics at or below `roots`, each once, in id order.
    pub fn topics_below(&self, roots: &[NodeId]) -> Vec<NodeId> {
        let mut out = Vec::new();
        let mut stack: Vec<NodeId> = roots.to_vec();
        while let Some(id) = stack.pop() {
            if self.slots[id].topic != NONE && id != ROOT {
                out.push(id);
            }
            stack.extend_from_slice(self.children(id));
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(topics: &[&str]) -> TopicTree {
        let mut t = TopicTree::new();
        for (i, p) in topics.iter().enumerate() {
            let id = t.node_for(p).unwrap();
            t.record(id, i as u64, 1, 0, 1);
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
        let below = t.topics_below(&t.named_containing("dev4").unwrap());
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
        let reach = |f: &str| paths(&t, &t.pattern_topics(f));
        assert_eq!(reach("a/+/c"), ["a/b/c", "a/x/c"]);
        assert_eq!(reach("a/#"), ["a", "a/b/c", "a/b/d", "a/x/c"]);
        assert_eq!(reach("+/b/c"), ["a/b/c", "b/b/c"]);
        assert_eq!(reach("#"), ["a", "a/b/c", "a/b/d", "a/x/c", "b/b/c"]);
        assert!(reach("q/#").is_empty());
    }
}
