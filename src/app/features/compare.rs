//! `=`: one topic across every open connection, the bridge question: did it arrive on each,
//! the same, and how late? For each connection, its last message on the topic; whether the last
//! values agree (byte for byte); and when the newest value seen anywhere arrived on each, as
//! received here (one process, one clock), from the first arrival. Pure: computed from the
//! stores whenever it is drawn, so it follows the traffic.

use std::time::{Duration, SystemTime};

use bytes::Bytes;

use super::super::App;
use super::connections::{Health, name_of};
use crate::session::link::{ConnId, Link};

/// One connection's side of the comparison.
#[derive(Debug, Clone)]
pub struct Side {
    pub conn: ConnId,
    pub name: String,
    pub health: Health,
    pub last: Option<Last>,
    pub arrival: Arrival,
}

/// A connection's last message on the topic.
#[derive(Debug, Clone)]
pub struct Last {
    pub payload: Bytes,
    pub received: SystemTime,
    pub retain: bool,
    /// Cut to its head to stay within the budget: its bytes cannot be compared.
    pub cut: bool,
    /// Messages seen on the topic.
    pub count: u64,
}

/// When the newest value seen on any connection arrived on this one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    /// Here first (or alone).
    First,
    /// This long after the first.
    After(Duration),
    /// Not among this connection's kept messages of the topic.
    Missing,
    /// Nothing to tell: the value is cut, or nothing arrived on any connection.
    Unknown,
}

/// Whether the connections' last values agree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every connection has the topic, with the same last value.
    Agree,
    /// The last values differ: how many different ones there are.
    Differ(usize),
    /// Only some connections have the topic (their names); the others never saw it.
    Partly(Vec<String>),
    /// A value is cut to fit the budget, so bytes cannot be compared.
    Unknown,
    Nowhere,
}

#[derive(Debug, Clone)]
pub struct Comparison {
    pub topic: String,
    pub sides: Vec<Side>,
    pub verdict: Verdict,
}

impl App {
    /// Topic `topic` on every open connection.
    pub fn compare(&self, topic: &str) -> Comparison {
        let links = self.links();
        let mut sides: Vec<Side> = links.iter().map(|l| side(l, topic)).collect();
        // The newest value anywhere, and when it arrived on each connection.
        let newest = sides
            .iter()
            .filter_map(|s| s.last.as_ref())
            .filter(|l| !l.cut)
            .max_by_key(|l| l.received)
            .map(|l| l.payload.clone());
        let arrivals: Vec<Option<SystemTime>> = links
            .iter()
            .map(|l| newest.as_ref().and_then(|p| arrived(l, topic, p)))
            .collect();
        let first = arrivals.iter().flatten().min().copied();
        // One connection is first (the earliest listed, on a tie); the others arrived after
        // it, by zero or more.
        let first_at = arrivals.iter().position(|a| a.is_some() && *a == first);
        for (i, (s, at)) in sides.iter_mut().zip(&arrivals).enumerate() {
            s.arrival = match (first, at) {
                (Some(_), Some(_)) if Some(i) == first_at => Arrival::First,
                (Some(first), Some(at)) => {
                    Arrival::After(at.duration_since(first).unwrap_or_default())
                }
                (Some(_), None) if s.last.is_some() || s.health == Health::Connected => {
                    Arrival::Missing
                }
                _ => Arrival::Unknown,
            };
        }
        let verdict = verdict(&sides);
        Comparison {
            topic: topic.to_string(),
            sides,
            verdict,
        }
    }
}

fn side(link: &Link, topic: &str) -> Side {
    let store = &link.store;
    let last = store.tree.find(topic).and_then(|node| {
        let e = store.last(node)?;
        Some(Last {
            payload: store.payload_bytes(e),
            received: e.received(),
            retain: e.retain(),
            cut: e.cut(),
            count: store.tree.node(node).msg_count,
        })
    });
    Side {
        conn: link.id,
        name: name_of(link),
        health: Health::of(link),
        last,
        arrival: Arrival::Unknown,
    }
}

/// When `payload` last arrived on `topic` on this connection, among its kept messages.
fn arrived(link: &Link, topic: &str, payload: &Bytes) -> Option<SystemTime> {
    let store = &link.store;
    let node = store.tree.find(topic)?;
    store
        .history(node)
        .rev()
        .find(|e| !e.cut() && store.payload(e) == &payload[..])
        .map(|e| e.received())
}

fn verdict(sides: &[Side]) -> Verdict {
    let with: Vec<&Side> = sides.iter().filter(|s| s.last.is_some()).collect();
    if with.is_empty() {
        return Verdict::Nowhere;
    }
    if with.len() < sides.len() {
        return Verdict::Partly(with.iter().map(|s| s.name.clone()).collect());
    }
    let lasts: Vec<&Last> = with.iter().filter_map(|s| s.last.as_ref()).collect();
    if lasts.iter().any(|l| l.cut) {
        return Verdict::Unknown;
    }
    let mut values: Vec<&Bytes> = lasts.iter().map(|l| &l.payload).collect();
    values.sort();
    values.dedup();
    match values.len() {
        1 => Verdict::Agree,
        n => Verdict::Differ(n),
    }
}

impl Verdict {
    /// In words, for the compare view's first line.
    pub fn words(&self, of: usize) -> String {
        match self {
            Verdict::Agree => format!("the last value agrees on all {of} connections"),
            Verdict::Differ(n) => format!("the last values differ: {n} different values"),
            Verdict::Partly(names) => format!(
                "only on {} (of {of}): the others never received it",
                names
                    .iter()
                    .map(|n| crate::text::clean(n).into_owned())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Verdict::Unknown => {
                "cannot tell: a value was cut to fit the history budget".to_string()
            }
            Verdict::Nowhere => "no connection has received this topic".to_string(),
        }
    }
}

impl Arrival {
    /// In words, for a side's row.
    pub fn words(self) -> String {
        match self {
            Arrival::First => "first".to_string(),
            Arrival::After(d) => format!("+{}", lag(d)),
            Arrival::Missing => "newest value not arrived".to_string(),
            Arrival::Unknown => "–".to_string(),
        }
    }
}

/// A lag as people read it: microseconds below a millisecond, then ms with one decimal, then s.
fn lag(d: Duration) -> String {
    let us = d.as_micros();
    if us < 1_000 {
        format!("{us} µs")
    } else if us < 1_000_000 {
        format!("{:.1} ms", us as f64 / 1_000.0)
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lags_read_in_their_unit() {
        assert_eq!(lag(Duration::from_micros(420)), "420 µs");
        assert_eq!(lag(Duration::from_micros(12_345)), "12.3 ms");
        assert_eq!(lag(Duration::from_millis(2_500)), "2.50 s");
    }
}
