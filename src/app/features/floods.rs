//! `F`, what floods: the busiest topics (or subtrees) by msg/s or bytes/s over 10 s, 1 min or
//! 5 min, each with its share of all the traffic received (the whole tree's rate, not the sum
//! of the rows shown). Pure: a pass over the nodes keeping the top `SHOWN`, computed when
//! drawn (a million nodes take a few milliseconds, and only while the popup is open).

use super::super::App;
use crate::app::popup::floods::FloodsPopup;
use crate::store::NodeId;
use crate::store::tree::ROOT;

/// Rows the view ranks.
pub const SHOWN: usize = 50;

#[derive(Debug, Clone, PartialEq)]
pub struct FloodRow {
    pub node: NodeId,
    pub topic: String,
    /// msg/s or bytes/s over the window.
    pub rate: f32,
    /// Of all traffic, 0 to 1.
    pub share: f32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Floods {
    pub rows: Vec<FloodRow>,
    /// All traffic over the window, msg/s or bytes/s.
    pub total: f32,
}

impl App {
    /// The top topics or subtrees as `p` asks.
    pub fn floods(&self, p: &FloodsPopup) -> Floods {
        let store = &self.link.store;
        let tree = &store.tree;
        let now_ms = store.rate.current_millis(self.now);
        let rate = |id: NodeId| {
            let r = &tree.node(id).rates;
            match p.by_bytes {
                true => r.bytes_over(p.window, now_ms),
                false => r.msgs_over(p.window, now_ms),
            }
        };
        let total = rate(ROOT);
        // The top SHOWN, kept sorted, the smallest last.
        let mut top: Vec<(f32, NodeId)> = Vec::with_capacity(SHOWN + 1);
        for id in 1..=tree.len() as NodeId {
            let n = tree.node(id);
            let wanted = match p.subtrees {
                true => !n.children.is_empty(),
                false => n.is_topic(),
            };
            if !wanted {
                continue;
            }
            let r = rate(id);
            if r <= 0.0 || (top.len() == SHOWN && top.last().is_some_and(|(x, _)| r <= *x)) {
                continue;
            }
            let at = top.partition_point(|(x, _)| *x >= r);
            top.insert(at, (r, id));
            top.truncate(SHOWN);
        }
        let rows = top
            .into_iter()
            .map(|(rate, node)| FloodRow {
                node,
                topic: tree.path(node),
                rate,
                share: if total > 0.0 {
                    (rate / total).min(1.0)
                } else {
                    0.0
                },
            })
            .collect();
        Floods { rows, total }
    }
}
