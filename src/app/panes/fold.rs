//! The detail's tree view of a structured payload: folding (`z` the map or list at the top row,
//! `Z` everything below the top level), jumps to its start and end (`{` `}`), and where the
//! view is ("rows 120–150 of 5,012"). Folds are kept per topic by path, so they survive new
//! messages of the same shape; the laid-out rows are cached per message and fold state.

use std::collections::HashSet;
use std::rc::Rc;

use crate::app::App;
use crate::decode::Shown;
use crate::decode::outline::{self, Outline};
use crate::store::NodeId;

/// The folds of the topic shown, and the rows last laid out.
#[derive(Debug, Default)]
pub struct Folds {
    node: Option<NodeId>,
    paths: HashSet<String>,
    /// Bumped on every fold change, so the cached rows are laid out again.
    generation: u64,
    cache: std::cell::RefCell<Option<(CacheKey, Rc<Outline>)>>,
}

/// The decoded message (held, so its address cannot be reused while cached), its topic, and
/// the folds' generation.
type CacheKey = (Rc<Shown>, NodeId, u64);

impl Folds {
    fn paths_for(&mut self, node: NodeId) -> &mut HashSet<String> {
        if self.node != Some(node) {
            self.node = Some(node);
            self.paths.clear();
        }
        self.generation += 1;
        &mut self.paths
    }
}

impl App {
    /// The shown payload's rows, when it is a tree (a map or a list).
    pub fn detail_outline(&self) -> Option<Rc<Outline>> {
        let (e, shown) = self.detail_shown()?;
        let tree = shown.result.as_ref().ok().filter(|d| outline::is_tree(d))?;
        let folds = &self.detail.folds;
        let key_gen = if folds.node == Some(e.node) {
            folds.generation
        } else {
            0
        };
        if let Some((k, rows)) = folds.cache.borrow().as_ref()
            && Rc::ptr_eq(&k.0, &shown)
            && k.1 == e.node
            && k.2 == key_gen
        {
            return Some(rows.clone());
        }
        let empty = HashSet::new();
        let paths = if folds.node == Some(e.node) {
            &folds.paths
        } else {
            &empty
        };
        let rows = Rc::new(outline::build(tree, paths));
        *folds.cache.borrow_mut() = Some(((shown.clone(), e.node, key_gen), rows.clone()));
        Some(rows)
    }

    /// Rows of the detail's payload that fit under its header lines.
    pub fn detail_visible_rows(&self) -> usize {
        let inner = self.areas().detail.height.saturating_sub(2) as usize;
        inner.saturating_sub(self.detail_header_len()).max(1)
    }

    /// The first row of the tree on screen (the scroll, kept so the last page stays full).
    pub fn detail_top(&self, rows: usize) -> usize {
        self.detail
            .scroll
            .min(rows.saturating_sub(self.detail_visible_rows()))
    }

    /// `z`: fold (or open) the map or list at the top row; on a leaf, the one holding it.
    pub fn fold_at_top(&mut self) {
        let Some(rows) = self.detail_outline() else {
            return;
        };
        let top = self.detail_top(rows.rows.len());
        let Some(at) = rows.opener_of(top).filter(|&i| rows.rows[i].depth > 0) else {
            return;
        };
        let (Some(path), Some(node)) = (rows.path(at), self.detail_entry().map(|e| e.node)) else {
            return;
        };
        let path = path.to_string();
        let paths = self.detail.folds.paths_for(node);
        if !paths.remove(&path) {
            paths.insert(path);
        }
        // The fold's row stays at the top, where the key was pressed.
        self.detail.scroll = at;
    }

    /// `Z`: fold every map and list below the top level, or open them all when some are folded.
    pub fn fold_all(&mut self) {
        let (Some(rows), Some(node)) = (self.detail_outline(), self.detail_entry().map(|e| e.node))
        else {
            return;
        };
        let inner: Vec<String> = rows.inner_paths().map(str::to_string).collect();
        let paths = self.detail.folds.paths_for(node);
        if rows.folded > 0 {
            paths.clear();
        } else {
            paths.extend(inner);
        }
        self.detail.scroll = 0;
    }

    /// `{` / `}`: the start or the end of the payload.
    pub fn detail_jump(&mut self, end: bool) {
        self.detail.scroll = if end { usize::MAX / 2 } else { 0 };
    }

    /// Lines above the payload: the meta line, its notes (`detail_notes`) and a blank line.
    pub fn detail_header_len(&self) -> usize {
        self.detail_entry()
            .map_or(0, |e| 2 + self.detail_note_lines(e).len())
    }
}
