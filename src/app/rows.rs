//! What the tree and the log show, derived from the store and the view state. Shared by drawing
//! and by key/mouse handling, so both agree on what is where.

use hashbrown::HashSet;
use std::rc::Rc;

use super::App;
use super::views::{RowsCache, RowsKey};
use crate::store::{Entry, NodeId};

/// How long rows as costly to build as `cost` (rows and nodes looked at) stay in use while
/// only the tree's growth calls for a rebuild: none for small trees, then ten times what the
/// rebuild takes (about 0.12 µs a row, measured with 2M rows: mostly cache misses on the
/// nodes; 1.5 µs leaves room for slower machines), so re-flattening takes at most a tenth of
/// the time: 0.15 s for 100k rows, 3 s for 2M.
fn rebuild_interval(cost: usize) -> std::time::Duration {
    if cost < 20_000 {
        std::time::Duration::ZERO
    } else {
        std::time::Duration::from_nanos(cost as u64 * 1_500)
    }
}

impl App {
    /// Nodes kept visible by the tree filter: matching topics and their ancestors.
    fn tree_filter_keep(&self) -> Option<HashSet<NodeId>> {
        if !self.tree.filter.is_active() {
            return None;
        }
        let tree = &self.store.tree;
        let mut keep = HashSet::new();
        for id in 1..=tree.len() as NodeId {
            let node = tree.node(id);
            if !node.is_topic() || keep.contains(&id) {
                continue;
            }
            if self.tree.filter.matches(&tree.path(id)) {
                let mut cur = id;
                while cur != crate::store::tree::ROOT && keep.insert(cur) {
                    cur = tree.node(cur).parent;
                }
            }
        }
        Some(keep)
    }

    /// The tree's rows, top to bottom; cached, and kept current without rebuilding where
    /// possible: new topics under collapsed nodes leave the rows as they are, and when a flood
    /// keeps adding rows under open nodes, a large tree is re-flattened at most as often as
    /// its size allows (about 10% of the time). Expanding, collapsing and filtering rebuild at
    /// once.
    pub fn tree_rows(&self) -> Rc<Vec<NodeId>> {
        let key = RowsKey {
            structure: self.store.tree.structure_version(),
            topics: self.store.tree.topic_count(),
            expand_generation: self.tree.expand_generation,
            filter: self.tree.filter.text.clone(),
        };
        let nodes = self.store.tree.len();
        if let Some(c) = self.tree.rows_cache.borrow_mut().as_mut() {
            if c.key == key {
                return c.rows.clone();
            }
            let same_view =
                c.key.expand_generation == key.expand_generation && c.key.filter == key.filter;
            if same_view {
                if key.filter.is_empty() && !c.growth_shown {
                    if self.any_shown_since(c.nodes_seen) {
                        // Remembered, so waiting frames do not look through the new nodes again.
                        c.growth_shown = true;
                    } else {
                        c.key = key;
                        c.nodes_seen = nodes;
                        return c.rows.clone();
                    }
                }
                if self.now < c.built_at + rebuild_interval(c.cost) {
                    return c.rows.clone();
                }
            }
        }
        let rows = Rc::new(self.flatten_tree());
        let cost = rows.len() + if key.filter.is_empty() { 0 } else { nodes };
        *self.tree.rows_cache.borrow_mut() = Some(RowsCache {
            key,
            rows: rows.clone(),
            built_at: self.now,
            nodes_seen: nodes,
            growth_shown: false,
            cost,
        });
        rows
    }

    /// Whether any node added after the first `seen` has a row (all its ancestors open).
    fn any_shown_since(&self, seen: usize) -> bool {
        let tree = &self.store.tree;
        ((seen + 1)..=tree.len()).any(|id| {
            let mut cur = tree.node(id as NodeId).parent;
            while cur != crate::store::tree::ROOT {
                if !self.tree.expanded.contains(&cur) {
                    return false;
                }
                cur = tree.node(cur).parent;
            }
            true
        })
    }

