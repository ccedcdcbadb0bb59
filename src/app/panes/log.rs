//! The message log pane: follow or select, pause, scope to the tree's subtree, filter. A
//! filtered or scoped log is read through an index kept current as messages arrive
//! (`log_index.rs`), so a frame looks at what fits on the screen, not at the whole log.

use std::collections::VecDeque;

use crate::app::App;
use crate::app::filter::Filter;
use crate::app::log_index::{IndexKey, LogIndex};
use crate::store::{Entry, NodeId, Store};

#[derive(Debug, Default)]
pub struct LogView {
    /// Selected entry; None follows the newest.
    pub selected: Option<u64>,
    /// While paused, only entries up to this one are shown.
    pub paused_at: Option<u64>,
    /// Show only messages under the tree's selected node.
    pub subtree: bool,
    pub filter: Filter,
    /// The entries that pass `filter` and `subtree`, kept current by the app.
    pub index: LogIndex,
}

impl LogView {
    /// Does a log entry belong in the log as scoped and filtered?
    pub fn shows(&self, store: &Store, scope: Option<NodeId>, e: &Entry) -> bool {
        if let Some(sel) = scope
            && !store.tree.is_within(e.node, sel)
        {
            return false;
        }
        !self.filter.is_active()
            || self
                .filter
                .matches_message(&store.tree.path(e.node), Some(store.payload(e)))
    }

    /// The newest entry the log may show (the pause point while paused).
    pub fn newest_allowed(&self, store: &Store) -> Option<u64> {
        let last = store.log.last_seq()?;
        Some(self.paused_at.map_or(last, |p| p.min(last)))
    }

    /// Steps `n` matching entries from `from` (None: the newest) towards older (`back`) or newer.
    pub fn step(
        &self,
        store: &Store,
        scope: Option<NodeId>,
        from: Option<u64>,
        back: bool,
        n: usize,
    ) -> Option<u64> {
        let newest = self.newest_allowed(store)?;
        let start = from.unwrap_or(newest).min(newest);
        if let Some(seqs) = self.matches(store, scope) {
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
            let iter = store
                .log
                .iter_back_from(start)
                .filter(|e| self.shows(store, scope, e));
            for (i, e) in iter.enumerate() {
                last = Some(e.seq());
                if i >= n {
                    break;
                }
            }
        } else {
            let iter = store
                .log
                .iter_from(start)
                .take_while(|e| e.seq() <= newest)
                .filter(|e| self.shows(store, scope, e));
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
    pub fn window<'s>(
        &self,
        store: &'s Store,
        scope: Option<NodeId>,
        height: usize,
    ) -> (Vec<&'s Entry>, Option<usize>) {
        let Some(newest) = self.newest_allowed(store) else {
            return (Vec::new(), None);
        };
        if height == 0 {
            return (Vec::new(), None);
        }
        let anchor = self.selected.map_or(newest, |s| s.min(newest));
        if let Some(seqs) = self.matches(store, scope) {
            return self.window_indexed(store, seqs, anchor, newest, height);
        }
        // With a selection, show some newer entries below it.
        let mut after: Vec<&'s Entry> = Vec::new();
        if self.selected.is_some() {
            after = store
                .log
                .iter_from(anchor + 1)
                .take_while(|e| e.seq() <= newest)
                .filter(|e| self.shows(store, scope, e))
                .take(height / 2)
                .collect();
        }
        let mut rows: Vec<&'s Entry> = store
            .log
            .iter_back_from(anchor)
            .filter(|e| self.shows(store, scope, e))
            .take(height - after.len())
            .collect();
        rows.reverse();
        let selected = self
            .selected
            .and_then(|s| rows.iter().position(|e| e.seq() == s));
        rows.extend(after);
        (rows, selected)
    }

    /// `log_window` through the index of matching entries.
    fn window_indexed<'s>(
        &self,
        store: &'s Store,
        seqs: &VecDeque<u64>,
        anchor: u64,
        newest: u64,
        height: usize,
    ) -> (Vec<&'s Entry>, Option<usize>) {
        let upto = seqs.partition_point(|s| *s <= anchor);
        let visible_end = seqs.partition_point(|s| *s <= newest);
        let after = if self.selected.is_some() {
            (visible_end - upto.min(visible_end)).min(height / 2)
        } else {
            0
        };
        let before = height - after;
        let from = upto.saturating_sub(before);
        let rows: Vec<&'s Entry> = seqs
            .range(from..upto + after)
            .filter_map(|s| store.log.get(*s))
            .collect();
        let selected = self
            .selected
            .and_then(|s| rows.iter().position(|e| e.seq() == s));
        (rows, selected)
    }

