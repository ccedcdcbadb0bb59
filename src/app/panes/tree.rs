//! The topic tree pane: expansion, selection, filter, and the flattened rows it shows. Rows are
//! cached and kept current without rebuilding where possible, so a frame costs what the screen
//! shows, not what the broker holds.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::{Duration, Instant};

use hashbrown::HashSet;

use crate::app::filter::{Filter, Narrow};
use crate::app::keymap::Action;
use crate::store::tree::ROOT;
use crate::store::{NodeId, Store};

/// The store's clock (ms) as of `now`, for the rates an order reads.
fn key_now_ms(store: &Store, now: Instant) -> u32 {
    store.rate.current_millis(now)
}

/// How long rows as costly to build as `cost` (rows and nodes looked at) stay in use while
/// only the tree's growth calls for a rebuild: none for small trees, then ten times what the
/// rebuild takes (107.8 ms for 2M rows, about 0.05 µs a row, in `cargo bench --bench
/// store_and_frames`; 1.5 µs leaves wide room for slower machines and colder caches), so
/// re-flattening takes at most a tenth of the time: 0.15 s for 100k rows, 3 s for 2M.
fn rebuild_interval(cost: usize) -> Duration {
    if cost < 20_000 {
        Duration::ZERO
    } else {
        Duration::from_nanos(cost as u64 * 1_500)
    }
}

#[derive(Debug, Default)]
pub struct TreeView {
    pub expanded: HashSet<NodeId>,
    pub selected: Option<NodeId>,
    pub filter: Filter,
    /// First visible row; kept by drawing so the selection stays in view.
    pub top: Cell<usize>,
    /// Bumped on every change to `expanded`.
    pub expand_generation: u64,
    /// How each level is ordered (`o`).
    pub order: super::tree_order::Order,
    /// The flattened rows and what they were derived from: rebuilt only when the tree's shape,
    /// its set of topics, the expansion or the filter changed.
    pub rows_cache: RefCell<Option<RowsCache>>,
}

#[derive(Debug)]
pub struct RowsCache {
    pub key: RowsKey,
    pub rows: Rc<Vec<NodeId>>,
    /// The app's clock when built.
    pub built_at: Instant,
    /// Nodes in the tree when built (node ids are given out in order).
    pub nodes_seen: usize,
    /// Some node added since has a row: the rows are due for a rebuild.
    pub growth_shown: bool,
    /// Rows and nodes looked at to build them.
    pub cost: usize,
    /// Topics the filter matched, when there is one.
    pub matched: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowsKey {
    pub structure: u64,
    pub topics: u32,
    pub expand_generation: u64,
    pub filter: String,
    /// Messages filed, when the filter reads payloads (a new one can change what matches).
    pub messages: u64,
    pub order: super::tree_order::Order,
    /// The second, for an order that follows the traffic (re-sorted once a second).
    pub tick: u32,
}

impl TreeView {
    pub fn expand(&mut self, id: NodeId) -> bool {
        self.expand_generation += 1;
        self.expanded.insert(id)
    }

    pub fn collapse(&mut self, id: NodeId) -> bool {
        self.expand_generation += 1;
        self.expanded.remove(&id)
    }

    /// Expands every ancestor of `id`, so it has a row.
    pub fn reveal(&mut self, store: &Store, id: NodeId) {
        let mut cur = store.tree.parent(id);
        while cur != ROOT {
            self.expand(cur);
            cur = store.tree.parent(cur);
        }
    }

    pub fn collapse_all(&mut self) {
        self.expand_generation += 1;
        self.expanded.clear();
    }

    /// Nodes kept visible by the filter: matching topics (by their newest message) and their
    /// ancestors, and how many topics matched.
    fn filter_keep(&self, store: &Store) -> Option<(HashSet<NodeId>, usize)> {
        if !self.filter.is_active() {
            return None;
        }
        let tree = &store.tree;
        let mut keep = HashSet::new();
        let mut matched = 0;
        // Only the topics a term finds in the tree, when one can: at a million topics, building
        // and testing every path took 130 ms a keystroke.
        let candidates = match self.filter.narrowing() {
            Some(Narrow::Name(text)) => tree
                .named_containing(&text)
                .map(|nodes| tree.topics_below(&nodes)),
            Some(Narrow::Pattern(f)) => Some(tree.pattern_topics(&f)),
            None => None,
        }
        .unwrap_or_else(|| {
            (1..=tree.len() as NodeId)
                .filter(|&id| tree.is_topic(id))
                .collect()
        });
        let payloads = self.filter.reads_payload();
        for id in candidates {
            let payload = match payloads {
                true => store.last(id).map(|e| store.payload(e)),
                false => None,
            };
            if self.filter.matches_message(&tree.path(id), payload) {
                matched += 1;
                let mut cur = id;
                while cur != ROOT && keep.insert(cur) {
                    cur = tree.parent(cur);
                }
            }
        }
        Some((keep, matched))
    }