    fn flatten_tree(&self) -> Vec<NodeId> {
        let tree = &self.store.tree;
        let keep = self.tree_filter_keep();
        let mut out = Vec::new();
        let mut stack: Vec<NodeId> = tree.roots().iter().rev().copied().collect();
        while let Some(id) = stack.pop() {
            if let Some(k) = &keep
                && !k.contains(&id)
            {
                continue;
            }
            out.push(id);
            let node = tree.node(id);
            let open = !node.children.is_empty()
                && match &keep {
                    Some(_) => true, // a filter shows every match, whatever was expanded
                    None => self.tree.expanded.contains(&id),
                };
            if open {
                stack.extend(node.children.iter().rev().copied());
            }
        }
        out
    }

    /// Does a log entry belong in the log as scoped and filtered?
    pub fn log_shows(&self, e: &Entry) -> bool {
        if self.log.subtree
            && let Some(sel) = self.tree.selected
            && !self.store.tree.is_within(e.node, sel)
        {
            return false;
        }
        !self.log.filter.is_active() || self.log.filter.matches(&self.store.tree.path(e.node))
    }

    /// The newest entry the log may show (the pause point while paused).
    pub fn log_newest_allowed(&self) -> Option<u64> {
        let last = self.store.log.last_seq()?;
        Some(self.log.paused_at.map_or(last, |p| p.min(last)))
    }

    /// Steps `n` matching entries from `from` (None: the newest) towards older (`back`) or newer.
    pub fn log_step(&self, from: Option<u64>, back: bool, n: usize) -> Option<u64> {
        let newest = self.log_newest_allowed()?;
        let start = from.unwrap_or(newest).min(newest);
        if let Some(seqs) = self.log_matches() {
            // Through the index: two binary searches.
            return if back {
                let end = seqs.partition_point(|s| *s <= start);
                let i = end.checked_sub(1)?;
                seqs.get(i - n.min(i)).copied()
            } else {
                let begin = seqs.partition_point(|s| *s < start);
                let end = seqs.partition_point(|s| *s <= newest);
                if begin >= end {
                    return None;
                }
                seqs.get((begin + n).min(end - 1)).copied()
            };
        }
        let mut last = None;
        if back {
            let iter = self
                .store
                .log
                .iter_back_from(start)
                .filter(|e| self.log_shows(e));
            for (i, e) in iter.enumerate() {
                last = Some(e.seq());
                if i >= n {
                    break;
                }
            }
        } else {
            let iter = self
                .store
                .log
                .iter_from(start)
                .take_while(|e| e.seq() <= newest)
                .filter(|e| self.log_shows(e));
            for (i, e) in iter.enumerate() {
                last = Some(e.seq());
                if i >= n {
                    break;
                }
            }
        }
        last
    }

    /// The log's visible rows (oldest first) for a pane `height` rows high, and which one is
    /// selected. Only what fits is looked at.
    pub fn log_window(&self, height: usize) -> (Vec<&Entry>, Option<usize>) {
        let Some(newest) = self.log_newest_allowed() else {
            return (Vec::new(), None);
        };
        if height == 0 {
            return (Vec::new(), None);
        }
        let anchor = self.log.selected.map_or(newest, |s| s.min(newest));
        if let Some(seqs) = self.log_matches() {
            return self.log_window_indexed(seqs, anchor, newest, height);
        }
        // With a selection, show some newer entries below it.
        let mut after: Vec<&Entry> = Vec::new();
        if self.log.selected.is_some() {
            after = self
                .store
                .log
                .iter_from(anchor + 1)
                .take_while(|e| e.seq() <= newest)
                .filter(|e| self.log_shows(e))
                .take(height / 2)
                .collect();
        }
        let mut rows: Vec<&Entry> = self
            .store
            .log
            .iter_back_from(anchor)
            .filter(|e| self.log_shows(e))
            .take(height - after.len())
            .collect();
        rows.reverse();
        let selected = self
            .log
            .selected
            .and_then(|s| rows.iter().position(|e| e.seq() == s));
        rows.extend(after);
        (rows, selected)
    }