    /// The subtree the log is scoped to, given the tree's selection.
    pub fn scope(&self, tree_selected: Option<NodeId>) -> Option<NodeId> {
        if self.subtree { tree_selected } else { None }
    }

    /// Whether the log is filtered or scoped (and so read through the index).
    pub fn is_narrowed(&self, scope: Option<NodeId>) -> bool {
        scope.is_some() || self.filter.is_active()
    }

    /// Brings the index up to date with the log and the current filter and scope. Called after
    /// every change to either, so drawing (which may not change state) finds it current.
    pub fn refresh_index(&mut self, store: &Store, scope: Option<NodeId>) {
        if !self.is_narrowed(scope) {
            if self.index.key.is_some() {
                self.index = LogIndex::default();
            }
            return;
        }
        let mut idx = std::mem::take(&mut self.index);
        if !idx.built_for(&self.filter.text, scope) {
            let key = Some(IndexKey {
                filter: self.filter.text.clone(),
                scope,
            });
            idx = LogIndex {
                next: if store.log.is_empty() {
                    0
                } else {
                    store.log.first_seq()
                },
                key,
                ..LogIndex::default()
            };
        }
        if idx.key.is_some()
            && let Some(last) = store.log.last_seq()
        {
            let first = store.log.first_seq();
            while idx.seqs.front().is_some_and(|s| *s < first) {
                idx.seqs.pop_front();
            }
            idx.next = idx.next.max(first);
            if idx.next <= last {
                let tree = &store.tree;
                if idx.verdict.len() <= tree.len() {
                    idx.verdict.resize(tree.len() + 1, 0);
                }
                // A filter on payloads decides message by message; else once per topic.
                let per_message = self.filter.reads_payload();
                for e in store.log.iter_from(idx.next) {
                    let shown = if per_message {
                        self.shows(store, scope, e)
                    } else {
                        let v = &mut idx.verdict[e.node as usize];
                        if *v == 0 {
                            *v = if self.shows(store, scope, e) { 1 } else { 2 };
                        }
                        *v == 1
                    };
                    if shown {
                        idx.seqs.push_back(e.seq());
                    }
                }
                idx.next = last + 1;
            }
        }
        self.index = idx;
    }

    /// While paused: the messages filed since that the log would show, within its filter and
    /// scope (it once counted every message, those outside its subtree too).
    pub fn new_since_pause(&self, store: &Store, scope: Option<NodeId>) -> u64 {
        let (Some(p), Some(last)) = (self.paused_at, store.log.last_seq()) else {
            return 0;
        };
        if !self.is_narrowed(scope) {
            return last.saturating_sub(p);
        }
        match self.matches(store, scope) {
            Some(seqs) => (seqs.len() - seqs.partition_point(|s| *s <= p)) as u64,
            // (The index is current after every message; counted the slow way otherwise.)
            None => store
                .log
                .iter_from(p + 1)
                .filter(|e| self.shows(store, scope, e))
                .count() as u64,
        }
    }

    /// The matching seqs, oldest first, when the log is filtered or scoped and the index is
    /// current (it always is after an event; otherwise callers search the log itself).
    pub fn matches(&self, store: &Store, scope: Option<NodeId>) -> Option<&VecDeque<u64>> {
        let idx = &self.index;
        let current = self.is_narrowed(scope)
            && idx.built_for(&self.filter.text, scope)
            && store.log.last_seq().is_none_or(|last| idx.next > last);
        current.then_some(&idx.seqs)
    }
}

/// The app's view of the log: the scope comes from the tree's selection.
impl App {
    pub fn log_scope(&self) -> Option<NodeId> {
        self.log.scope(self.tree.selected)
    }

    pub fn log_is_narrowed(&self) -> bool {
        self.log.is_narrowed(self.log_scope())
    }

    pub fn log_shows(&self, e: &Entry) -> bool {
        self.log.shows(&self.link.store, self.log_scope(), e)
    }

    pub fn log_step(&self, from: Option<u64>, back: bool, n: usize) -> Option<u64> {
        self.log
            .step(&self.link.store, self.log_scope(), from, back, n)
    }

    pub fn log_window(&self, height: usize) -> (Vec<&Entry>, Option<usize>) {
        self.log.window(&self.link.store, self.log_scope(), height)
    }

    /// Brings the log index up to date; called after every event, so drawing finds it current.
    pub fn refresh_log_index(&mut self) {
        let scope = self.log_scope();
        self.log.refresh_index(&self.link.store, scope);
    }

