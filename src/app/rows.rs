//! What the tree and the log show, derived from the store and the view state. Shared by drawing
//! and by key/mouse handling, so both agree on what is where.

use std::collections::HashSet;
use std::rc::Rc;

use super::App;
use super::views::RowsKey;
use crate::store::{Entry, NodeId};

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

    /// The tree's rows, top to bottom; cached until the tree's shape, topics, expansion or
    /// filter change.
    pub fn tree_rows(&self) -> Rc<Vec<NodeId>> {
        let key = RowsKey {
            structure: self.store.tree.structure_version(),
            topics: self.store.tree.topic_count(),
            expand_generation: self.tree.expand_generation,
            filter: self.tree.filter.text.clone(),
        };
        if let Some((k, rows)) = self.tree.rows_cache.borrow().as_ref()
            && *k == key
        {
            return rows.clone();
        }
        let rows = Rc::new(self.flatten_tree());
        *self.tree.rows_cache.borrow_mut() = Some((key, rows.clone()));
        rows
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
            let open = match &keep {
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

    /// How many older messages of the detail's topic are kept.
    pub fn detail_history_len(&self) -> usize {
        self.detail_entry()
            .map(|e| self.store.tree.node(e.node).history.len())
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Instant, SystemTime};

    use crate::app::App;
    use crate::mqtt::{Message, MqttEvent, QoS};
    use crate::store::Limits;

    fn msg(t: &str) -> MqttEvent {
        MqttEvent::Message(Message {
            topic: t.into(),
            payload: bytes::Bytes::from_static(b"1"),
            qos: QoS::AtMostOnce,
            retain: false,
            dup: false,
            received: SystemTime::now(),
            properties: None,
        })
    }

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
}
