//! What the explorer knows of each Sparkplug edge node and device: the metrics its last birth
//! certificate declared (alias → name, type, unit), the last `seq`, the birth's `bdSeq`, and
//! whether it is online. Fed every `spBv1.0/` message as it arrives (`observe`); the detail asks
//! it to resolve a message's aliases and for the problems found when that message came.
//!
//! Bounded: at most `MAX_DEFINITIONS` metric definitions in all (~100 B each, so ~10 MiB at
//! most); births past that are noted as not kept, and their data is shown by alias.

use std::collections::{HashMap, VecDeque};

use super::payload::{Metric, MetricDef, Value, parse};
use super::{Kind, Topic, topic};

/// Metric definitions kept across all births.
pub const MAX_DEFINITIONS: usize = 100_000;
/// Messages whose problems are remembered (the newest; older ones are long off the screen).
const MAX_PROBLEM_NOTES: usize = 4096;

#[derive(Debug, Default)]
struct Node {
    birth: Option<HashMap<u64, MetricDef>>,
    devices: HashMap<String, HashMap<u64, MetricDef>>,
    bd_seq: Option<u64>,
    last_seq: Option<u64>,
    online: bool,
}

#[derive(Debug, Default)]
pub struct Births {
    nodes: HashMap<String, Node>,
    definitions: usize,
    /// (message sequence number, what was wrong with it), oldest first.
    problems: VecDeque<(u64, Vec<String>)>,
    /// Bumped whenever a birth changes, so decoded views made with the old one are redone.
    generation: u64,
    /// Births not kept because `MAX_DEFINITIONS` was reached.
    pub refused: u64,
}

fn definitions(metrics: &[Metric]) -> HashMap<u64, MetricDef> {
    metrics
        .iter()
        .filter_map(|m| {
            Some((
                m.alias?,
                MetricDef {
                    name: m.name.clone()?,
                    datatype: m.datatype,
                    unit: m.unit.clone(),
                },
            ))
        })
        .collect()
}

fn bd_seq(metrics: &[Metric]) -> Option<u64> {
    metrics
        .iter()
        .find(|m| m.name.as_deref() == Some("bdSeq"))
        .and_then(|m| match m.value {
            Some(Value::UInt(n)) => Some(n),
            Some(Value::Int(n)) => u64::try_from(n).ok(),
            _ => None,
        })
}

impl Births {
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// A message on `topic_name` arrived as the store's message `seq`: births are kept, and
    /// what is wrong with it (a seq gap, data without a birth, an alias no birth declared) is
    /// noted for the detail.
    pub fn observe(&mut self, seq: u64, topic_name: &str, payload: &[u8]) {
        let Some(t) = topic(topic_name) else {
            return;
        };
        let mut problems = Vec::new();
        match parse(payload) {
            Ok(p) => self.apply(&t, &p.metrics, p.seq, &mut problems),
            Err(e) => problems.push(e.message),
        }
        if !problems.is_empty() {
            if self.problems.len() >= MAX_PROBLEM_NOTES {
                self.problems.pop_front();
            }
            self.problems.push_back((seq, problems));
        }
    }

