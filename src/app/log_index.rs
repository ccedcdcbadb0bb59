//! The log as filtered and scoped, kept up to date as messages arrive instead of searched at
//! every frame: with a filter that few messages match, finding a screenful would otherwise mean
//! walking back through millions of entries (and building each one's topic) 30 times a second.
//!
//! The index holds the sequence numbers of the matching entries, oldest first. Whether a topic
//! matches is decided once per topic and remembered. A new filter or scope rebuilds it in one
//! pass over the log; new messages are appended as they are filed; entries the store let go of
//! fall off the front.

use std::collections::VecDeque;

use super::App;
use crate::store::NodeId;

/// What the index was built for: the log filter's text and the subtree in scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexKey {
    pub filter: String,
    pub scope: Option<NodeId>,
}

#[derive(Debug, Default)]
pub struct LogIndex {
    key: Option<IndexKey>,
    seqs: VecDeque<u64>,
    /// The next sequence number to look at.
    next: u64,
    /// Per node: 0 not decided yet, 1 shown, 2 hidden.
    verdict: Vec<u8>,
}

impl LogIndex {
    fn built_for(&self, filter: &str, scope: Option<NodeId>) -> bool {
        self.key
            .as_ref()
            .is_some_and(|k| k.filter == filter && k.scope == scope)
    }
}

impl App {
    /// The subtree the log is scoped to, if any.
    fn log_scope(&self) -> Option<NodeId> {
        if self.log.subtree {
            self.tree.selected
        } else {
            None
        }
    }

    /// Whether the log is filtered or scoped (and so read through the index).
    pub fn log_is_narrowed(&self) -> bool {
        self.log_scope().is_some() || self.log.filter.is_active()
    }

    /// Brings the index up to date with the log and the current filter and scope. Called after
    /// every change to either, so drawing (which may not change state) finds it current.
    pub fn refresh_log_index(&mut self) {
        if !self.log_is_narrowed() {
            if self.log.index.key.is_some() {
                self.log.index = LogIndex::default();
            }
            return;
        }
        let scope = self.log_scope();
        let mut idx = std::mem::take(&mut self.log.index);
        if !idx.built_for(&self.log.filter.text, scope) {
            let key = Some(IndexKey {
                filter: self.log.filter.text.clone(),
                scope,
            });
            idx = LogIndex {
                next: if self.store.log.is_empty() {
                    0
                } else {
                    self.store.log.first_seq()
                },
                key,
                ..LogIndex::default()
            };
        }
        if idx.key.is_some()
            && let Some(last) = self.store.log.last_seq()
        {
            let first = self.store.log.first_seq();
            while idx.seqs.front().is_some_and(|s| *s < first) {
                idx.seqs.pop_front();
            }
            idx.next = idx.next.max(first);
            if idx.next <= last {
                let tree = &self.store.tree;
                if idx.verdict.len() <= tree.len() {
                    idx.verdict.resize(tree.len() + 1, 0);
                }
                for e in self.store.log.iter_from(idx.next) {
                    let v = &mut idx.verdict[e.node as usize];
                    if *v == 0 {
                        *v = if self.log_shows(e) { 1 } else { 2 };
                    }
                    if *v == 1 {
                        idx.seqs.push_back(e.seq());
                    }
                }
                idx.next = last + 1;
            }
        }
        self.log.index = idx;
    }

    /// The matching seqs, oldest first, when the log is filtered or scoped and the index is
    /// current (it always is after an event; otherwise callers search the log itself).
    pub(super) fn log_matches(&self) -> Option<&VecDeque<u64>> {
        let idx = &self.log.index;
        let current = self.log_is_narrowed()
            && idx.built_for(&self.log.filter.text, self.log_scope())
            && self.store.log.last_seq().is_none_or(|last| idx.next > last);
        current.then_some(&idx.seqs)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use crate::app::App;
    use crate::store::Limits;

    fn feed(app: &mut App, topic: &str, now: Instant) {
        app.on_mqtt(crate::app::test_support::message(topic), now);
    }

    /// What the log shows, by searching it entry by entry (the index must agree).
    fn searched(app: &App) -> Vec<u64> {
        app.store
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
        assert!(all[0] >= app.store.log.first_seq());

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
