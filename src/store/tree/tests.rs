//! The tree's own tests: natural order, exact paths, sums read through single children.

use super::*;
use std::time::SystemTime;

#[test]
fn names_sort_naturally() {
    let mut names = vec![
        "dev10000", "dev2000", "dev1000", "dev2", "a01", "a1", "b", "A",
    ];
    names.sort_by(|a, b| natural_cmp(a, b));
    assert_eq!(
        names,
        [
            "A", "a01", "a1", "b", "dev2", "dev1000", "dev2000", "dev10000"
        ]
    );
    let mut t = TopicTree::new();
    for n in ["d/dev10000", "d/dev1000", "d/dev2000"] {
        t.node_for(n);
    }
    let d = t.find("d").unwrap();
    let order: Vec<&str> = t.children(d).iter().map(|c| t.name(*c)).collect();
    assert_eq!(order, ["dev1000", "dev2000", "dev10000"]);
}

#[test]
fn topics_are_found_by_their_exact_path() {
    let mut t = TopicTree::new();
    let topics = [
        "a/b", "a", "/b", "a//b", "", "/", "ab", "a/b/", "é/ü", "a/bc",
    ];
    let ids: Vec<_> = topics.iter().map(|p| t.node_for(p).unwrap()).collect();
    for (p, id) in topics.iter().zip(&ids) {
        assert_eq!(t.find(p), Some(*id), "{p:?}");
        assert_eq!(t.path(*id), *p);
        assert_eq!(t.node_for(p), Some(*id), "no duplicate for {p:?}");
    }
    let distinct: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(distinct.len(), topics.len());
    // Same length, different split or names: the walk up the tree tells them apart.
    let ab = t.find("a/b").unwrap();
    for other in ["ab/", "/ab", "a/c", "b/a", "a/b/c"] {
        assert!(!t.path_is(ab, other), "{other:?}");
        assert_eq!(t.find(other), None, "{other:?}");
    }
}

#[test]
fn a_path_node_sums_what_its_only_child_sums_until_it_sums_more() {
    let mut t = TopicTree::new();
    let at = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(5);
    let at_us = 5_000_000;
    let temp = t.node_for("d/dev7/temp").unwrap();
    t.record(temp, 0, 4, at_us, 10);
    let dev = t.find("d/dev7").unwrap();
    let d = t.find("d").unwrap();
    let sums = |t: &TopicTree, id| {
        let n = t.node(id);
        (
            n.msg_count,
            n.bytes,
            n.topic_count,
            n.last_received(),
            n.is_topic(),
        )
    };
    assert_eq!(sums(&t, dev), (1, 4, 1, Some(at), false));
    assert_eq!(sums(&t, d), (1, 4, 1, Some(at), false));
    assert_eq!(
        t.aggs.len(),
        2,
        "the root's and the topic's: the path reads its child's"
    );
    // A second child: dev7 sums both from now on, and d reads dev7's.
    let hum = t.node_for("d/dev7/hum").unwrap();
    t.record(hum, 1, 10, at_us, 20);
    assert_eq!(sums(&t, dev), (2, 14, 2, Some(at), false));
    assert_eq!(sums(&t, d), (2, 14, 2, Some(at), false));
    assert_eq!(sums(&t, temp), (1, 4, 1, Some(at), true));
    // A message of its own on a path node.
    let d2 = t.node_for("d").unwrap();
    assert_eq!(d2, d, "the same node, now asked for as a topic");
    t.record(d, 2, 1, at_us, 30);
    assert_eq!(sums(&t, d), (3, 15, 3, Some(at), true));
    assert_eq!(sums(&t, dev), (2, 14, 2, Some(at), false));
    assert_eq!(t.msg_count(), 3);
    assert_eq!(t.node(ROOT).topic_count, 3);
    assert!(t.node(d).rates.msgs(30) > t.node(dev).rates.msgs(30));
    assert_eq!(t.find("d"), Some(d), "found by its hash now");
    assert_eq!(t.children(dev).len(), 2);
}

#[test]
fn many_nodes_read_at_once_read_what_each_reads_alone() {
    let mut t = TopicTree::new();
    // Path nodes two deep over a topic, a node summing children of its own, topics.
    let mut seq = 0;
    for (topic, n) in [("s/a/x/y", 3), ("s/b/t", 1), ("s/b/u", 2), ("s/c", 4)] {
        let id = t.node_for(topic).unwrap();
        for _ in 0..n {
            t.record(id, seq, 10, 1_000_000 + seq, seq as u32);
            seq += 1;
        }
    }
    let ids: Vec<NodeId> = ["s/a", "s/a/x", "s/b", "s/c", "s/b/u", "s"]
        .iter()
        .map(|p| t.find(p).unwrap())
        .collect();
    let many = t.sums_of_many(&ids);
    for (id, s) in ids.iter().zip(&many) {
        let n = t.node(*id);
        assert_eq!(
            (s.msg_count(), s.last_us(), *s.rates()),
            (n.msg_count, n.last_us, n.rates),
            "{}",
            t.path(*id)
        );
    }
    let counts: Vec<u64> = many.iter().map(|s| s.msg_count()).collect();
    assert_eq!(counts, [3, 3, 3, 4, 2, 10]);
}

#[test]
fn no_node_for_a_topic_longer_than_mqtt_allows() {
    let mut t = TopicTree::new();
    let long = "x".repeat(65_536);
    assert_eq!(t.node_for(&long), None);
    assert!(t.node_for(&long[1..]).is_some(), "65,535 bytes is allowed");
}