    #[cfg(test)]
    pub(in crate::app) fn log_matches(&self) -> Option<&VecDeque<u64>> {
        self.log.matches(&self.link.store, self.log_scope())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use crate::app::App;
    use crate::store::Limits;

    fn feed(app: &mut App, topic: &str, now: Instant) {
        app.update(
            crate::app::Msg::Mqtt(
                crate::app::ConnId::FIRST,
                vec![crate::app::test_support::message(topic)],
            ),
            crate::app::Clock::at(now),
        );
    }

    /// A paused log scoped to a subtree counts only the new messages it would show.
    #[test]
    fn paused_new_counts_only_what_the_scope_shows() {
        let now = Instant::now();
        let mut app = App::new(Vec::new(), Limits::default(), now);
        feed(&mut app, "a/x", now);
        feed(&mut app, "b/y", now);
        app.tree.selected = app.link.store.tree.find("a");
        app.log.subtree = true;
        app.log.paused_at = app.link.store.log.last_seq();
        for topic in ["a/x", "b/y", "b/y", "a/z", "b/y"] {
            feed(&mut app, topic, now);
        }
        let scope = app.log_scope();
        assert_eq!(app.log.new_since_pause(&app.link.store, scope), 2);
        app.log.subtree = false;
        app.refresh_log_index();
        assert_eq!(app.log.new_since_pause(&app.link.store, None), 5);
    }

    /// What the log shows, by searching it entry by entry (the index must agree).
    fn searched(app: &App) -> Vec<u64> {
        app.link
            .store
            .log
            .iter_from(0)
            .filter(|e| app.log_shows(e))
            .map(|e| e.seq())
            .collect()
    }

    #[test]
    fn follows_new_messages_filter_changes_and_trimming() {
        let now = Instant::now();
        let mut app = App::new(
            Vec::new(),
            Limits {
                log_entries: 50,
                ..Limits::default()
            },
            now,
        );
        for i in 0..30 {
            feed(
                &mut app,
                &format!("site/{}/temp", ["a", "b", "c"][i % 3]),
                now,
            );
        }
        app.log.filter.text = "site/b/#".into();
        app.refresh_log_index();
        let all = searched(&app);
        assert_eq!(all.len(), 10);
        assert_eq!(app.log_matches().map(|s| s.len()), Some(10));
        let (rows, _) = app.log_window(4);
        let shown: Vec<u64> = rows.iter().map(|e| e.seq()).collect();
        assert_eq!(shown, all[6..], "the newest four matches");

        // New messages are appended as they are filed; old ones fall off with the log.
        for i in 0..60 {
            feed(
                &mut app,
                &format!("site/{}/temp", ["a", "b", "c"][i % 3]),
                now,
            );
        }
        let all = searched(&app);
        assert_eq!(
            app.log_matches()
                .map(|s| s.iter().copied().collect::<Vec<_>>()),
            Some(all.clone())
        );
        assert!(all[0] >= app.link.store.log.first_seq());

        // Stepping through the index agrees with stepping through the log.
        let newest = *all.last().unwrap();
        assert_eq!(app.log_step(None, true, 0), Some(newest));
        assert_eq!(
            app.log_step(Some(newest), true, 2),
            Some(all[all.len() - 3])
        );
        assert_eq!(
            app.log_step(Some(all[0]), true, 5),
            Some(all[0]),
            "stops at the oldest"
        );
        assert_eq!(app.log_step(Some(all[1] - 1), false, 0), Some(all[1]));
        assert_eq!(app.log_step(Some(all[0]), false, 100), Some(newest));
        assert_eq!(app.log_step(Some(newest + 1), false, 0), None);

        // With a selection in the middle, some newer matches show below it.
        app.log.selected = Some(all[5]);
        let (rows, sel) = app.log_window(6);
        let shown: Vec<u64> = rows.iter().map(|e| e.seq()).collect();
        assert_eq!(shown, all[3..9]);
        assert_eq!(sel, Some(2));

        // A filter nothing matches: an empty log pane, found without a search.
        app.log.selected = None;
        app.log.filter.text = "nothing/+".into();
        app.refresh_log_index();
        assert_eq!(app.log_matches().map(|s| s.len()), Some(0));
        assert!(app.log_window(10).0.is_empty());

        // No filter and no scope: the log is read directly.
        app.log.filter.text.clear();
        app.refresh_log_index();
        assert!(app.log_matches().is_none());
        assert_eq!(app.log_window(10).0.len(), 10);
    }
}