    /// `log_window` through the index of matching entries.
    fn log_window_indexed(
        &self,
        seqs: &std::collections::VecDeque<u64>,
        anchor: u64,
        newest: u64,
        height: usize,
    ) -> (Vec<&Entry>, Option<usize>) {
        let upto = seqs.partition_point(|s| *s <= anchor);
        let visible_end = seqs.partition_point(|s| *s <= newest);
        let after = if self.log.selected.is_some() {
            (visible_end - upto.min(visible_end)).min(height / 2)
        } else {
            0
        };
        let before = height - after;
        let from = upto.saturating_sub(before);
        let rows: Vec<&Entry> = seqs
            .range(from..upto + after)
            .filter_map(|s| self.store.log.get(*s))
            .collect();
        let selected = self
            .log
            .selected
            .and_then(|s| rows.iter().position(|e| e.seq() == s));
        (rows, selected)
    }

    /// The entry the detail pane shows.
    pub fn detail_entry(&self) -> Option<&Entry> {
        let base = if self.detail.from_log {
            let seq = match self.log.selected {
                Some(s) => Some(s),
                None => self.log_step(None, true, 0),
            }?;
            self.store.log.get(seq)?
        } else {
            let node = self.tree.selected?;
            self.store.last(node)?
        };
        if self.detail.back == 0 {
            return Some(base);
        }
        self.store
            .history(base.node)
            .rev()
            .filter(|e| e.seq() <= base.seq())
            .nth(self.detail.back)
            .or(Some(base))
    }

    /// The detail's entry with its payload decoded (once per message and page, then cached).
    pub fn detail_shown(&self) -> Option<(&Entry, Rc<crate::decode::Shown>)> {
        let e = self.detail_entry()?;
        let topic = self.store.tree.path(e.node);
        let msg = crate::decode::Payload {
            seq: e.seq(),
            topic: &topic,
            bytes: &e.payload,
            properties: self.store.properties(e),
        };
        let shown = self
            .detail
            .cache
            .borrow_mut()
            .get(&self.decoders, msg, self.detail.page, None);
        Some((e, shown))
    }

    /// How many older messages of the detail's topic are kept.
    pub fn detail_history_len(&self) -> usize {
        self.detail_entry()
            .map(|e| self.store.tree.node(e.node).history.len())
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use crate::app::App;
    use crate::store::Limits;

    use crate::app::test_support::message as msg;

    #[test]
    fn row_cache_follows_new_topics_and_expansion() {
        let now = Instant::now();
        let mut app = App::new(Vec::new(), Limits::default(), now);
        app.on_mqtt(msg("a/b"), now);
        let first = app.tree_rows();
        assert!(
            std::rc::Rc::ptr_eq(&first, &app.tree_rows()),
            "cached while nothing changes"
        );
        app.tree.expand(app.store.tree.find("a").unwrap());
        assert_eq!(app.tree_rows().len(), 2, "expansion rebuilds");
        app.on_mqtt(msg("a/c"), now);
        assert_eq!(app.tree_rows().len(), 3, "a new topic rebuilds");
        app.on_mqtt(msg("a/c"), now);
        let again = app.tree_rows();
        assert!(
            std::rc::Rc::ptr_eq(&again, &app.tree_rows()),
            "a message on a known topic does not"
        );
    }

    #[test]
    fn growth_out_of_sight_keeps_the_rows_and_big_trees_rebuild_at_a_measured_pace() {
        let now = Instant::now();
        let mut app = App::new(Vec::new(), Limits::default(), now);
        app.on_mqtt(msg("a/b"), now);
        let rows = app.tree_rows();
        app.on_mqtt(msg("a/c"), now);
        assert!(
            std::rc::Rc::ptr_eq(&rows, &app.tree_rows()),
            "a topic under collapsed 'a' adds no row"
        );
        app.tree.expand(app.store.tree.find("a").unwrap());
        assert_eq!(app.tree_rows().len(), 3, "expanding rebuilds at once");

        // A big open subtree: growth is picked up once the rows are old enough.
        for i in 0..30_000 {
            app.on_mqtt(msg(&format!("a/n{i}")), now);
        }
        app.now += std::time::Duration::from_secs(1);
        let big = app.tree_rows().len();
        assert_eq!(big, 30_003);
        app.on_mqtt(msg("a/late"), now);
        assert_eq!(
            app.tree_rows().len(),
            big,
            "too soon to flatten 30k rows again"
        );
        app.now += std::time::Duration::from_secs(1);
        assert_eq!(
            app.tree_rows().len(),
            big + 1,
            "picked up after the interval"
        );
    }
}