    fn apply(
        &mut self,
        t: &Topic<'_>,
        metrics: &[Metric],
        seq: Option<u64>,
        out: &mut Vec<String>,
    ) {
        let key = t.node_key();
        let node = self.nodes.entry(key).or_default();
        if t.kind.numbered() {
            match (seq, node.last_seq) {
                (None, _) => out.push(format!("{} without a seq", t.kind.name())),
                (Some(got), Some(last)) if t.kind != Kind::NBirth && got != (last + 1) % 256 => out
                    .push(format!(
                        "seq gap: expected {}, got {got} (messages lost or out of order)",
                        (last + 1) % 256
                    )),
                _ => {}
            }
            if seq.is_some() {
                node.last_seq = seq;
            }
        }
        let no_node_birth = || {
            format!(
                "{} before any NBIRTH of edge node {}/{}: aliases cannot be resolved (R asks for a rebirth)",
                t.kind.name(),
                t.group,
                t.edge
            )
        };
        match t.kind {
            Kind::NBirth => {
                let defs = definitions(metrics);
                let before = node.birth.as_ref().map_or(0, HashMap::len)
                    + node.devices.values().map(HashMap::len).sum::<usize>();
                self.definitions = self.definitions.saturating_sub(before);
                node.devices.clear();
                node.bd_seq = bd_seq(metrics);
                node.online = true;
                if self.definitions + defs.len() > MAX_DEFINITIONS {
                    self.refused += 1;
                    node.birth = Some(HashMap::new());
                    out.push(
                        "birth not kept: the explorer holds its limit of metric definitions".into(),
                    );
                } else {
                    self.definitions += defs.len();
                    node.birth = Some(defs);
                }
                self.generation += 1;
            }
            Kind::NDeath => {
                if let (Some(birth), Some(death)) = (node.bd_seq, bd_seq(metrics))
                    && birth != death
                {
                    out.push(format!(
                        "NDEATH bdSeq {death} does not match the NBIRTH's bdSeq {birth} (a stale will)"
                    ));
                } else {
                    node.online = false;
                }
            }
            Kind::DBirth => {
                if node.birth.is_none() || !node.online {
                    out.push(no_node_birth());
                }
                let device = t.device.unwrap_or_default().to_string();
                let defs = definitions(metrics);
                let before = node.devices.get(&device).map_or(0, HashMap::len);
                self.definitions = self.definitions.saturating_sub(before);
                if self.definitions + defs.len() > MAX_DEFINITIONS {
                    self.refused += 1;
                    node.devices.insert(device, HashMap::new());
                    out.push(
                        "birth not kept: the explorer holds its limit of metric definitions".into(),
                    );
                } else {
                    self.definitions += defs.len();
                    node.devices.insert(device, defs);
                }
                self.generation += 1;
            }
            Kind::DDeath => {
                if let Some(d) = t.device {
                    let gone = node.devices.remove(d).map_or(0, |m| m.len());
                    self.definitions = self.definitions.saturating_sub(gone);
                    self.generation += 1;
                }
            }
            Kind::NData | Kind::DData => {
                let birth = match t.device {
                    None if node.birth.is_none() || !node.online => {
                        out.push(no_node_birth());
                        None
                    }
                    None => node.birth.as_ref(),
                    Some(d) => match node.devices.get(d) {
                        Some(b) => Some(b),
                        None => {
                            out.push(format!(
                                "DDATA before any DBIRTH of device {}/{}/{d}: aliases cannot be resolved (R asks for a rebirth)",
                                t.group, t.edge
                            ));
                            None
                        }
                    },
                };
                if let Some(b) = birth {
                    let unknown: Vec<String> = metrics
                        .iter()
                        .filter(|m| m.name.is_none())
                        .filter_map(|m| m.alias)
                        .filter(|a| !b.contains_key(a))
                        .map(|a| a.to_string())
                        .collect();
                    if !unknown.is_empty() {
                        out.push(format!("aliases no birth declared: {}", unknown.join(", ")));
                    }
                }
            }
            Kind::NCmd | Kind::DCmd => {}
        }
    }

    /// The aliases the birth behind a message on `topic_name` declared.
    pub fn birth_for(&self, topic_name: &str) -> Option<&HashMap<u64, MetricDef>> {
        let t = topic(topic_name)?;
        let node = self.nodes.get(&t.node_key())?;
        match t.device {
            None => node.birth.as_ref(),
            Some(d) => node.devices.get(d),
        }
    }

    /// What was wrong with message `seq` when it arrived.
    pub fn problems(&self, seq: u64) -> &[String] {
        // Sequence numbers are noted in increasing order.
        match self.problems.binary_search_by_key(&seq, |(s, _)| *s) {
            Ok(i) => &self.problems[i].1,
            Err(_) => &[],
        }
    }

    /// Edge nodes seen, with whether each is online (after an NBIRTH, before its NDEATH).
    pub fn online(&self, group: &str, edge: &str) -> Option<bool> {
        self.nodes.get(&format!("{group}/{edge}")).map(|n| n.online)
    }
}

