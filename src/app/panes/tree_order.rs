//! The tree's order (`o` cycles it): by name (natural: `dev2` before `dev10`), busiest
//! (msg/s), bytes/s, silent first (longest since its last message), newest first, or message
//! count. Each level is sorted on its own, a collapsed subtree by its totals (its rates and
//! counts are its topics' sums). Orders that follow the traffic re-sort at most once a second,
//! so rows do not jump under the reader's eyes every frame.

use crate::store::NodeId;
use crate::store::tree::{Sums, TopicTree};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    #[default]
    Name,
    Busiest,
    Bytes,
    Silent,
    Newest,
    Count,
}

impl Order {
    /// The next order `o` picks.
    pub fn next(self) -> Order {
        match self {
            Order::Name => Order::Busiest,
            Order::Busiest => Order::Bytes,
            Order::Bytes => Order::Silent,
            Order::Silent => Order::Newest,
            Order::Newest => Order::Count,
            Order::Count => Order::Name,
        }
    }

    /// How the tree's title says it (None: by name, the usual order, unsaid).
    pub fn words(self) -> Option<&'static str> {
        match self {
            Order::Name => None,
            Order::Busiest => Some("busiest first (msg/s)"),
            Order::Bytes => Some("most bytes/s first"),
            Order::Silent => Some("silent first (stale ones on top)"),
            Order::Newest => Some("newest first"),
            Order::Count => Some("most messages first"),
        }
    }

    /// Whether the order changes with the traffic (and the rows re-sort once a second).
    pub fn follows_traffic(self) -> bool {
        self != Order::Name
    }

    /// Sorts one level's `ids` (given in name order, which breaks ties) as of `now_ms`. Each
    /// node's key is read once: read in every comparison, sorting a site of 100,000 topics
    /// took 150 ms (a node's sums are a cache miss away); once, it takes a tenth of that.
    pub fn sort(self, tree: &TopicTree, now_ms: u32, ids: &mut [NodeId]) {
        use std::cmp::Ordering;
        if self == Order::Name {
            return;
        }
        let sums = tree.sums_of_many(ids);
        match self {
            Order::Name => {}
            Order::Busiest => by(
                ids,
                &sums,
                |_, s| s.rates().msgs(now_ms),
                |a, b| b.total_cmp(a),
            ),
            Order::Bytes => by(
                ids,
                &sums,
                |_, s| s.rates().bytes(now_ms),
                |a, b| b.total_cmp(a),
            ),
            // Stale topics first, the most overdue (silence over its usual interval) first;
            // then the rest, the longest silent first.
            Order::Silent => by(
                ids,
                &sums,
                |id, s| {
                    let overdue = tree
                        .rhythm(id)
                        .silence(now_ms)
                        .filter(|s| s.stale)
                        .and_then(|s| Some(s.silent_ms as f32 / s.usual_ms?));
                    (overdue, s.last_us())
                },
                |(oa, la), (ob, lb)| match (oa, ob) {
                    (Some(x), Some(y)) => y.total_cmp(x),
                    (Some(_), None) => Ordering::Less,
                    (None, Some(_)) => Ordering::Greater,
                    (None, None) => la.cmp(lb),
                },
            ),
            Order::Newest => by(ids, &sums, |_, s| s.last_us(), |a, b| b.cmp(a)),
            Order::Count => by(ids, &sums, |_, s| s.msg_count(), |a, b| b.cmp(a)),
        }
    }
}

/// Sorts `ids` by a key read once per node (from its sums, read beforehand for all); ties
/// keep the order given (by name).
fn by<K>(
    ids: &mut [NodeId],
    sums: &[Sums<'_>],
    key: impl Fn(NodeId, &Sums<'_>) -> K,
    cmp: impl Fn(&K, &K) -> std::cmp::Ordering,
) {
    let mut keyed: Vec<(K, NodeId)> = ids
        .iter()
        .zip(sums)
        .map(|(&id, s)| (key(id, s), id))
        .collect();
    // Stable: equal keys stay in name order.
    keyed.sort_by(|a, b| cmp(&a.0, &b.0));
    for (slot, (_, id)) in ids.iter_mut().zip(keyed) {
        *slot = id;
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant, SystemTime};

    use super::Order;
    use crate::app::panes::tree::TreeView;
    use crate::store::{Limits, Store};

    /// `hot` gets 20 small messages in the last second, `big` two large ones, `old` one long
    /// ago; the clock is the test's.
    fn store(t0: Instant) -> Store {
        let mut s = Store::new(Limits::default());
        let wall = SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_000_000);
        let mut put = |topic: &str, payload: &str, at: Duration| {
            let mut m = crate::store::tests_support::msg(topic, payload);
            m.received = wall + at;
            s.ingest(m, false, t0 + at);
        };
        put("x/old", "1", Duration::ZERO);
        for i in 0..20 {
            put("x/hot", "1", Duration::from_millis(29_000 + i * 50));
        }
        put("x/big", &"b".repeat(10_000), Duration::from_millis(29_500));
        put("x/big", &"b".repeat(10_000), Duration::from_millis(29_900));
        s
    }

    fn names(order: Order, s: &Store, now: Instant) -> Vec<String> {
        let mut view = TreeView {
            order,
            ..TreeView::default()
        };
        let x = s.tree.find("x").unwrap();
        view.expand(x);
        let rows = view.rows(s, now);
        rows.iter()
            .skip(1)
            .map(|id| s.tree.name(*id).to_string())
            .collect()
    }

    #[test]
    fn each_order_ranks_the_topics_by_what_it_says() {
        let t0 = Instant::now();
        let s = store(t0);
        let now = t0 + Duration::from_secs(30);
        assert_eq!(names(Order::Name, &s, now), ["big", "hot", "old"]);
        assert_eq!(names(Order::Busiest, &s, now), ["hot", "big", "old"]);
        assert_eq!(names(Order::Bytes, &s, now), ["big", "hot", "old"]);
        assert_eq!(names(Order::Silent, &s, now), ["old", "big", "hot"]);
        assert_eq!(names(Order::Newest, &s, now), ["hot", "big", "old"]);
        assert_eq!(names(Order::Count, &s, now), ["hot", "big", "old"]);
        // Every order comes round again.
        let mut o = Order::Name;
        for _ in 0..6 {
            o = o.next();
        }
        assert_eq!(o, Order::Name);
    }

    #[test]
    fn collapsed_subtrees_sort_by_their_totals() {
        let t0 = Instant::now();
        let mut s = store(t0);
        let wall = SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_000_000);
        for i in 0..50 {
            let mut m = crate::store::tests_support::msg(&format!("y/{}", i % 5), "1");
            m.received = wall + Duration::from_secs(29);
            s.ingest(m, false, t0 + Duration::from_millis(29_000 + i * 10));
        }
        let view = TreeView {
            order: Order::Busiest,
            ..TreeView::default()
        };
        let now = t0 + Duration::from_secs(30);
        let rows = view.rows(&s, now);
        let roots: Vec<&str> = rows.iter().map(|id| s.tree.name(*id)).collect();
        assert_eq!(roots, ["y", "x"], "y's 50 messages beat x's 22");
    }
}
