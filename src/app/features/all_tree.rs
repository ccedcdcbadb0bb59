//! The rows of `M`, the merged tree: each open connection a root (`@name`), its topics below
//! as in its own tree. With a filter (the tree's syntax, on each topic), the rows are the
//! matching topics under their connection, at most `MATCHES_SHOWN` of them, the walk keeping
//! one path buffer (no string per level: a million topics are walked in tens of
//! milliseconds, and only while the popup is open with a filter).

use super::super::App;
use super::super::filter::Filter;
use super::connections::name_of;
use crate::app::popup::all_tree::{AllRow, AllTreePopup};
use crate::session::link::Link;
use crate::store::NodeId;

/// Matching topics listed with a filter; past it the title says the list is cut.
pub const MATCHES_SHOWN: usize = 5_000;

impl App {
    /// The merged tree's rows as `p` opens and filters them.
    pub fn all_tree_rows(&self, p: &AllTreePopup) -> Vec<AllRow> {
        let filter = Filter::new(p.filter.clone());
        let mut rows = Vec::new();
        for link in self.links() {
            let open = !p.closed.contains(&link.id);
            let store = &link.store;
            rows.push(AllRow {
                conn: link.id,
                node: None,
                depth: 0,
                label: format!("@{}", name_of(link)),
                has_children: !store.tree.roots().is_empty(),
                open,
                topic: None,
                msgs: store.tree.msg_count(),
            });
            if !open {
                continue;
            }
            if filter.is_active() {
                matching(link, &filter, &mut rows);
            } else {
                for &n in store.tree.roots() {
                    walk(link, p, n, 1, &mut rows);
                }
            }
        }
        rows
    }
}

/// Opened levels, depth first.
fn walk(link: &Link, p: &AllTreePopup, node: NodeId, depth: u16, rows: &mut Vec<AllRow>) {
    let tree = &link.store.tree;
    let n = tree.node(node);
    let open = p.open.contains(&(link.id, node));
    rows.push(AllRow {
        conn: link.id,
        node: Some(node),
        depth,
        label: tree.name(node).to_string(),
        has_children: !n.children.is_empty(),
        open,
        topic: n.is_topic().then(|| tree.path(node)),
        msgs: n.msg_count,
    });
    if open {
        for &c in n.children {
            walk(link, p, c, depth + 1, rows);
        }
    }
}

/// The connection's topics the filter keeps, by their full topic, in tree order.
fn matching(link: &Link, filter: &Filter, rows: &mut Vec<AllRow>) {
    let store = &link.store;
    let mut path = String::new();
    // Each node with where its parent's path ends (None: a root; a level may be empty, as
    // in `/a`, so the length alone cannot say).
    let mut stack: Vec<(NodeId, Option<usize>)> = store
        .tree
        .roots()
        .iter()
        .rev()
        .map(|&n| (n, None))
        .collect();
    let mut found = 0;
    while let Some((node, at)) = stack.pop() {
        path.truncate(at.unwrap_or(0));
        if at.is_some() {
            path.push('/');
        }
        path.push_str(store.tree.name(node));
        let n = store.tree.node(node);
        if n.is_topic() {
            let payload = store.last(node).map(|e| store.payload(e));
            if filter.matches_message(&path, payload) {
                found += 1;
                if found > MATCHES_SHOWN {
                    return;
                }
                rows.push(AllRow {
                    conn: link.id,
                    node: Some(node),
                    depth: 1,
                    label: path.clone(),
                    has_children: false,
                    open: false,
                    topic: Some(path.clone()),
                    msgs: n.msg_count,
                });
            }
        }
        let len = path.len();
        stack.extend(n.children.iter().rev().map(|&c| (c, Some(len))));
    }
}