#[cfg(test)]
mod tests {
    use super::super::payload::{SpPayload, datatype};
    use super::*;

    fn metric(name: Option<&str>, alias: u64, v: Value) -> Metric {
        Metric {
            name: name.map(str::to_string),
            alias: Some(alias),
            datatype: Some(datatype::DOUBLE),
            value: Some(v),
            unit: name.map(|_| "kW".to_string()),
            ..Metric::default()
        }
    }

    fn bytes(seq: u64, metrics: Vec<Metric>) -> Vec<u8> {
        SpPayload {
            timestamp: Some(1),
            seq: Some(seq),
            metrics,
            ..SpPayload::default()
        }
        .encode()
        .unwrap()
    }

    #[test]
    fn aliases_resolve_across_births_and_gaps_are_flagged() {
        let mut b = Births::default();
        b.observe(
            1,
            "spBv1.0/g/NDATA/e",
            &bytes(5, vec![metric(None, 1, Value::Double(1.0))]),
        );
        assert!(
            b.problems(1)[0].contains("before any NBIRTH"),
            "{:?}",
            b.problems(1)
        );
        let birth = bytes(
            0,
            vec![
                metric(Some("bdSeq"), 0, Value::UInt(4)),
                metric(Some("Power"), 1, Value::Double(0.0)),
            ],
        );
        b.observe(2, "spBv1.0/g/NBIRTH/e", &birth);
        b.observe(
            3,
            "spBv1.0/g/DBIRTH/e/pump",
            &bytes(1, vec![metric(Some("Speed"), 7, Value::Double(0.0))]),
        );
        b.observe(
            4,
            "spBv1.0/g/NDATA/e",
            &bytes(2, vec![metric(None, 1, Value::Double(3.5))]),
        );
        assert!(b.problems(2).is_empty() && b.problems(3).is_empty() && b.problems(4).is_empty());
        assert_eq!(b.birth_for("spBv1.0/g/NDATA/e").unwrap()[&1].name, "Power");
        assert_eq!(
            b.birth_for("spBv1.0/g/DDATA/e/pump").unwrap()[&7].name,
            "Speed"
        );
        // seq 3 is missing.
        b.observe(
            5,
            "spBv1.0/g/DDATA/e/pump",
            &bytes(4, vec![metric(None, 9, Value::Double(1.0))]),
        );
        let p = b.problems(5);
        assert!(p.iter().any(|p| p.contains("expected 3, got 4")), "{p:?}");
        assert!(
            p.iter().any(|p| p.contains("aliases no birth declared: 9")),
            "{p:?}"
        );
        b.observe(6, "spBv1.0/g/DDATA/e/valve", &bytes(5, vec![]));
        assert!(b.problems(6)[0].contains("before any DBIRTH of device g/e/valve"));
        // seq wraps at 256.
        b.observe(
            7,
            "spBv1.0/g/NBIRTH/e",
            &bytes(255, vec![metric(Some("bdSeq"), 0, Value::UInt(5))]),
        );
        b.observe(8, "spBv1.0/g/NDATA/e", &bytes(0, vec![]));
        assert!(b.problems(8).is_empty(), "{:?}", b.problems(8));
        // A stale will does not take the node offline; the matching one does.
        b.observe(
            9,
            "spBv1.0/g/NDEATH/e",
            &bytes(0, vec![metric(Some("bdSeq"), 0, Value::UInt(4))]),
        );
        assert!(b.problems(9)[0].contains("does not match"));
        assert_eq!(b.online("g", "e"), Some(true));
        b.observe(
            10,
            "spBv1.0/g/NDEATH/e",
            &bytes(0, vec![metric(Some("bdSeq"), 0, Value::UInt(5))]),
        );
        assert_eq!(b.online("g", "e"), Some(false));
        b.observe(11, "spBv1.0/g/NDATA/e", &bytes(1, vec![]));
        assert!(b.problems(11)[0].contains("before any NBIRTH"));
        b.observe(12, "spBv1.0/g/NDATA/e", b"{\"not\": \"sparkplug\"}");
        assert!(b.problems(12)[0].contains("not a Sparkplug B payload"));
    }
}