    /// How many topics the filter matched when the rows were last built.
    pub fn matched(&self) -> Option<usize> {
        self.rows_cache.borrow().as_ref().and_then(|c| c.matched)
    }

    /// The rows, top to bottom; cached, and kept current without rebuilding where possible:
    /// new topics under collapsed nodes leave the rows as they are, and when a flood keeps
    /// adding rows under open nodes, a large tree is re-flattened at most as often as its size
    /// allows (about 10% of the time). Expanding, collapsing and filtering rebuild at once.
    pub fn rows(&self, store: &Store, now: Instant) -> Rc<Vec<NodeId>> {
        let key = RowsKey {
            structure: store.tree.structure_version(),
            topics: store.tree.topic_count(),
            expand_generation: self.expand_generation,
            filter: self.filter.text.clone(),
            messages: if self.filter.reads_payload() {
                store.tree.msg_count()
            } else {
                0
            },
            order: self.order,
            tick: if self.order.follows_traffic() {
                store.rate.current_millis(now) / 1000
            } else {
                0
            },
        };
        let nodes = store.tree.len();
        if let Some(c) = self.rows_cache.borrow_mut().as_mut() {
            if c.key == key {
                return c.rows.clone();
            }
            let same_view = c.key.expand_generation == key.expand_generation
                && c.key.filter == key.filter
                && c.key.order == key.order
                && c.key.tick == key.tick;
            if same_view {
                if key.filter.is_empty() && !c.growth_shown {
                    if self.any_shown_since(store, c.nodes_seen) {
                        // Remembered, so waiting frames do not look through the new nodes again.
                        c.growth_shown = true;
                    } else {
                        c.key = key;
                        c.nodes_seen = nodes;
                        return c.rows.clone();
                    }
                }
                if now < c.built_at + rebuild_interval(c.cost) {
                    return c.rows.clone();
                }
            }
        }
        let (rows, matched) = self.flatten(store, key_now_ms(store, now));
        let rows = Rc::new(rows);
        let cost = rows.len() + if key.filter.is_empty() { 0 } else { nodes };
        *self.rows_cache.borrow_mut() = Some(RowsCache {
            key,
            rows: rows.clone(),
            built_at: now,
            nodes_seen: nodes,
            growth_shown: false,
            cost,
            matched,
        });
        rows
    }

    /// Whether any node added after the first `seen` has a row (all its ancestors open).
    fn any_shown_since(&self, store: &Store, seen: usize) -> bool {
        let tree = &store.tree;
        ((seen + 1)..=tree.len()).any(|id| {
            let mut cur = tree.parent(id as NodeId);
            while cur != ROOT {
                if !self.expanded.contains(&cur) {
                    return false;
                }
                cur = tree.parent(cur);
            }
            true
        })
    }

    /// The rows, and how many topics the filter matched.
    fn flatten(&self, store: &Store, now_ms: u32) -> (Vec<NodeId>, Option<usize>) {
        let tree = &store.tree;
        let order = self.order;
        // A level's ids in the order shown (the tree keeps them by name).
        let level = |ids: &[NodeId]| -> Vec<NodeId> {
            let mut ids = ids.to_vec();
            order.sort(tree, now_ms, &mut ids);
            ids
        };
        let (keep, matched) = match self.filter_keep(store) {
            Some((k, n)) => (Some(k), Some(n)),
            None => (None, None),
        };
        let mut out = Vec::new();
        let named = order == super::tree_order::Order::Name;
        let mut stack: Vec<NodeId> = match named {
            true => tree.roots().iter().rev().copied().collect(),
            false => level(tree.roots()).into_iter().rev().collect(),
        };
        while let Some(id) = stack.pop() {
            if let Some(k) = &keep
                && !k.contains(&id)
            {
                continue;
            }
            out.push(id);
            // Whether it is open first, its children only then: the set of open nodes is
            // small and in cache, while a row's slot is a cache miss, in no order once a level
            // is sorted by traffic (a seventh of sorting an open site of 100,000). The children
            // alone: `tree.node` gathers sums this does not read (a quarter of the time of
            // expanding 100,000 rows went there).
            let shows_children = match &keep {
                Some(_) => true, // a filter shows every match, whatever was expanded
                None => self.expanded.contains(&id),
            };
            let children = match shows_children {
                true => tree.children(id),
                false => &[],
            };
            let open = !children.is_empty();
            // By name, the tree's own order: no copy of the level.
            if open && named {
                stack.extend(children.iter().rev().copied());
            } else if open {
                stack.extend(level(children).into_iter().rev());
            }
        }
        (out, matched)
    }

