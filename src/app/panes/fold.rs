//! The detail's tree view of a structured payload: a cursor row (`J` `K`), folding (`z` the map
//! or list at the cursor, or opening a value's bytes; `Z` everything below the top level),
//! jumps to its start and end (`{` `}`), and where the view is ("row 120 of 5,012"). Folds are kept per topic by path, so they survive new
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

/// The decoded message (held, so its address cannot be reused while cached), its topic, the
/// folds' generation and the pane's width (opened bytes are rows that fit it).
type CacheKey = (Rc<Shown>, NodeId, u64, usize);

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
        let width = self.areas().detail.width.saturating_sub(2) as usize;
        if let Some((k, rows)) = folds.cache.borrow().as_ref()
            && Rc::ptr_eq(&k.0, &shown)
            && k.1 == e.node
            && k.2 == key_gen
            && k.3 == width
        {
            return Some(rows.clone());
        }
        let empty = HashSet::new();
        let paths = if folds.node == Some(e.node) {
            &folds.paths
        } else {
            &empty
        };
        let rows = Rc::new(outline::build(tree, paths, width));
        *folds.cache.borrow_mut() = Some(((shown.clone(), e.node, key_gen, width), rows.clone()));
        Some(rows)
    }

    /// Rows of the detail's payload that fit under its header lines.
    pub fn detail_visible_rows(&self) -> usize {
        let inner = self.areas().detail.height.saturating_sub(2) as usize;
        inner.saturating_sub(self.detail_header_len()).max(1)
    }

    /// The first row of the tree on screen: the scroll, kept so the last page stays full and
    /// the cursor row on screen.
    pub fn detail_top(&self, rows: usize) -> usize {
        let visible = self.detail_visible_rows();
        let top = self.detail.scroll.min(rows.saturating_sub(visible));
        let cursor = self.detail_cursor(rows);
        if cursor < top {
            cursor
        } else if cursor >= top + visible {
            cursor + 1 - visible
        } else {
            top
        }
    }

    /// The row the tree's keys act on (`z`), within the rows there are.
    pub fn detail_cursor(&self, rows: usize) -> usize {
        self.detail.cursor.min(rows.saturating_sub(1))
    }

    /// `J` / `K` (and the wheel, by three): in a tree the cursor row moves `by` rows, so every
    /// row can be folded (a scroll of three once skipped rows `z` could not reach); other
    /// payloads scroll three lines.
    pub fn detail_move(&mut self, by: isize) {
        let Some(rows) = self.detail_outline().map(|o| o.rows.len()) else {
            self.detail.scroll_by(by < 0);
            return;
        };
        let cursor = self.detail_cursor(rows);
        self.detail.cursor = cursor.saturating_add_signed(by).min(rows.saturating_sub(1));
        self.detail.scroll = self.detail_top(rows);
    }

    /// `z`: on bytes, open (or close) all of them; elsewhere fold (or open) the map or list at
    /// the cursor row, or the one holding it. The cursor stays on the row that changed.
    pub fn fold_at_cursor(&mut self) {
        let (Some(rows), Some(node)) = (self.detail_outline(), self.detail_entry().map(|e| e.node))
        else {
            return;
        };
        let cursor = self.detail_cursor(rows.rows.len());
        let (at, path) = match rows.bytes_at(cursor) {
            Some((at, path)) => (at, path.to_string()),
            None => {
                let Some(at) = rows.opener_of(cursor).filter(|&i| rows.rows[i].depth > 0) else {
                    return;
                };
                let Some(path) = rows.path(at) else {
                    return;
                };
                (at, path.to_string())
            }
        };
        let paths = self.detail.folds.paths_for(node);
        if !paths.remove(&path) {
            paths.insert(path);
        }
        self.detail.cursor = at;
        if at < self.detail.scroll {
            self.detail.scroll = at;
        }
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
        self.detail.cursor = 0;
    }

    /// `{` / `}`: the start or the end of the payload.
    pub fn detail_jump(&mut self, end: bool) {
        let far = if end { usize::MAX / 2 } else { 0 };
        self.detail.scroll = far;
        self.detail.cursor = far;
    }

    /// Lines above the payload: the meta line and its notes, wrapped, and a blank line.
    pub fn detail_header_len(&self) -> usize {
        self.detail_shown().map_or(0, |(e, shown)| {
            1 + self.detail_header_lines(e, &shown).len()
        })
    }
}
