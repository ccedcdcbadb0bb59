//! `M`: every open connection in one tree, each broker a root (`@site-a/sensors/…`). Arrows
//! move, → and ← open and close, Enter compares the topic across the connections (`=`), Tab
//! shows it in its own connection's tree; typing filters with the tree's syntax (then the rows
//! are the matching topics under their connection). The rows themselves are worked out by
//! `features::all_tree` from the stores, each time they are drawn.

use std::collections::HashSet;

use crate::app::keymap::Action;
use crate::session::link::ConnId;
use crate::store::NodeId;

use super::{Intent, Outcome, edit_line};

/// One row of the merged tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllRow {
    pub conn: ConnId,
    /// None: the connection's own row (`@name`).
    pub node: Option<NodeId>,
    pub depth: u16,
    /// The level's name (`@name` for a connection; the full topic when filtered).
    pub label: String,
    pub has_children: bool,
    pub open: bool,
    /// The full topic, when a message arrived on it.
    pub topic: Option<String>,
    /// Messages in the subtree (for a connection: all it received).
    pub msgs: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AllTreePopup {
    pub selected: usize,
    pub filter: String,
    /// Levels opened with →.
    pub open: HashSet<(ConnId, NodeId)>,
    /// Connections closed with ← (a connection's row starts open).
    pub closed: HashSet<ConnId>,
}

impl AllTreePopup {
    /// A key, with the rows as drawn and the rows a page shows.
    pub fn on_key(
        &mut self,
        rows: &[AllRow],
        page: usize,
        action: Option<Action>,
        typed: Option<char>,
    ) -> Outcome {
        let last = rows.len().saturating_sub(1);
        let row = rows.get(self.selected.min(last));
        match action {
            Some(Action::Close) if !self.filter.is_empty() => self.filter.clear(),
            Some(Action::Close) => return Outcome::Close,
            Some(Action::Up) => self.selected = self.selected.saturating_sub(1),
            Some(Action::Down) => self.selected = (self.selected + 1).min(last),
            Some(Action::PageUp) => self.selected = self.selected.saturating_sub(page.max(1)),
            Some(Action::PageDown) => self.selected = (self.selected + page.max(1)).min(last),
            Some(Action::Home) => self.selected = 0,
            Some(Action::End) => self.selected = last,
            Some(Action::Expand) => {
                if let Some(r) = row {
                    match r.node {
                        None => _ = self.closed.remove(&r.conn),
                        Some(n) => _ = self.open.insert((r.conn, n)),
                    }
                }
            }
            Some(Action::Collapse) => {
                if let Some(r) = row {
                    match r.node {
                        None => _ = self.closed.insert(r.conn),
                        Some(n) if r.open => _ = self.open.remove(&(r.conn, n)),
                        // On a closed level: up to its parent.
                        Some(_) => {
                            let up = rows[..self.selected.min(last)]
                                .iter()
                                .rposition(|p| p.conn == r.conn && p.depth < r.depth);
                            if let Some(i) = up {
                                self.selected = i;
                            }
                        }
                    }
                }
            }
            Some(Action::Confirm) => {
                if let Some(topic) = row.and_then(|r| r.topic.clone()) {
                    return Outcome::KeepAnd(Intent::Compare(topic));
                }
                if let Some(r) = row {
                    return self.on_key(rows, page, Some(toggle(r)), None);
                }
            }
            Some(Action::FocusNext) => {
                if let Some(r) = row {
                    return Outcome::CloseAnd(Intent::ShowIn(r.conn, r.node));
                }
            }
            _ => {
                if edit_line(&mut self.filter, action, typed, |c| !c.is_control()) {
                    self.selected = 0;
                }
            }
        }
        Outcome::Keep
    }
}

/// Enter on a level without a message opens or closes it.
fn toggle(r: &AllRow) -> Action {
    if r.open {
        Action::Collapse
    } else {
        Action::Expand
    }
}