    /// The row a movement key lands on, `page` rows to a page.
    pub fn step(&self, store: &Store, now: Instant, action: Action, page: usize) -> Option<NodeId> {
        let rows = self.rows(store, now);
        let last = rows.len().checked_sub(1)?;
        let cur = self
            .selected
            .and_then(|s| rows.iter().position(|r| *r == s));
        let next = match (action, cur) {
            (Action::Up, Some(i)) => i.saturating_sub(1),
            (Action::Down, Some(i)) => (i + 1).min(last),
            (Action::PageUp, Some(i)) => i.saturating_sub(page),
            (Action::PageDown, Some(i)) => (i + page).min(last),
            (Action::End, _) => last,
            _ => 0,
        };
        rows.get(next).copied()
    }

    /// →/l/Enter: opens the selected node (Enter on an open node closes it).
    pub fn expand_selected(&mut self, store: &Store, toggle: bool) {
        let Some(sel) = self.selected else { return };
        if store.tree.children(sel).is_empty() {
            return;
        }
        if !self.expand(sel) && toggle {
            self.collapse(sel);
        }
    }

    /// ←/h: closes the selected node, or returns its parent to move to.
    pub fn collapse_selected(&mut self, store: &Store) -> Option<NodeId> {
        let sel = self.selected?;
        if self.collapse(sel) {
            return None;
        }
        let parent = store.tree.parent(sel);
        (parent != ROOT).then_some(parent)
    }

    /// `*`: opens everything below the selection.
    pub fn expand_all_below(&mut self, store: &Store) {
        let Some(sel) = self.selected else { return };
        let mut stack = vec![sel];
        while let Some(id) = stack.pop() {
            let children = store.tree.children(id);
            if !children.is_empty() {
                self.expand(id);
                stack.extend(children.iter().copied());
            }
        }
    }

    /// `-`: closes everything and selects the selection's top-level ancestor.
    pub fn collapse_everything(&mut self, store: &Store) {
        self.collapse_all();
        if let Some(sel) = self.selected {
            self.selected = Some(root_of(store, sel));
        }
    }

    /// After a filter change: if the selected node is filtered out, select the first row.
    pub fn keep_selection_visible(&mut self, store: &Store, now: Instant) {
        let rows = self.rows(store, now);
        if self.selected.is_none_or(|s| !rows.contains(&s)) {
            self.selected = rows.first().copied();
        }
    }
}

/// The top-level ancestor of a node.
pub fn root_of(store: &Store, mut id: NodeId) -> NodeId {
    while store.tree.parent(id) != ROOT {
        id = store.tree.parent(id);
    }
    id
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
        app.update(
            crate::app::Msg::Mqtt(crate::app::ConnId::FIRST, vec![msg("a/b")]),
            crate::app::Clock::at(now),
        );
        let first = app.tree_rows();
        assert!(
            std::rc::Rc::ptr_eq(&first, &app.tree_rows()),
            "cached while nothing changes"
        );
        app.tree.expand(app.link.store.tree.find("a").unwrap());
        assert_eq!(app.tree_rows().len(), 2, "expansion rebuilds");
        app.update(
            crate::app::Msg::Mqtt(crate::app::ConnId::FIRST, vec![msg("a/c")]),
            crate::app::Clock::at(now),
        );
        assert_eq!(app.tree_rows().len(), 3, "a new topic rebuilds");
        app.update(
            crate::app::Msg::Mqtt(crate::app::ConnId::FIRST, vec![msg("a/c")]),
            crate::app::Clock::at(now),
        );
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
        app.update(
            crate::app::Msg::Mqtt(crate::app::ConnId::FIRST, vec![msg("a/b")]),
            crate::app::Clock::at(now),
        );
        app.tree.collapse_all(); // the first topic was opened
        let rows = app.tree_rows();
        app.update(
            crate::app::Msg::Mqtt(crate::app::ConnId::FIRST, vec![msg("a/c")]),
            crate::app::Clock::at(now),
        );
        assert!(
            std::rc::Rc::ptr_eq(&rows, &app.tree_rows()),
            "a topic under collapsed 'a' adds no row"
        );
        app.tree.expand(app.link.store.tree.find("a").unwrap());
        assert_eq!(app.tree_rows().len(), 3, "expanding rebuilds at once");

        // A big open subtree: growth is picked up once the rows are old enough.
        for i in 0..30_000 {
            app.update(
                crate::app::Msg::Mqtt(crate::app::ConnId::FIRST, vec![msg(&format!("a/n{i}"))]),
                crate::app::Clock::at(now),
            );
        }
        let later = now + std::time::Duration::from_secs(1);
        app.now = later;
        let big = app.tree_rows().len();
        assert_eq!(big, 30_003);
        app.update(
            crate::app::Msg::Mqtt(crate::app::ConnId::FIRST, vec![msg("a/late")]),
            crate::app::Clock::at(later),
        );
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
